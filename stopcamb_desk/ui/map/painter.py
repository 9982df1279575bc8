"""Composes and paints a map sheet on any ``QPainter``: the widget, a PNG, an A4 PDF.

:func:`compose` does the geometry that depends on the sheet's size and zoom (the lines of the
texts and of the legend, layout, frame transforms, label placement); :func:`paint_sheet` only
draws what it computed, with the paths prepared off the GUI thread (``paths.py``). The canvas
keeps the last composition for hit-testing, so what the pointer finds is what was painted.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from PySide6.QtCore import QPointF, QRectF, QSizeF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter, QPainterPath, QTransform

from stopcamb_desk.domain.departements import DEPARTEMENT_NAMES
from stopcamb_desk.geo.departements import departement_at
from stopcamb_desk.geo.projection import METROPOLE, area_of
from stopcamb_desk.ui.map.labels import LabelSpec, PlacedLabel, leader_end, place_labels
from stopcamb_desk.ui.map.legend import (
    LINE_SPACING,
    Legend,
    lay_out_legend,
    legend_rows,
    paint_legend,
)
from stopcamb_desk.ui.map.paths import AreaPaths
from stopcamb_desk.ui.map.scene import MapScene, Marker
from stopcamb_desk.ui.map.sheet import (
    INNER_PARIS,
    LOCATOR,
    MAIN,
    OVERSEAS,
    PARIS,
    Frame,
    Measures,
    Sheet,
    band_width,
    bounds_center,
    fit_scale,
    focus_sheet,
    frame_transform,
    national_sheet,
    rail_width,
)
from stopcamb_desk.ui.map.symbols import (
    BORDER,
    BRIGADE,
    COAST,
    FRAME_EDGE,
    HALO,
    HOVER_EDGE,
    INK,
    MARK,
    MUTED,
    NEAREST,
    OUTSIDE_BORDER,
    OUTSIDE_FILL,
    PAPER,
    paint_dot,
    paint_phone,
    paint_retraction_hatch,
    pen,
    phone_box,
)
from stopcamb_desk.ui.map.texts import Fonts, SheetTexts, paint_sheet_texts, sheet_texts
from stopcamb_desk.ui.theme import NAVY

MIN_ZOOM, MAX_ZOOM = 0.25, 600.0  # relative to the fitted view
BRIGADES_MIN_SCALE = 150.0  # pixels per degree of latitude: below, brigade dots would be noise
BRIGADE_RADIUS = 5.5
NEAREST_RADIUS = 8.0
PICK_RADIUS_PX = 9.0
LOCATOR_FILL = QColor("#e4e4e4")


@dataclass(frozen=True)
class ViewState:
    """The operator's zoom and pan of the main frame: ``zoom`` × the fitted scale, around
    ``center`` (world units; None: the middle of what is fitted)."""

    zoom: float = 1.0
    center: QPointF | None = None

    @property
    def fitted(self) -> bool:
        return self.zoom == 1.0 and self.center is None


@dataclass
class Overlay:
    """What the operator did on the map: drawn over the scene."""

    hover: str | None = None
    selected: str | None = None
    mark: tuple[float, float, str] | None = None  # lon, lat, label (commune searched)
    pick: tuple[float, float] | None = None  # lon, lat of the last click
    nearest_key: str | None = None  # brigade nearest to the click


@dataclass(frozen=True)
class FrameView:
    frame: Frame
    paths: AreaPaths
    transform: QTransform
    fit: float  # the fitted scale (zoom 1)

    @property
    def scale(self) -> float:
        return self.transform.m11()

    def to_screen(self, lon: float, lat: float) -> QPointF:
        x, y = self.paths.area.projection.forward(lon, lat)
        return self.transform.map(QPointF(x, y))

    def to_world(self, point: QPointF) -> QPointF:
        inverse, _ok = self.transform.inverted()
        return inverse.map(point)

    def to_lonlat(self, point: QPointF) -> tuple[float, float]:
        world = self.to_world(point)
        return self.paths.area.projection.inverse(world.x(), world.y())

    def visible_world(self) -> QRectF:
        inverse, _ok = self.transform.inverted()
        return inverse.mapRect(self.frame.rect)


@dataclass
class Composition:
    """One sheet at one size and zoom: everything painting and hit-testing need, down to the
    lines of each text."""

    sheet: Sheet
    views: list[FrameView]
    labels: list[PlacedLabel]
    legend: Legend
    texts: SheetTexts
    markers: list[tuple[Marker, QPointF]] = field(default_factory=list)

    @property
    def main(self) -> FrameView:
        return self.views[0]

    def view(self, key: str) -> FrameView | None:
        return next((v for v in self.views if v.frame.key == key), None)

    def view_at(self, point: QPointF) -> FrameView | None:
        """The frame under ``point``: an inset before the main map it may overlap."""
        for view in (*self.views[1:], self.views[0]):
            if view.frame.rect.contains(point):
                return view
        return None

    def departement_at(self, point: QPointF) -> str | None:
        """The département under ``point`` (spatial index of the outlines, see geo/)."""
        view = self.view_at(point)
        if view is None or view.frame.key == LOCATOR:
            return None
        lon, lat = view.to_lonlat(point)
        found = departement_at(lon, lat)
        if found is None or area_of(found.code) != view.frame.area:
            return None
        return found.code

    def marker_at(self, point: QPointF) -> Marker | None:
        best: tuple[float, Marker] | None = None
        for marker, at in self.markers:
            d = (at - point).manhattanLength()
            if d <= PICK_RADIUS_PX * 1.5 and (best is None or d < best[0]):
                best = (d, marker)
        return best[1] if best else None


# -- composition ----------------------------------------------------------------------------
def compose(
    rect: QRectF,
    scene: MapScene,
    paths: Mapping[str, AreaPaths],
    view: ViewState,
    base_font: QFont,
    overlay: Overlay | None = None,
) -> Composition:
    fonts = Fonts.of(base_font)
    line = QFontMetricsF(fonts.legend).height() * LINE_SPACING
    overlay = overlay or Overlay()
    metropole = tuple(paths[METROPOLE].paths) if METROPOLE in paths else ()
    texts = sheet_texts(scene, fonts, band_width(rect, line))
    rail = rail_width(rect, line, scene.national)

    def laid_out(legend: Legend) -> tuple[Sheet, list[FrameView]]:
        measures = Measures(line, legend.height, texts.heading_height, texts.source.height)
        sheet = _layout(rect, scene, measures, metropole)
        return sheet, _views(sheet, paths, view)

    # Brigades are drawn only at a département's scale: the legend row depends on it, and the
    # layout on the legend; one pass with a guess, then the real one.
    rows = legend_rows(scene, brigades=False, nearest=False, mark=overlay.mark is not None)
    legend = lay_out_legend(rows, fonts.legend, rail)
    sheet, views = laid_out(legend)
    shows_brigades = bool(scene.markers) and views[0].scale >= BRIGADES_MIN_SCALE
    if shows_brigades:
        rows = legend_rows(
            scene,
            brigades=True,
            nearest=overlay.nearest_key is not None,
            mark=overlay.mark is not None,
        )
        legend = lay_out_legend(rows, fonts.legend, rail)
        sheet, views = laid_out(legend)
    markers = _markers(views[0], scene.markers) if shows_brigades else []
    labels = _labels(views, scene, fonts, markers, overlay)
    return Composition(sheet, views, labels, legend, texts, markers)


def _layout(rect: QRectF, scene: MapScene, measures: Measures, metropole: tuple[str, ...]) -> Sheet:
    if scene.national:
        return national_sheet(rect, measures, metropole)
    return focus_sheet(rect, measures, scene.area, scene.focus, metropole)


def _views(sheet: Sheet, paths: Mapping[str, AreaPaths], view: ViewState) -> list[FrameView]:
    views: list[FrameView] = []
    for frame in sheet.frames:
        area_paths = paths.get(frame.area)
        if area_paths is None:
            continue
        bounds = area_paths.area.bounds_of(list(frame.fit))
        if bounds is None:
            continue
        fit = fit_scale(frame.rect, bounds)
        if frame.key == MAIN:
            zoom = min(MAX_ZOOM, max(MIN_ZOOM, view.zoom))
            center = view.center or bounds_center(bounds)
            transform = frame_transform(frame.rect, fit * zoom, center)
        else:
            transform = frame_transform(frame.rect, fit, bounds_center(bounds))
        views.append(FrameView(frame, area_paths, transform, fit))
    return views


def _markers(main: FrameView, markers: tuple[Marker, ...]) -> list[tuple[Marker, QPointF]]:
    area = main.frame.rect.adjusted(-10, -10, 10, 10)
    out = []
    for marker in markers:
        if area_of(marker.departement or "") != main.frame.area and marker.departement:
            continue
        at = main.to_screen(marker.lon, marker.lat)
        if area.contains(at):
            out.append((marker, at))
    return out


def _labelled(frame: Frame, scene: MapScene, code: str) -> bool:
    if frame.key == LOCATOR:
        return False
    if frame.key == PARIS:
        return code in INNER_PARIS
    if frame.key in OVERSEAS:
        return code == frame.key
    if scene.national:
        return code not in INNER_PARIS  # they have their inset
    return True


def _labels(
    views: list[FrameView],
    scene: MapScene,
    fonts: Fonts,
    markers: list[tuple[Marker, QPointF]],
    overlay: Overlay,
) -> list[PlacedLabel]:
    placed: list[PlacedLabel] = []
    for view in views:
        frame = view.frame
        obstacles = (
            [
                QRectF(
                    at.x() - BRIGADE_RADIUS,
                    at.y() - BRIGADE_RADIUS,
                    2 * BRIGADE_RADIUS,
                    2 * BRIGADE_RADIUS,
                )
                for _marker, at in markers
            ]
            if frame.key == MAIN
            else []
        )
        if frame.key == MAIN and overlay.mark is not None:
            at = view.to_screen(overlay.mark[0], overlay.mark[1])
            obstacles.append(QRectF(at.x() - 9, at.y() - 9, 18, 18))
        paris_box = _paris_box(view, scene)
        if paris_box is not None:
            obstacles.append(paris_box)
        specs = []
        visible = view.visible_world()
        for code in view.paths.area.shapes:
            if not _labelled(frame, scene, code):
                continue
            box = view.paths.paths[code].boundingRect()
            if not box.intersects(visible):
                continue
            spec = _spec(view, scene, fonts, code)
            if spec is not None:
                specs.append(spec)
        done, left_out = place_labels(specs, obstacles, frame.rect)
        # A label that found no room still shows what the phones display, as a symbol alone.
        symbols = [
            _symbol_spec(spec, fonts)
            for spec in left_out
            if scene.phone_symbol(spec.key) is not None
        ]
        more, _ = place_labels(symbols, [p.rect for p in done] + obstacles, frame.rect)
        placed += done + more
    return placed


def _text_and_font(view: FrameView, scene: MapScene, fonts: Fonts, code: str) -> tuple[str, QFont]:
    if scene.national or view.frame.is_inset:
        return code, fonts.code
    name = DEPARTEMENT_NAMES.get(code, code)
    if code in scene.focus:
        return f"{name} ({code})", fonts.focus
    return name, fonts.neighbour


def _spec(view: FrameView, scene: MapScene, fonts: Fonts, code: str) -> LabelSpec | None:
    text, font = _text_and_font(view, scene, fonts, code)
    metrics = QFontMetricsF(font)
    width = metrics.horizontalAdvance(text)
    height = metrics.height()
    if scene.phone_symbol(code) is not None:
        width += phone_box(height).width() + 0.3 * height
    shape = view.paths.area.shapes[code]
    anchor = view.transform.map(QPointF(*shape.label_at))
    room = shape.label_radius * view.scale
    if not view.frame.rect.contains(anchor):
        # Only part of it is in the frame (a neighbour of a zoomed département): label that part.
        visible = QPainterPath()
        visible.addRect(view.visible_world())
        part = view.paths.paths[code].intersected(visible)
        inner = _inner_point(part)
        if inner is None:
            return None
        anchor = view.transform.map(inner)
        room = min(part.boundingRect().width(), part.boundingRect().height()) * view.scale / 2
    # Tiny neighbours at the edge of a zoomed département: not worth a label.
    if code not in scene.focus and not scene.national and room < 0.4 * height:
        return None
    priority = room + (10_000 if code in scene.focus else 0)
    return LabelSpec(code, text, anchor, QSizeF(width + 2, height), priority)


def _inner_point(part: QPainterPath, steps: int = 9) -> QPointF | None:
    """A point well inside ``part`` (a grid point surrounded by the most inside points), or
    None when it is empty: the label anchor of a département cut by the frame."""
    if part.isEmpty():
        return None
    box = part.boundingRect()
    grid = [
        [QPointF(box.left() + box.width() * (i + 0.5) / steps,
                 box.top() + box.height() * (j + 0.5) / steps) for j in range(steps)]
        for i in range(steps)
    ]  # fmt: skip
    inside = [[part.contains(p) for p in column] for column in grid]
    best: tuple[int, float, QPointF] | None = None
    for i in range(steps):
        for j in range(steps):
            if not inside[i][j]:
                continue
            around = sum(
                inside[a][b]
                for a in range(max(0, i - 1), min(steps, i + 2))
                for b in range(max(0, j - 1), min(steps, j + 2))
            )
            off_centre = abs(i - steps // 2) + abs(j - steps // 2)
            if best is None or (around, -off_centre) > (best[0], best[1]):
                best = (around, -off_centre, grid[i][j])
    return best[2] if best is not None else None


def _symbol_spec(spec: LabelSpec, fonts: Fonts) -> LabelSpec:
    height = QFontMetricsF(fonts.code).height()
    box = phone_box(height)
    return LabelSpec(spec.key, "", spec.anchor, QSizeF(box.width() + 2, height), spec.priority)


def _paris_box(view: FrameView, scene: MapScene) -> QRectF | None:
    """On the national main map, the square that the Paris inset enlarges."""
    if not scene.national or view.frame.key != MAIN:
        return None
    bounds = view.paths.area.bounds_of(list(INNER_PARIS))
    if bounds is None:
        return None
    box = view.transform.mapRect(
        QRectF(bounds[0], bounds[1], bounds[2] - bounds[0], bounds[3] - bounds[1])
    )
    return box.adjusted(-2, -2, 2, 2)


# -- painting -------------------------------------------------------------------------------
def paint_sheet(
    painter: QPainter,
    composition: Composition,
    scene: MapScene,
    overlay: Overlay,
    base_font: QFont,
) -> None:
    fonts = Fonts.of(base_font)
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setRenderHint(QPainter.RenderHint.TextAntialiasing)
    painter.fillRect(composition.sheet.rect, PAPER)
    for view in composition.views:
        _paint_frame(painter, view, scene, overlay)
    _paint_markers(painter, composition, overlay)
    _paint_labels(painter, composition, scene, fonts)
    _paint_marks(painter, composition.main, overlay)
    for view in composition.views:
        _paint_frame_edge(painter, view, fonts)
    sheet = composition.sheet
    paint_sheet_texts(painter, composition.texts, sheet.title, sheet.footer)
    paint_legend(painter, sheet.legend, composition.legend)
    painter.restore()


def _paint_frame(painter: QPainter, view: FrameView, scene: MapScene, overlay: Overlay) -> None:
    frame = view.frame
    painter.save()
    painter.setClipRect(frame.rect)
    painter.setTransform(view.transform, combine=True)
    visible = view.visible_world()
    locator = frame.key == LOCATOR
    withdrawn: list[QPainterPath] = []
    for code, path in view.paths.paths.items():
        if not path.boundingRect().intersects(visible):
            continue
        if not locator and scene.shows_retraction(code):
            withdrawn.append(path)
        if locator:
            fill, edge = (QColor(NAVY) if code in scene.focus else LOCATOR_FILL), BORDER
        else:
            color = scene.fill(code)
            fill, edge = (OUTSIDE_FILL, OUTSIDE_BORDER) if color is None else (color, BORDER)
        painter.setPen(pen(edge, 0.7))
        painter.setBrush(fill)
        painter.drawPath(path)
    painter.setBrush(Qt.BrushStyle.NoBrush)
    painter.setPen(pen(COAST, 0.8))
    painter.drawPath(view.paths.coast)
    if not locator:
        if not scene.national:
            for code in scene.focus:
                if code in view.paths.paths:
                    painter.setPen(pen(QColor(NAVY), 2.0))
                    painter.drawPath(view.paths.paths[code])
        for outlined, width in ((overlay.selected, 3.0), (overlay.hover, 2.2)):
            if outlined is not None and outlined in view.paths.paths:
                painter.setPen(pen(HOVER_EDGE, width))
                painter.drawPath(view.paths.paths[outlined])
    painter.restore()
    if withdrawn:  # hatching in device space: the same density at every zoom
        painter.save()
        painter.setClipRect(frame.rect)
        for path in withdrawn:
            paint_retraction_hatch(painter, view.transform.map(path))
        painter.restore()
    box = _paris_box(view, scene)
    if box is not None:
        painter.save()
        painter.setPen(pen(MUTED, 1.0))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawRect(box)
        painter.restore()


def _paint_frame_edge(painter: QPainter, view: FrameView, fonts: Fonts) -> None:
    frame = view.frame
    if not frame.is_inset:
        return
    painter.save()
    painter.setPen(pen(FRAME_EDGE, 1.0))
    painter.setBrush(Qt.BrushStyle.NoBrush)
    painter.drawRect(frame.rect)
    if frame.caption and frame.caption_rect is not None:
        painter.setFont(fonts.caption)
        painter.setPen(MUTED)
        metrics = QFontMetricsF(fonts.caption)
        text = metrics.elidedText(
            frame.caption, Qt.TextElideMode.ElideRight, frame.caption_rect.width()
        )
        painter.drawText(
            frame.caption_rect, Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop, text
        )
    painter.restore()


def _paint_markers(painter: QPainter, composition: Composition, overlay: Overlay) -> None:
    if not composition.markers:
        return
    painter.save()
    painter.setClipRect(composition.main.frame.rect)
    for marker, at in composition.markers:
        nearest = marker.key == overlay.nearest_key
        paint_dot(
            painter,
            at,
            NEAREST_RADIUS if nearest else BRIGADE_RADIUS,
            NEAREST if nearest else BRIGADE,
        )
    painter.restore()


def _halo_text(painter: QPainter, at: QPointF, text: str, font: QFont, color: QColor) -> None:
    path = QPainterPath()
    path.addText(at, font, text)
    painter.strokePath(path, pen(HALO, 3.5))
    painter.fillPath(path, color)


def _paint_labels(
    painter: QPainter, composition: Composition, scene: MapScene, fonts: Fonts
) -> None:
    painter.save()
    for placed in composition.labels:
        spec = placed.spec
        rect = placed.rect
        view = next((v for v in composition.views if v.frame.rect.contains(rect.center())), None)
        if placed.leader:
            painter.setPen(pen(MUTED, 0.9))
            painter.drawLine(spec.anchor, leader_end(rect, spec.anchor))
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(MUTED)
            painter.drawEllipse(spec.anchor, 1.6, 1.6)
        x = rect.left() + 1
        entry = scene.phone_symbol(spec.key)
        font = fonts.code
        if view is not None and spec.text:
            _text, font = _text_and_font(view, scene, fonts, spec.key)
        metrics = QFontMetricsF(font)
        if entry is not None:
            symbol = phone_box(metrics.height())
            symbol.moveTopLeft(QPointF(x, rect.center().y() - symbol.height() / 2))
            paint_phone(painter, symbol, entry.retraction)
            x = symbol.right() + 0.3 * metrics.height()
        if spec.text:
            known = scene.knows(spec.key) or scene.national
            color = INK if known and (scene.national or spec.key in scene.focus) else MUTED
            baseline = rect.center().y() + (metrics.ascent() - metrics.descent()) / 2
            _halo_text(painter, QPointF(x, baseline), spec.text, font, color)
    painter.restore()


def _paint_marks(painter: QPainter, main: FrameView, overlay: Overlay) -> None:
    painter.save()
    painter.setClipRect(main.frame.rect)
    if overlay.pick is not None:
        at = main.to_screen(*overlay.pick)
        painter.setPen(pen(NEAREST, 3.0))
        painter.drawLine(at - QPointF(9, 9), at + QPointF(9, 9))
        painter.drawLine(at - QPointF(9, -9), at + QPointF(9, -9))
    if overlay.mark is not None:
        lon, lat, label = overlay.mark
        at = main.to_screen(lon, lat)
        paint_dot(painter, at, 8.0, MARK)
        font = QFont(painter.font())
        font.setBold(True)
        painter.setFont(font)
        metrics = QFontMetricsF(font)
        box = metrics.boundingRect(label).adjusted(-6, -3, 6, 3)
        box.moveTopLeft(at + QPointF(12, -box.height() / 2))
        painter.setPen(pen(MARK, 1.0))
        painter.setBrush(QColor(255, 255, 255, 235))
        painter.drawRoundedRect(box, 4, 4)
        painter.setPen(MARK)
        painter.drawText(box, Qt.AlignmentFlag.AlignCenter, label)
    painter.restore()
