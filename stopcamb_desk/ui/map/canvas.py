"""The map widget: paints a composed sheet, answers the pointer, zooms and pans the main frame.

Nothing heavy happens here: outlines arrive as prepared ``QPainterPath``s (``paths.py``), the
sheet is composed once per size, zoom or data change (``painter.compose``) and reused for
painting and hit-testing. Mouse: hovering a département shows its tooltip, the wheel zooms
around the pointer, a drag pans, a click picks a position and a département. Keyboard: ``+`` /
``-`` zoom, arrows pan, ``0`` fits again, Entrée picks the centre.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from PySide6.QtCore import QEvent, QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QHelpEvent,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QResizeEvent,
    QTransform,
    QWheelEvent,
)
from PySide6.QtWidgets import QSizePolicy, QToolTip, QWidget

from stopcamb_desk.ui.map.painter import (
    MAX_ZOOM,
    MIN_ZOOM,
    Composition,
    FrameView,
    Overlay,
    ViewState,
    compose,
    paint_sheet,
)
from stopcamb_desk.ui.map.paths import AreaPaths
from stopcamb_desk.ui.map.scene import MapScene, Marker
from stopcamb_desk.ui.map.symbols import pen
from stopcamb_desk.ui.theme import NAVY

ZOOM_STEP = 1.25


class MapCanvas(QWidget):
    """``picked(lon, lat)`` on a click or Entrée; ``departement_clicked(code)`` when the click
    lands on a département (main map or inset)."""

    picked = Signal(float, float)
    departement_clicked = Signal(str)
    view_changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("mapCanvas")
        self.setAccessibleName("Carte")
        self.setAccessibleDescription(
            "Survolez un département pour ses alertes. Molette ou + et - pour zoomer, flèches "
            "pour se déplacer, 0 pour recadrer, Entrée pour chercher la brigade la plus proche "
            "du centre."
        )
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setMouseTracking(True)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.paths: dict[str, AreaPaths] = {}
        self.scene = MapScene()
        self.overlay = Overlay()
        self.view = ViewState()
        self._composition: Composition | None = None
        self._press: QPointF | None = None
        self._dragged = False

    def sizeHint(self) -> QSize:
        return QSize(760, 600)

    # -- content -----------------------------------------------------------------------------
    @property
    def ready(self) -> bool:
        return self.scene.area in self.paths

    @property
    def focus_codes(self) -> tuple[str, ...]:
        return self.scene.focus

    @property
    def markers(self) -> tuple[Marker, ...]:
        return self.scene.markers

    @property
    def nearest_key(self) -> str | None:
        return self.overlay.nearest_key

    @property
    def mark(self) -> tuple[float, float, str] | None:
        return self.overlay.mark

    def set_content(self, paths: Mapping[str, AreaPaths], scene: MapScene) -> None:
        """New outlines and a new layout (another zone): the view is fitted again."""
        self.paths = dict(paths)
        self.scene = scene
        self.view = ViewState()
        self._changed()

    def set_scene(self, scene: MapScene) -> None:
        """New figures on the same map (period, data): zoom and pan are kept."""
        self.scene = scene
        self._invalidate()

    def set_nearest(self, key: str | None) -> None:
        self.overlay.nearest_key = key
        self._invalidate()

    def set_selected(self, code: str | None) -> None:
        self.overlay.selected = code
        self._invalidate()

    def set_mark(self, lon: float, lat: float, label: str) -> None:
        self.overlay.mark = (lon, lat, label)
        self.center_on(lon, lat)

    # -- composition and coordinates ---------------------------------------------------------
    def composition(self) -> Composition | None:
        if not self.ready:
            return None
        if self._composition is None:
            self._composition = compose(
                QRectF(self.rect()), self.scene, self.paths, self.view, self.font(), self.overlay
            )
        return self._composition

    def main_view(self) -> FrameView | None:
        composition = self.composition()
        return composition.main if composition is not None else None

    def frame_view(self, key: str) -> FrameView | None:
        composition = self.composition()
        return composition.view(key) if composition is not None else None

    @property
    def scale(self) -> float:
        main = self.main_view()
        return main.scale if main is not None else 0.0

    def world_transform(self) -> QTransform:
        main = self.main_view()
        return main.transform if main is not None else QTransform()

    def to_screen(self, lon: float, lat: float) -> QPointF | None:
        main = self.main_view()
        return main.to_screen(lon, lat) if main is not None else None

    def to_lonlat(self, point: QPointF) -> tuple[float, float] | None:
        composition = self.composition()
        if composition is None:
            return None
        view = composition.view_at(point) or composition.main
        return view.to_lonlat(point)

    def departement_at(self, point: QPointF) -> str | None:
        composition = self.composition()
        return composition.departement_at(point) if composition is not None else None

    def marker_at(self, point: QPointF) -> Marker | None:
        composition = self.composition()
        return composition.marker_at(point) if composition is not None else None

    def tooltip_at(self, point: QPointF) -> str | None:
        """What the pointer tells at ``point``: a brigade, else a département."""
        marker = self.marker_at(point)
        if marker is not None:
            return marker.tooltip
        code = self.departement_at(point)
        return self.scene.tooltip(code) if code is not None else None

    # -- navigation --------------------------------------------------------------------------
    def fit(self) -> None:
        """Show what the map is about whole again (département(s), or France)."""
        self.view = ViewState()
        self._changed()

    def zoom_by(self, factor: float, anchor: QPointF | None = None) -> None:
        """Zoom the main map keeping ``anchor`` (widget pixels; default its centre) in place."""
        main = self.main_view()
        if main is None:
            return
        rect = main.frame.rect
        anchor = anchor if anchor is not None else rect.center()
        zoom = min(MAX_ZOOM, max(MIN_ZOOM, self.view.zoom * factor))
        world = main.to_world(anchor)
        scale = main.fit * zoom
        center = world - (anchor - rect.center()) / scale
        self.view = ViewState(zoom, center)
        self._changed()

    def pan_by(self, dx_px: float, dy_px: float) -> None:
        main = self.main_view()
        if main is None:
            return
        center = main.to_world(main.frame.rect.center()) - QPointF(dx_px, dy_px) / main.scale
        self.view = ViewState(self.view.zoom, center)
        self._changed()

    def center_on(self, lon: float, lat: float, min_scale: float = 900.0) -> None:
        main = self.main_view()
        if main is None:
            return
        x, y = main.paths.area.projection.forward(lon, lat)
        zoom = min(MAX_ZOOM, max(self.view.zoom, min_scale / main.fit))
        self.view = ViewState(zoom, QPointF(x, y))
        self._changed()

    def _invalidate(self) -> None:
        self._composition = None
        self.update()

    def _changed(self) -> None:
        self._invalidate()
        self.view_changed.emit()

    # -- pointer -----------------------------------------------------------------------------
    def _in_main(self, point: QPointF) -> bool:
        main = self.main_view()
        return main is not None and main.frame.rect.contains(point)

    def wheelEvent(self, event: QWheelEvent) -> None:
        steps = event.angleDelta().y() / 120
        if steps and self._in_main(event.position()):
            self.zoom_by(ZOOM_STEP**steps, event.position())
        event.accept()

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self._press = event.position()
            self._dragged = False
        self.setFocus(Qt.FocusReason.MouseFocusReason)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if self._press is None:
            self._hover(event.position())
            return
        delta = event.position() - self._press
        if self._in_main(self._press) and (self._dragged or delta.manhattanLength() > 4):
            self._dragged = True
            self.pan_by(delta.x(), delta.y())
            self._press = event.position()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton and self._press is not None:
            if not self._dragged:
                self.pick_at(event.position())
            self._press = None

    def leaveEvent(self, event: QEvent) -> None:
        self._set_hover(None)
        super().leaveEvent(event)

    def _hover(self, point: QPointF) -> None:
        self._set_hover(self.departement_at(point))

    def _set_hover(self, code: str | None) -> None:
        if code != self.overlay.hover:
            self.overlay.hover = code
            self.update()  # the outline only: the composition stays valid

    def pick_at(self, point: QPointF) -> None:
        lonlat = self.to_lonlat(point)
        if lonlat is None:
            return
        code = self.departement_at(point)
        self.overlay.pick = lonlat
        self.update()
        self.picked.emit(lonlat[0], lonlat[1])
        if code is not None:
            self.departement_clicked.emit(code)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        step = 60.0
        centre = self.main_view()
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
        }
        if centre is not None:
            middle = centre.frame.rect.center()
            actions[Qt.Key.Key_Return] = lambda: self.pick_at(middle)
            actions[Qt.Key.Key_Enter] = lambda: self.pick_at(middle)
        action = actions.get(Qt.Key(event.key()))
        if action is None:
            super().keyPressEvent(event)
            return
        action()
        event.accept()

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            text = self.tooltip_at(QPointF(event.pos()))
            if text is not None:
                QToolTip.showText(event.globalPos(), text, self)
            else:
                QToolTip.hideText()
                event.ignore()
            return True
        return super().event(event)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._invalidate()

    # -- painting ----------------------------------------------------------------------------
    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        composition = self.composition()
        if composition is None:
            painter.fillRect(self.rect(), QColor("white"))
            painter.setPen(QColor("#555555"))
            painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, "Préparation de la carte…")
            painter.end()
            return
        paint_sheet(painter, composition, self.scene, self.overlay, self.font())
        if self.hasFocus():
            painter.setPen(pen(QColor(NAVY), 3.0))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRect(QRectF(self.rect()).adjusted(1.5, 1.5, -1.5, -1.5))
        painter.end()

    def render_sheet(self, painter: QPainter, rect: QRectF) -> None:
        """Paint the same map, same zoom, in ``rect`` of another device (PNG, PDF)."""
        composition = compose(rect, self.scene, self.paths, self.view, self.font(), self.overlay)
        paint_sheet(painter, composition, self.scene, self.overlay, self.font())
