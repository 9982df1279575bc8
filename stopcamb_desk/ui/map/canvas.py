"""The map widget: paints prepared paths, brigade markers and marks; zoom, pan, pick.

Nothing heavy happens here: the outlines arrive as ready ``QPainterPath``s (see ``paths.py``).
Mouse: wheel zooms around the pointer, drag pans, a click picks a position. Keyboard: ``+`` /
``-`` zoom, arrows pan, ``0`` fits the département(s) again, Entrée picks the centre.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QEvent, QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetricsF,
    QHelpEvent,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPainterPath,
    QPaintEvent,
    QPen,
    QResizeEvent,
    QTransform,
    QWheelEvent,
)
from PySide6.QtWidgets import QSizePolicy, QToolTip, QWidget

from stopcamb_desk.geo.projection import Bounds
from stopcamb_desk.ui.map.paths import AreaPaths
from stopcamb_desk.ui.theme import NAVY

SEA = QColor("#f4f6f9")  # outside the outlines: sea and foreign countries alike
NEIGHBOUR_FILL = QColor("#dedede")
NEIGHBOUR_EDGE = QColor("#a8a8a8")
QUIET_FILL = QColor("#cfe0f5")  # focus département, no alert on the phones
ALERT_FILL = QColor("#f39c3d")  # focus département, an alert is displayed on the phones
FOCUS_EDGE = QColor(NAVY)
MARK = QColor("#b00020")
NEAREST = QColor("#1b7f3b")
ZOOM_STEP = 1.25
MIN_SCALE, MAX_SCALE = 20.0, 60_000.0  # pixels per degree of latitude
PICK_RADIUS_PX = 9.0


@dataclass(frozen=True, slots=True)
class Marker:
    """A brigade on the map (lon/lat), with what its tooltip says."""

    key: str
    lon: float
    lat: float
    title: str
    phone: str

    @property
    def tooltip(self) -> str:
        return f"{self.title}\nTél. {self.phone}" if self.phone else self.title


class MapCanvas(QWidget):
    """Paints one map area; emits ``picked(lon, lat)`` on a click or Entrée."""

    picked = Signal(float, float)
    view_changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("mapCanvas")
        self.setAccessibleName("Carte")
        self.setAccessibleDescription(
            "Molette ou + et - pour zoomer, flèches pour se déplacer, 0 pour recadrer, "
            "Entrée pour chercher la brigade la plus proche du centre."
        )
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setMouseTracking(False)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.paths: AreaPaths | None = None
        self.focus_codes: tuple[str, ...] = ()
        self.alerts: set[str] = set()
        self.markers: list[Marker] = []
        self.nearest_key: str | None = None
        self.mark: tuple[float, float, str] | None = None  # lon, lat, label
        self.pick: tuple[float, float] | None = None
        self.scale = 100.0
        self.center = QPointF(0.0, 0.0)
        self._press: QPointF | None = None
        self._dragged = False
        self._auto_fit = True  # refit on resize until the operator zooms or pans

    def sizeHint(self) -> QSize:
        return QSize(700, 560)

    # -- content -----------------------------------------------------------------------------
    def set_area(self, paths: AreaPaths, focus: tuple[str, ...]) -> None:
        self.paths = paths
        self.focus_codes = tuple(c for c in focus if c in paths.paths)
        self.fit()

    def set_alerts(self, codes: set[str]) -> None:
        self.alerts = set(codes)
        self.update()

    def set_markers(self, markers: list[Marker]) -> None:
        self.markers = list(markers)
        self.update()

    def set_mark(self, lon: float, lat: float, label: str) -> None:
        self.mark = (lon, lat, label)
        self.center_on(lon, lat)

    # -- coordinates -------------------------------------------------------------------------
    def world_transform(self) -> QTransform:
        t = QTransform()
        t.translate(self.width() / 2, self.height() / 2)
        t.scale(self.scale, self.scale)
        t.translate(-self.center.x(), -self.center.y())
        return t

    def to_screen(self, lon: float, lat: float) -> QPointF | None:
        if self.paths is None:
            return None
        x, y = self.paths.area.projection.forward(lon, lat)
        return self.world_transform().map(QPointF(x, y))

    def to_lonlat(self, point: QPointF) -> tuple[float, float] | None:
        if self.paths is None:
            return None
        inverse, _ok = self.world_transform().inverted()
        world = inverse.map(point)
        return self.paths.area.projection.inverse(world.x(), world.y())

    def focus_bounds(self) -> Bounds | None:
        if self.paths is None:
            return None
        return self.paths.area.bounds_of(self.focus_codes or tuple(self.paths.paths))

    # -- navigation --------------------------------------------------------------------------
    def fit(self) -> None:
        """Show the focus département(s) whole, with a margin."""
        bounds = self.focus_bounds()
        if bounds is None:
            return
        min_x, min_y, max_x, max_y = bounds
        w, h = max(self.width(), 200), max(self.height(), 200)
        span_x, span_y = max(max_x - min_x, 1e-3), max(max_y - min_y, 1e-3)
        self.scale = self._clamp(0.9 * min(w / span_x, h / span_y))
        self.center = QPointF((min_x + max_x) / 2, (min_y + max_y) / 2)
        self._auto_fit = True
        self._changed()

    def zoom_by(self, factor: float, anchor: QPointF | None = None) -> None:
        """Zoom keeping ``anchor`` (widget pixels; default the centre) where it is."""
        anchor = anchor if anchor is not None else QPointF(self.width() / 2, self.height() / 2)
        inverse, _ok = self.world_transform().inverted()
        before = inverse.map(anchor)
        self.scale = self._clamp(self.scale * factor)
        inverse, _ok = self.world_transform().inverted()
        after = inverse.map(anchor)
        self.center += before - after
        self._auto_fit = False
        self._changed()

    def pan_by(self, dx_px: float, dy_px: float) -> None:
        self.center -= QPointF(dx_px / self.scale, dy_px / self.scale)
        self._auto_fit = False
        self._changed()

    def center_on(self, lon: float, lat: float, min_scale: float = 900.0) -> None:
        if self.paths is None:
            return
        x, y = self.paths.area.projection.forward(lon, lat)
        self.center = QPointF(x, y)
        self.scale = self._clamp(max(self.scale, min_scale))
        self._auto_fit = False
        self._changed()

    def _clamp(self, scale: float) -> float:
        return min(MAX_SCALE, max(MIN_SCALE, scale))

    def _changed(self) -> None:
        self.update()
        self.view_changed.emit()

    # -- picking -----------------------------------------------------------------------------
    def marker_at(self, point: QPointF) -> Marker | None:
        best: tuple[float, Marker] | None = None
        for marker in self.markers:
            where = self.to_screen(marker.lon, marker.lat)
            if where is None:
                continue
            d = (where - point).manhattanLength()
            if d <= PICK_RADIUS_PX * 1.5 and (best is None or d < best[0]):
                best = (d, marker)
        return best[1] if best else None

    def pick_at(self, point: QPointF) -> None:
        lonlat = self.to_lonlat(point)
        if lonlat is None:
            return
        self.pick = lonlat
        self.update()
        self.picked.emit(lonlat[0], lonlat[1])

    # -- events ------------------------------------------------------------------------------
    def wheelEvent(self, event: QWheelEvent) -> None:
        steps = event.angleDelta().y() / 120
        if steps:
            self.zoom_by(ZOOM_STEP**steps, event.position())
        event.accept()

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self._press = event.position()
            self._dragged = False
        self.setFocus(Qt.FocusReason.MouseFocusReason)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if self._press is None:
            return
        delta = event.position() - self._press
        if self._dragged or delta.manhattanLength() > 4:
            self._dragged = True
            self.pan_by(delta.x(), delta.y())
            self._press = event.position()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton and self._press is not None:
            if not self._dragged:
                self.pick_at(event.position())
            self._press = None

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        step = 60.0
        actions: dict[Qt.Key, Callable[[], None]] = {
            Qt.Key.Key_Plus: lambda: self.zoom_by(ZOOM_STEP),
            Qt.Key.Key_Equal: lambda: self.zoom_by(ZOOM_STEP),
            Qt.Key.Key_Minus: lambda: self.zoom_by(1 / ZOOM_STEP),
            Qt.Key.Key_0: self.fit,
            Qt.Key.Key_Home: self.fit,
            Qt.Key.Key_Left: lambda: self.pan_by(step, 0),
            Qt.Key.Key_Right: lambda: self.pan_by(-step, 0),
            Qt.Key.Key_Up: lambda: self.pan_by(0, step),
            Qt.Key.Key_Down: lambda: self.pan_by(0, -step),
            Qt.Key.Key_Return: lambda: self.pick_at(QPointF(self.width() / 2, self.height() / 2)),
            Qt.Key.Key_Enter: lambda: self.pick_at(QPointF(self.width() / 2, self.height() / 2)),
        }
        action = actions.get(Qt.Key(key))
        if action is None:
            super().keyPressEvent(event)
            return
        action()
        event.accept()

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            marker = self.marker_at(QPointF(event.pos()))
            if marker is not None:
                QToolTip.showText(event.globalPos(), marker.tooltip, self)
            else:
                QToolTip.hideText()
                event.ignore()
            return True
        return super().event(event)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if self.paths is not None and self._auto_fit:
            self.fit()

    # -- painting ----------------------------------------------------------------------------
    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.fillRect(self.rect(), SEA)
        if self.paths is None:
            painter.setPen(QColor("#555555"))
            painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, "Préparation de la carte…")
            painter.end()
            return
        transform = self.world_transform()
        painter.setTransform(transform)
        visible = transform.inverted()[0].mapRect(QRectF(self.rect()))
        focus = set(self.focus_codes)
        for code, path in self.paths.paths.items():
            if code in focus or not path.boundingRect().intersects(visible):
                continue
            painter.setPen(self._pen(NEIGHBOUR_EDGE, 1.0))
            painter.setBrush(NEIGHBOUR_FILL)
            painter.drawPath(path)
        for code in self.focus_codes:
            painter.setPen(self._pen(FOCUS_EDGE, 2.0 if len(focus) < 4 else 0.8))
            painter.setBrush(ALERT_FILL if code in self.alerts else QUIET_FILL)
            painter.drawPath(self.paths.paths[code])
        painter.resetTransform()
        self._paint_markers(painter)
        self._paint_names(painter)
        self._paint_marks(painter)
        if self.hasFocus():
            painter.setPen(self._pen(QColor(NAVY), 3.0))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRect(QRectF(self.rect()).adjusted(1.5, 1.5, -1.5, -1.5))
        painter.end()

    @staticmethod
    def _pen(color: QColor, width: float) -> QPen:
        pen = QPen(color, width)
        pen.setCosmetic(True)
        pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
        return pen

    def _paint_names(self, painter: QPainter) -> None:
        """Département names over everything, with a white halo so markers never hide them."""
        assert self.paths is not None
        transform = self.world_transform()
        many = len(self.focus_codes) > 4
        font = QFont(self.font())
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * (0.7 if many else 1.0))
        metrics = QFontMetricsF(font)
        for code in self.focus_codes:
            x, y = self.paths.area.shapes[code].label_at
            at = transform.map(QPointF(x, y))
            text = code if many else f"{code} — {self.paths.names[code]}"
            path = QPainterPath()
            width = metrics.horizontalAdvance(text)
            path.addText(at.x() - width / 2, at.y() + metrics.ascent() / 2 - 1, font, text)
            painter.strokePath(path, self._pen(QColor(255, 255, 255, 220), 4.0))
            painter.fillPath(path, QColor(NAVY))

    def _paint_markers(self, painter: QPainter) -> None:
        for marker in self.markers:
            at = self.to_screen(marker.lon, marker.lat)
            if at is None or not QRectF(self.rect()).adjusted(-10, -10, 10, 10).contains(at):
                continue
            nearest = marker.key == self.nearest_key
            painter.setPen(self._pen(QColor("white"), 2.0))
            painter.setBrush(NEAREST if nearest else QColor(NAVY))
            radius = 9.0 if nearest else 6.0
            painter.drawEllipse(at, radius, radius)

    def _paint_marks(self, painter: QPainter) -> None:
        if self.pick is not None:
            at = self.to_screen(*self.pick)
            if at is not None:
                painter.setPen(self._pen(NEAREST, 3.0))
                painter.drawLine(at - QPointF(9, 9), at + QPointF(9, 9))
                painter.drawLine(at - QPointF(9, -9), at + QPointF(9, -9))
        if self.mark is not None:
            lon, lat, label = self.mark
            at = self.to_screen(lon, lat)
            if at is None:
                return
            painter.setPen(self._pen(QColor("white"), 2.0))
            painter.setBrush(MARK)
            painter.drawEllipse(at, 8.0, 8.0)
            font = QFont(self.font())
            font.setBold(True)
            painter.setFont(font)
            metrics = painter.fontMetrics()
            box = QRectF(metrics.boundingRect(label)).adjusted(-6, -3, 6, 3)
            box.moveTopLeft(at + QPointF(12, -box.height() / 2))
            painter.setPen(self._pen(MARK, 1.0))
            painter.setBrush(QColor(255, 255, 255, 235))
            painter.drawRoundedRect(box, 4, 4)
            painter.setPen(MARK)
            painter.drawText(box, Qt.AlignmentFlag.AlignCenter, label)
