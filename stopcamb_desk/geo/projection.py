"""Flat projection of the département outlines, ready to be turned into painter paths.

Qt-free: the map view (``ui/map``) converts the rings computed here into ``QPainterPath`` on a
worker thread. Metropolitan France (Corsica included) shares one projection; each overseas
département has its own (a Guadeloupe at 16° N and a Haute-Savoie at 46° N cannot share the
``cos(lat)`` factor). The projection is a simple equirectangular one: ``x = (lon - lon0) ·
cos(lat0)``, ``y = lat0 - lat`` (degrees of latitude, y pointing down like screen pixels) —
good enough at the scale of a département. Label points and the coastline are computed here too,
with shapely, so that the map only traces and paints.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cache
from typing import Any

import numpy as np
import shapely
from shapely.ops import polylabel

from stopcamb_desk.geo.departements import departements, outline

METROPOLE = "metropole"
Ring = tuple[tuple[float, float], ...]
Bounds = tuple[float, float, float, float]  # min_x, min_y, max_x, max_y


def area_of(code: str) -> str:
    """The map area a département is drawn in: ``"metropole"`` or its own overseas code."""
    return code if code.startswith("97") else METROPOLE


@dataclass(frozen=True, slots=True)
class Projection:
    lon0: float
    lat0: float

    @property
    def k(self) -> float:
        return math.cos(math.radians(self.lat0))

    def forward(self, lon: float, lat: float) -> tuple[float, float]:
        return (lon - self.lon0) * self.k, self.lat0 - lat

    def inverse(self, x: float, y: float) -> tuple[float, float]:
        """(x, y) → (lon, lat)."""
        return self.lon0 + x / self.k, self.lat0 - y


@dataclass(frozen=True, slots=True)
class ProjectedShape:
    code: str
    rings: tuple[Ring, ...]  # exterior rings and holes alike (painted with the odd-even rule)
    bounds: Bounds
    # The name goes here: the centre of the largest circle inside the largest polygon (its
    # « pole of inaccessibility »), and that circle's radius, to tell whether a label fits.
    label_at: tuple[float, float]
    label_radius: float = 0.0


@dataclass(frozen=True, slots=True)
class ProjectedArea:
    """All départements of one map area, projected with the same projection."""

    key: str
    projection: Projection
    shapes: dict[str, ProjectedShape]
    coast: tuple[Ring, ...] = ()  # outer rings of the union: the area's coastline and borders

    def bounds_of(self, codes: tuple[str, ...] | list[str]) -> Bounds | None:
        boxes = [self.shapes[c].bounds for c in codes if c in self.shapes]
        return union_bounds(boxes)


def union_bounds(boxes: list[Bounds]) -> Bounds | None:
    if not boxes:
        return None
    return (
        min(b[0] for b in boxes),
        min(b[1] for b in boxes),
        max(b[2] for b in boxes),
        max(b[3] for b in boxes),
    )


def _polygons(geom: Any) -> list[Any]:
    kind = geom.geom_type
    if kind == "Polygon":
        return [geom]
    if kind in ("MultiPolygon", "GeometryCollection"):
        return [g for part in geom.geoms for g in _polygons(part)]
    return []


def _project(geom: Any, projection: Projection) -> Any:
    k, lon0, lat0 = projection.k, projection.lon0, projection.lat0
    return shapely.transform(
        geom, lambda xy: np.column_stack(((xy[:, 0] - lon0) * k, lat0 - xy[:, 1]))
    )


def _rings(polygons: list[Any], *, holes: bool = True) -> tuple[Ring, ...]:
    rings: list[Ring] = []
    for polygon in polygons:
        for ring in (polygon.exterior, *(polygon.interiors if holes else ())):
            rings.append(tuple((float(x), float(y)) for x, y in ring.coords))
    return tuple(rings)


# Precision of the label point, in degrees of latitude (~500 m).
LABEL_TOLERANCE = 0.005


def project_geometry(code: str, geom: Any, projection: Projection) -> ProjectedShape:
    """Rings of a shapely (Multi)Polygon in lon/lat, projected, with where its label goes."""
    polygons = _polygons(_project(geom, projection))
    rings = _rings(polygons)
    xs = [x for ring in rings for x, _ in ring]
    ys = [y for ring in rings for _, y in ring]
    bounds = (min(xs), min(ys), max(xs), max(ys)) if xs else (0.0, 0.0, 0.0, 0.0)
    if not polygons:
        centre = ((bounds[0] + bounds[2]) / 2, (bounds[1] + bounds[3]) / 2)
        return ProjectedShape(code, rings, bounds, centre)
    largest = max(polygons, key=lambda p: p.area)
    pole = polylabel(largest, tolerance=LABEL_TOLERANCE)
    radius = float(largest.exterior.distance(pole))
    return ProjectedShape(code, rings, bounds, (float(pole.x), float(pole.y)), radius)


@cache
def projected_area(key: str) -> ProjectedArea:
    """Every département of ``key`` (``"metropole"`` or an overseas code), projected; cached."""
    codes = [d.code for d in departements() if d.has_outline and area_of(d.code) == key]
    geoms = {code: outline(code) for code in codes}
    if not geoms:
        raise KeyError(key)
    lon_min = min(g.bounds[0] for g in geoms.values())
    lat_min = min(g.bounds[1] for g in geoms.values())
    lon_max = max(g.bounds[2] for g in geoms.values())
    lat_max = max(g.bounds[3] for g in geoms.values())
    projection = Projection((lon_min + lon_max) / 2, (lat_min + lat_max) / 2)
    shapes = {code: project_geometry(code, geom, projection) for code, geom in geoms.items()}
    # Shared borders of neighbours do not match to the metre: a tiny buffer closes the seams.
    union = shapely.union_all(list(geoms.values())).buffer(1e-4).buffer(-1e-4)
    coast = _rings(_polygons(_project(union, projection)), holes=False)
    return ProjectedArea(key, projection, shapes, coast)
