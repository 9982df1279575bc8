"""Communes: the full list, lookup by code and the search used by the composer and the CLI."""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Collection
from functools import cache

from stopcamb_desk.geo.data import load_communes
from stopcamb_desk.geo.model import Commune
from stopcamb_desk.geo.text import ARTICLES, name_key

_TYPE_RANK = {"commune-actuelle": 0, "arrondissement-municipal": 1}


def communes() -> list[Commune]:
    """All communes of the official list: current ones, communes déléguées and associées
    (with their parent) and the 45 arrondissements municipaux of Paris, Lyon and Marseille."""
    return list(load_communes())


@cache
def _by_code() -> dict[str, list[Commune]]:
    out: dict[str, list[Commune]] = {}
    for c in load_communes():
        out.setdefault(c.code_insee, []).append(c)
    for entries in out.values():
        entries.sort(key=lambda c: _TYPE_RANK.get(c.type, 2))
    return out


def communes_by_code(code_insee: str) -> list[Commune]:
    """Every entry with this code INSEE (Annecy 74010: the commune nouvelle, then its chef-lieu
    commune déléguée); empty if unknown."""
    return list(_by_code().get(code_insee.strip().upper(), ()))


def commune(code_insee: str) -> Commune | None:
    """The entry for this code INSEE, the current commune first when a déléguée shares it."""
    entries = _by_code().get(code_insee.strip().upper())
    return entries[0] if entries else None


@cache
def _search_index() -> tuple[list[str], list[int], list[int]]:
    """Sorted name keys (also without a leading article) → commune index, for prefix search."""
    pairs: list[tuple[str, int, int]] = []
    for i, c in enumerate(load_communes()):
        key = name_key(c.nom)
        pairs.append((key, i, 0))
        first, _, rest = key.partition(" ")
        if first in ARTICLES and rest:  # « L'Isle-d'Abeau » also found by « isle d abeau »
            pairs.append((rest, i, 1))
    pairs.sort()
    return [p[0] for p in pairs], [p[1] for p in pairs], [p[2] for p in pairs]


def _rank(c: Commune, exact: bool, via_article: int) -> tuple[int, int, int, int, str, str]:
    return (
        0 if exact else 1,
        via_article,
        _TYPE_RANK.get(c.type, 2),
        -(c.population or 0),
        c.nom,
        c.code_insee,
    )


def search_communes(
    query: str, limit: int = 20, *, departements: Collection[str] | None = None
) -> list[Commune]:
    """Communes whose name starts with ``query``, best first.

    Accents, case, hyphens, apostrophes and « St » / « Ste » (for Saint / Sainte) do not
    matter; a leading article of the name may be left out. A query of digits matches the
    start of a code INSEE or of a postal code. Order: exact name first, then current communes
    before déléguées/associées, then by population. ``departements`` (codes) restricts the
    search to those départements.
    """
    query = query.strip()
    if not query or limit <= 0:
        return []
    all_communes = load_communes()
    compact = query.replace(" ", "").upper()
    if compact.isdigit() or (len(compact) >= 2 and compact[:2] in ("2A", "2B")):
        found = [
            c
            for c in all_communes
            if (departements is None or c.departement in departements)
            and (
                c.code_insee.startswith(compact)
                or any(cp.startswith(compact) for cp in c.codes_postaux)
            )
        ]
        found.sort(key=lambda c: _rank(c, c.code_insee == compact, 0))
        return found[:limit]

    key = name_key(query)
    if not key:
        return []
    keys, indexes, via = _search_index()
    best: dict[int, tuple[int, int, int, int, str, str]] = {}
    pos = bisect_left(keys, key)
    while pos < len(keys) and keys[pos].startswith(key):
        # Whole-word or partial prefix: « annecy » finds Annecy and Annecy-le-Vieux.
        i, exact, via_article = indexes[pos], keys[pos] == key, via[pos]
        pos += 1
        if departements is not None and all_communes[i].departement not in departements:
            continue
        rank = _rank(all_communes[i], exact, via_article)
        if i not in best or rank < best[i]:
            best[i] = rank
    ordered = sorted(best, key=best.__getitem__)
    return [all_communes[i] for i in ordered[:limit]]
