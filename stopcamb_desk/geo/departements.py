"""The 101 départements: lookup, outlines (shapely, lon/lat) and point-in-département."""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING

from stopcamb_desk.domain.departements import normalize_departement
from stopcamb_desk.domain.errors import DeskError
from stopcamb_desk.geo.data import load_departements, outline_geojson
from stopcamb_desk.geo.model import Departement
from stopcamb_desk.lazy import shapely

if TYPE_CHECKING:
    from shapely import MultiPolygon, Polygon, STRtree


class UnknownDepartementError(DeskError, LookupError):
    """Raised for a code that is not one of the 101 départements."""

    def __init__(self, code: str) -> None:
        super().__init__(
            f"Département inconnu : « {code} ». Codes valides : 01 à 95 (2A et 2B pour la Corse), "
            "971 à 974 et 976."
        )
        self.code = code


def departements() -> list[Departement]:
    """The 101 départements, in code order (01…19, 2A, 2B, 21…95, 971…976)."""
    return list(load_departements())


@cache
def _by_code() -> dict[str, Departement]:
    return {d.code: d for d in load_departements()}


def departement(code: str) -> Departement:
    """The département with this code; raises :class:`UnknownDepartementError`."""
    try:
        return _by_code()[normalize_departement(code)]
    except KeyError:
        raise UnknownDepartementError(code) from None


@cache
def outline(code: str) -> Polygon | MultiPolygon:
    """Outline of the département as a shapely (Multi)Polygon in lon/lat (WGS 84)."""
    dep = departement(code)
    geom = shapely.geometry.shape(outline_geojson()[dep.code])
    return geom  # type: ignore[return-value]


@cache
def _outline_index() -> tuple[STRtree, tuple[str, ...]]:
    codes = tuple(d.code for d in load_departements() if d.has_outline)
    geoms = [outline(code) for code in codes]
    for geom in geoms:
        shapely.prepare(geom)
    return shapely.STRtree(geoms), codes


# Coastal towns can fall a few hundred metres outside the generalised Natural Earth
# coastline (Ajaccio's harbour is ~1 km off it): points at sea this close still belong to the
# nearest département.
COAST_TOLERANCE_DEGREES = 0.03  # ~3 km


def departement_at(
    lon: float, lat: float, *, tolerance: float = COAST_TOLERANCE_DEGREES
) -> Departement | None:
    """The département whose outline contains the point (lon, lat), or ``None``.

    A point outside every outline but within ``tolerance`` degrees of one (a harbour, a beach)
    gets the nearest département; further out at sea or abroad the answer is ``None``.
    """
    tree, codes = _outline_index()
    point = shapely.Point(lon, lat)
    hits = tree.query(point, predicate="intersects")
    if len(hits) == 0 and tolerance > 0:
        hits = tree.query_nearest(point, max_distance=tolerance)
    if len(hits) == 0:
        return None
    return _by_code()[codes[int(min(hits))]]


def contains(code: str, lon: float, lat: float) -> bool:
    """True when the point (lon, lat) lies inside (or on the border of) the département."""
    geom = outline(code)
    shapely.prepare(geom)
    return bool(shapely.intersects_xy(geom, lon, lat))


def within(
    code: str, lon: float, lat: float, *, tolerance: float = COAST_TOLERANCE_DEGREES
) -> bool:
    """True when (lon, lat) is inside the département or within ``tolerance`` degrees of its
    simplified outline (a harbour, a beach: see :data:`COAST_TOLERANCE_DEGREES`)."""
    geom = outline(code)
    shapely.prepare(geom)
    if shapely.intersects_xy(geom, lon, lat):
        return True
    return bool(shapely.dwithin(geom, shapely.Point(lon, lat), tolerance))
