"""A small in-memory :class:`PlaceFinder` over a given list of communes.

The real finder over the 37 590 reference communes lives in ``stopcamb_desk.geo``; this one
serves tests, examples and the benchmark when the reference data is not installed. Matching
ignores case and accents, and treats hyphens and spaces alike (« Saint-Jean » = « saint jean »).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from stopcamb_desk.domain.places import PlaceMatch
from stopcamb_desk.domain.rules.text import fold


@dataclass(frozen=True, slots=True)
class Commune:
    nom: str
    code_insee: str
    departement: str
    type: str = "commune-actuelle"
    parent_code: str | None = None
    parent_nom: str | None = None


def _key(name: str) -> str:
    return re.sub(r"[\s'-]+", " ", fold(name)).strip()


class SimplePlaceFinder:
    def __init__(self, communes: Iterable[Commune]) -> None:
        self._by_key: dict[str, list[Commune]] = {}
        for commune in communes:
            self._by_key.setdefault(_key(commune.nom), []).append(commune)
        alternatives = sorted(self._by_key, key=len, reverse=True)
        body = "|".join(re.escape(k).replace(r"\ ", r"[\s'-]+") for k in alternatives)
        self._pattern = re.compile(rf"(?<![\w-])(?:{body})(?![\w-])") if body else None

    def find_places(self, text: str, *, headings: bool = False) -> list[PlaceMatch]:
        # Every name is found in any position: ``headings`` changes nothing here.
        if self._pattern is None:
            return []
        matches: list[PlaceMatch] = []
        for m in self._pattern.finditer(fold(text)):
            for c in self._by_key[_key(m.group())]:
                matches.append(
                    PlaceMatch(
                        m.start(),
                        m.end(),
                        c.code_insee,
                        c.nom,
                        c.departement,
                        c.type,
                        c.parent_code,
                        c.parent_nom,
                    )
                )
        return matches


SAMPLE_COMMUNES: tuple[Commune, ...] = (
    Commune("Annecy", "74010", "74"),
    Commune("Meythet", "74182", "74", "commune-deleguee", "74010", "Annecy"),
    Commune("Cran-Gevrier", "74093", "74", "commune-deleguee", "74010", "Annecy"),
    Commune("Seynod", "74268", "74", "commune-deleguee", "74010", "Annecy"),
    Commune("Thonon-les-Bains", "74281", "74"),
    Commune("Saint-Julien-en-Genevois", "74243", "74"),
    Commune("Lodève", "34142", "34"),
    Commune("Montpellier", "34172", "34"),
    Commune("Béziers", "34032", "34"),
    Commune("Sète", "34301", "34"),
    Commune("Lyon", "69123", "69"),
    Commune("Valence", "26362", "26"),
    Commune("Saint-Pierre", "97416", "974"),
    Commune("Saint-Pierre", "67435", "67"),
)
"""A handful of real communes (codes INSEE), homonyms included, for tests and examples."""


def sample_place_finder() -> SimplePlaceFinder:
    return SimplePlaceFinder(SAMPLE_COMMUNES)
