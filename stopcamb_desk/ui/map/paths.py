"""Département outlines as ``QPainterPath``s, built once per map area off the GUI thread.

After PySide6's ``mandelbrot`` example: the expensive part (reading, projecting and tracing
~21 000 outline points) runs on a worker; the widget only paints the prepared paths. The result
is cached for the process lifetime (the outlines never change), guarded by a lock so that the
login-time ``prepare`` and a view opening at the same moment do the work once.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from dataclasses import dataclass

from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QPainterPath, QPolygonF

from stopcamb_desk.geo.departements import departement
from stopcamb_desk.geo.projection import ProjectedArea, ProjectedShape, Ring, projected_area


@dataclass(frozen=True)
class AreaPaths:
    """One map area: its projection, each département's path (world units) and name, and the
    coastline (the outline of the whole area)."""

    area: ProjectedArea
    paths: dict[str, QPainterPath]
    names: dict[str, str]
    coast: QPainterPath

    @property
    def key(self) -> str:
        return self.area.key


def rings_path(rings: tuple[Ring, ...]) -> QPainterPath:
    path = QPainterPath()
    path.setFillRule(Qt.FillRule.OddEvenFill)
    for ring in rings:
        path.addPolygon(QPolygonF([QPointF(x, y) for x, y in ring]))
        path.closeSubpath()
    return path


def shape_path(shape: ProjectedShape) -> QPainterPath:
    return rings_path(shape.rings)


_lock = threading.Lock()
_cache: dict[str, AreaPaths] = {}


def area_paths(key: str) -> AreaPaths:
    """The prepared paths of area ``key`` (``"metropole"`` or an overseas code); cached."""
    with _lock:
        cached = _cache.get(key)
        if cached is not None:
            return cached

        area = projected_area(key)
        paths = {code: shape_path(shape) for code, shape in area.shapes.items()}
        names = {code: departement(code).nom for code in area.shapes}
        _cache[key] = result = AreaPaths(area, paths, names, rings_path(area.coast))
        return result


def all_area_paths(keys: Iterable[str]) -> dict[str, AreaPaths]:
    """Several areas at once (the national map: metropolitan France and the five insets)."""
    return {key: area_paths(key) for key in keys}
