"""Département outlines as ``QPainterPath``s, built once per map area off the GUI thread.

After PySide6's ``mandelbrot`` example: the expensive part (reading, projecting and tracing
~21 000 outline points) runs on a worker; the widget only paints the prepared paths. The result
is cached for the process lifetime (the outlines never change), guarded by a lock so that the
login-time ``prepare`` and a view opening at the same moment do the work once.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QPainterPath, QPolygonF

from stopcamb_desk.geo.projection import ProjectedArea, ProjectedShape, projected_area


@dataclass(frozen=True)
class AreaPaths:
    """One map area: its projection, each département's path (world units) and name."""

    area: ProjectedArea
    paths: dict[str, QPainterPath]
    names: dict[str, str]

    @property
    def key(self) -> str:
        return self.area.key


def shape_path(shape: ProjectedShape) -> QPainterPath:
    path = QPainterPath()
    path.setFillRule(Qt.FillRule.OddEvenFill)
    for ring in shape.rings:
        path.addPolygon(QPolygonF([QPointF(x, y) for x, y in ring]))
        path.closeSubpath()
    return path


_lock = threading.Lock()
_cache: dict[str, AreaPaths] = {}


def area_paths(key: str) -> AreaPaths:
    """The prepared paths of area ``key`` (``"metropole"`` or an overseas code); cached."""
    with _lock:
        cached = _cache.get(key)
        if cached is not None:
            return cached
        from stopcamb_desk.geo.departements import departement

        area = projected_area(key)
        paths = {code: shape_path(shape) for code, shape in area.shapes.items()}
        names = {code: departement(code).nom for code in area.shapes}
        _cache[key] = result = AreaPaths(area, paths, names)
        return result
