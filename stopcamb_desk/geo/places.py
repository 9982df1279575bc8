"""Finding commune names inside a free French text (the composer calls it on every keystroke).

The index is built once: a dict from the normalised token tuple of every name to the
communes bearing it, and for each first token the name lengths (in tokens) that start with
it. Scanning a 160-character text is then a few dict look-ups per word.

Not crying wolf: about 2 800 communes are named like ordinary words (« Orange », « Vente »,
« Nuits », « Le Passage », « Y », « Eu »); their ``common_word`` flag comes from a French word
list at build time (tools/build_resources.py). Such a name is reported only when the text
writes it as a proper noun:

* its first significant letter is a capital, and the text is not written all in capitals;
* and it is not merely the capitalised first word of a sentence (after . ! ? : « or at the
  start), unless it is written in capitals (« ORANGE, … »), directly followed by a comma
  like the heading of an alert (« Orange, nombreux cambriolages » — but « Mars : … » is a
  month), or hyphenated like a compound name (« Trois-Villes »);
* names of one or two letters (« Y », « Eu », « Bu ») must be written exactly Capitalised,
  never at a sentence start and never in capitals (« EU », « US » are acronyms).

Other names (« Meythet », « Annecy », « Saint-Julien-en-Genevois ») are found in any case.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache

from stopcamb_desk.domain.places import PlaceMatch
from stopcamb_desk.geo.data import load_communes
from stopcamb_desk.geo.model import Commune
from stopcamb_desk.geo.text import ABBREVIATIONS, ARTICLES, fast_tokens, token_spans

_GAP = re.compile(r"[\s\-'’]{1,3}")
_ABBREVIATION_GAP = re.compile(r"\.[\s\-]{0,2}")
_SENTENCE_END = set('.!?…:«"“(\n•')
_FOLLOWED_BY_COMMA = re.compile(r"\s*,")
_FOLLOWED_BY_COLON = re.compile(r"\s*:")
# « Mars : … » is a month, « Lundi : … » a day, even where a commune bears the name.
_CALENDAR = frozenset(
    {
        *("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août"),
        *("septembre", "octobre", "novembre", "décembre"),
        *("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"),
    }
)
_TYPE_RANK = {"commune-actuelle": 0, "arrondissement-municipal": 1}


@dataclass(frozen=True, slots=True)
class _Name:
    communes: tuple[Commune, ...]  # homonyms, best first (without département preference)
    common: bool  # needs proper-noun evidence in the text
    tiny: bool  # one or two letters: strictest rule


class PlaceIndex:
    """Name index over a list of communes; build once, share between finders."""

    def __init__(self, communes: Iterable[Commune]) -> None:
        grouped: dict[tuple[str, ...], list[Commune]] = {}
        for c in communes:
            key = tuple(fast_tokens(c.nom))
            if key:
                grouped.setdefault(key, []).append(c)
        self.names: dict[tuple[str, ...], _Name] = {}
        lengths: dict[str, set[int]] = {}
        for key, entries in grouped.items():
            if len(entries) > 1:
                entries.sort(key=lambda c: (_TYPE_RANK.get(c.type, 2), -(c.population or 0)))
            content = [t for t in key if t not in ARTICLES] or list(key)
            tiny = sum(len(t) for t in content) <= 2
            common = tiny or any(c.common_word for c in entries)
            self.names[key] = _Name(tuple(entries), common, tiny)
            lengths.setdefault(key[0], set()).add(len(key))
        self.lengths: dict[str, tuple[int, ...]] = {
            first: tuple(sorted(ns, reverse=True)) for first, ns in lengths.items()
        }


@cache
def default_index() -> PlaceIndex:
    """Index over the shipped reference communes (built on first use, ~0.2 s)."""
    return PlaceIndex(load_communes())


class ReferencePlaceFinder:
    """:class:`stopcamb_desk.domain.places.PlaceFinder` over the reference communes.

    ``prefer_departements`` decides which homonym is reported first (« Saint-Martin » exists in
    dozens of départements): those of the operator's départements, then current communes
    before déléguées, then the most populated.
    """

    def __init__(
        self, index: PlaceIndex | None = None, *, prefer_departements: Iterable[str] = ()
    ) -> None:
        self._index = index if index is not None else default_index()
        self._prefer = frozenset(prefer_departements)

    def find_places(self, text: str, *, headings: bool = False) -> list[PlaceMatch]:
        """Commune names in ``text``: longest match wins, no overlaps, in text order.

        ``headings``: also an ordinary-word name heading a sentence before a colon
        (« Cluses : trois maisons cambriolées »), but never a month or a weekday (« Mars : … »).
        """
        return [group[0] for group in self.find_places_with_homonyms(text, headings=headings)]

    def find_places_with_homonyms(
        self, text: str, *, headings: bool = False
    ) -> list[list[PlaceMatch]]:
        """Like :meth:`find_places`, but each span lists every commune bearing that name."""
        found: list[tuple[int, int, _Name]] = []
        spans = list(token_spans(text))
        names = self._index.names
        lengths = self._index.lengths
        has_lower = any(ch.islower() for ch in text)
        for i, (first, start, _) in enumerate(spans):
            for n in lengths.get(first, ()):
                if i + n > len(spans):
                    continue
                name = names.get(tuple(t for t, _, _ in spans[i : i + n]))
                if name is None or not _joined_like_a_name(text, spans, i, n):
                    continue
                end = spans[i + n - 1][2]
                if not _standalone(text, start, end):
                    continue
                if name.common and not _written_as_proper_noun(
                    text, spans, i, n, name, has_lower, headings
                ):
                    continue
                found.append((start, end, name))
                break  # the longest acceptable name starting here
        chosen: list[tuple[int, int, _Name]] = []
        for start, end, name in sorted(found, key=lambda f: (f[0] - f[1], f[0])):
            if all(end <= s or start >= e for s, e, _ in chosen):
                chosen.append((start, end, name))
        chosen.sort(key=lambda f: f[0])
        return [self._matches(start, end, name) for start, end, name in chosen]

    def _matches(self, start: int, end: int, name: _Name) -> list[PlaceMatch]:
        entries: Sequence[Commune] = name.communes
        if self._prefer:
            entries = sorted(entries, key=lambda c: c.departement not in self._prefer)
        return [
            PlaceMatch(
                start=start,
                end=end,
                code_insee=c.code_insee,
                nom=c.nom,
                departement=c.departement,
                type=c.type,
                parent_code=c.parent_code,
                parent_nom=c.parent_nom,
            )
            for c in entries
        ]


def _joined_like_a_name(text: str, spans: list[tuple[str, int, int]], i: int, n: int) -> bool:
    """Words of a name are separated only by spaces, hyphens or apostrophes (or « St. »)."""
    for k in range(i, i + n - 1):
        _, s, e = spans[k]
        gap = text[e : spans[k + 1][1]]
        if _GAP.fullmatch(gap):
            continue
        if text[s:e].lower() in ABBREVIATIONS and _ABBREVIATION_GAP.fullmatch(gap):
            continue
        return False
    return True


def _standalone(text: str, start: int, end: int) -> bool:
    """Not a piece of a longer hyphenated word (« Saint-Martin » inside « Saint-Martin-du-X »)."""
    after = text[end : end + 2]
    before = text[max(0, start - 2) : start]
    if len(after) == 2 and after[0] == "-" and after[1].isalnum():
        return False
    return not (len(before) == 2 and before[1] == "-" and before[0].isalnum())


def _written_as_proper_noun(
    text: str,
    spans: list[tuple[str, int, int]],
    i: int,
    n: int,
    name: _Name,
    has_lower: bool,
    headings: bool = False,
) -> bool:
    # First significant word: skip leading articles (« le Pin » needs « Pin » capitalised).
    k = i
    while k < i + n - 1 and spans[k][0] in ARTICLES:
        k += 1
    word = text[spans[k][1] : spans[k][2]]
    if not word[:1].isupper() or not has_lower:
        return False
    start, end = spans[i][1], spans[i + n - 1][2]
    before = text[:start].rstrip()
    sentence_start = not before or before[-1] in _SENTENCE_END
    if name.tiny:
        return not sentence_start and (len(word) == 1 or word[1:].islower())
    if not sentence_start:
        return True
    surface = text[start:end]
    letters = [ch for ch in surface if ch.isalpha()]
    return (
        all(ch.isupper() for ch in letters)
        or bool(_FOLLOWED_BY_COMMA.match(text, end))
        or (n > 1 and "-" in surface)
        or (
            headings
            and bool(_FOLLOWED_BY_COLON.match(text, end))
            and surface.lower() not in _CALENDAR
        )
    )
