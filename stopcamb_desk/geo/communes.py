"""Communes: the full list, lookup by code and the search used by the composer and the CLI."""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Collection
from functools import cache
from typing import Any, NamedTuple

from stopcamb_desk.geo.data import load_communes
from stopcamb_desk.geo.model import Commune
from stopcamb_desk.geo.text import ARTICLES, name_key
from stopcamb_desk.lazy import numpy as np

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
def _attached() -> dict[str, list[Commune]]:
    out: dict[str, list[Commune]] = {}
    for c in load_communes():
        if c.parent_code and c.parent_code != c.code_insee:
            out.setdefault(c.parent_code, []).append(c)
    return out


def names_of_code(code_insee: str) -> list[str]:
    """The names a place with this code INSEE goes by, its own first: the commune's, that of
    the commune it is attached to (a déléguée, an arrondissement: « Seynod » is also
    « Annecy »), and those of its own communes déléguées (74010: « Meythet », « Seynod »…)."""
    code = code_insee.strip().upper()
    entries = communes_by_code(code)
    names = [c.nom for c in entries]
    names += [c.parent_nom for c in entries if c.parent_nom and c.parent_code != code]
    names += [c.nom for c in _attached().get(code, ())]
    return list(dict.fromkeys(names))


def _rank(c: Commune, exact: bool, via_article: int) -> tuple[int, int, int, int, str, str]:
    return (
        0 if exact else 1,
        via_article,
        _TYPE_RANK.get(c.type, 2),
        -(c.population or 0),
        c.nom,
        c.code_insee,
    )


class _SearchIndex(NamedTuple):
    """Name keys (also without a leading article), sorted, with for each key position: the
    commune index, its rank among all positions when the match is not exact (article, type,
    population, name, code), and its département; codes INSEE and postal codes, sorted."""

    keys: list[str]
    communes: Any  # numpy int32 arrays, one item per key position
    ranks: Any
    departements: Any
    departement_ids: dict[str, int]
    codes: list[str]
    code_communes: list[int]


@cache
def _search_index() -> _SearchIndex:
    all_communes = load_communes()
    pairs: list[tuple[str, int, int]] = []
    for i, c in enumerate(all_communes):
        key = name_key(c.nom)
        pairs.append((key, i, 0))
        first, _, rest = key.partition(" ")
        if first in ARTICLES and rest:  # « L'Isle-d'Abeau » also found by « isle d abeau »
            pairs.append((rest, i, 1))
    pairs.sort()
    by_rank = sorted(
        range(len(pairs)), key=lambda p: _rank(all_communes[pairs[p][1]], False, pairs[p][2])
    )
    ranks = np.empty(len(pairs), dtype=np.int32)
    ranks[by_rank] = np.arange(len(pairs), dtype=np.int32)
    departement_ids: dict[str, int] = {}
    for c in all_communes:
        departement_ids.setdefault(c.departement, len(departement_ids))
    codes = sorted(
        {(c.code_insee, i) for i, c in enumerate(all_communes)}
        | {(cp, i) for i, c in enumerate(all_communes) for cp in c.codes_postaux}
    )
    return _SearchIndex(
        keys=[p[0] for p in pairs],
        communes=np.array([p[1] for p in pairs], dtype=np.int32),
        ranks=ranks,
        departements=np.array(
            [departement_ids[all_communes[p[1]].departement] for p in pairs], dtype=np.int32
        ),
        departement_ids=departement_ids,
        codes=[c for c, _ in codes],
        code_communes=[i for _, i in codes],
    )


def _prefix_range(keys: list[str], prefix: str) -> tuple[int, int]:
    """The positions of the sorted ``keys`` that start with ``prefix``."""
    return bisect_left(keys, prefix), bisect_left(keys, prefix + "\U0010ffff")


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
    index = _search_index()
    compact = query.replace(" ", "").upper()
    if compact.isdigit() or (len(compact) >= 2 and compact[:2] in ("2A", "2B")):
        lo, hi = _prefix_range(index.codes, compact)
        found = [
            all_communes[i]
            for i in dict.fromkeys(index.code_communes[lo:hi])
            if departements is None or all_communes[i].departement in departements
        ]
        found.sort(key=lambda c: _rank(c, c.code_insee == compact, 0))
        return found[:limit]

    key = name_key(query)
    if not key:
        return []
    return [all_communes[i] for i in _best_names(index, key, limit, departements)]


def _best_names(
    index: _SearchIndex, key: str, limit: int, departements: Collection[str] | None
) -> list[int]:
    """The indexes of the ``limit`` best communes whose name key starts with ``key``, in a
    few array operations whatever the number of matches (« s » matches thousands)."""
    lo, hi = _prefix_range(index.keys, key)
    exact_end = bisect_right(index.keys, key, lo, hi)
    scores = index.ranks[lo:hi].astype(np.int64)
    scores[exact_end - lo :] += len(index.keys)  # whole-name matches first
    if departements is not None:
        wanted = [index.departement_ids[d] for d in departements if d in index.departement_ids]
        scores[~np.isin(index.departements[lo:hi], wanted)] = -1
    candidates = np.flatnonzero(scores >= 0)
    keep = 2 * limit  # a commune has at most two keys (with and without its article)
    if len(candidates) > keep:
        chosen = np.argpartition(scores[candidates], keep)[:keep]
        candidates = candidates[chosen]
    ordered = candidates[np.argsort(scores[candidates], kind="stable")]
    best = dict.fromkeys(int(i) for i in index.communes[lo + ordered])
    return list(best)[:limit]
