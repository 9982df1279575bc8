"""Layout of a map sheet, like a printed map: title band, frames, legend, source line.

Two layouts:

- **national** (OPP, administrators, the national overview): metropolitan France in the main
  frame; on the left a rail with the legend, an inset « Paris et petite couronne » (75, 92, 93,
  94 are a few pixels wide at the scale of the country) and the five overseas départements, each
  at its own scale, as INSEE and the newspapers draw them;
- **focus** (a chef de quart, or one chosen département): the département(s) fill the main
  frame, their neighbours around; the rail holds the legend and a small locator map of France.

Everything is measured in multiples of the text line height, so the same layout serves the
widget, a PNG and an A4 PDF. The texts are broken into lines first, at the widths given by
:func:`band_width` (title, subtitle, source) and :func:`rail_width` (legend); the title band,
the footer and the legend then take the height of their lines.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QPointF, QRectF
from PySide6.QtGui import QTransform

from stopcamb_desk.domain.departements import DEPARTEMENT_NAMES
from stopcamb_desk.geo.projection import METROPOLE, Bounds

OVERSEAS: tuple[str, ...] = ("971", "972", "973", "974", "976")
INNER_PARIS: tuple[str, ...] = ("75", "92", "93", "94")
PARIS_CAPTION = "Paris et petite couronne"
LOCATOR_CAPTION = "Situation"
MAIN = "main"
PARIS = "paris"
LOCATOR = "situation"
FIT_MARGIN = 0.05


@dataclass(frozen=True, slots=True)
class Frame:
    """A window on one map area: the main map or an inset."""

    key: str  # MAIN, PARIS, LOCATOR or an overseas code
    area: str  # "metropole" or an overseas code: which AreaPaths it draws
    rect: QRectF  # where it is drawn (sheet pixels)
    fit: tuple[str, ...]  # départements it shows whole
    caption: str = ""
    caption_rect: QRectF | None = None

    @property
    def is_inset(self) -> bool:
        return self.key != MAIN


@dataclass(frozen=True, slots=True)
class Measures:
    """What the layout needs from the text laid out in lines: the legend's line height, the
    heights of the legend, of the title and subtitle, of the source lines."""

    line: float
    legend_height: float
    heading_height: float
    footer_height: float


@dataclass(frozen=True, slots=True)
class Sheet:
    rect: QRectF
    title: QRectF
    footer: QRectF
    legend: QRectF
    frames: tuple[Frame, ...]  # the main frame first

    @property
    def main(self) -> Frame:
        return self.frames[0]

    def frame(self, key: str) -> Frame | None:
        return next((f for f in self.frames if f.key == key), None)


def _pad(line: float) -> float:
    return 0.6 * line


def band_width(rect: QRectF, line: float) -> float:
    """Width of the title band, the body and the footer of a sheet ``rect``."""
    return rect.width() - 2 * _pad(line)


def rail_width(rect: QRectF, line: float, national: bool) -> float:
    """Width of the rail on the left (legend, insets) of a sheet ``rect``."""
    width = min(max(0.27 * band_width(rect, line), 10.5 * line), 16 * line)
    return width if national else 0.9 * width


def _bands(rect: QRectF, measures: Measures) -> tuple[QRectF, QRectF, QRectF]:
    """Title band (title and subtitle, as many lines as they take), body, footer (source)."""
    line = measures.line
    pad, width = _pad(line), band_width(rect, line)
    title_h = measures.heading_height + 0.35 * line
    footer_h = measures.footer_height + 0.6 * line
    title = QRectF(rect.left() + pad, rect.top() + pad * 0.6, width, title_h)
    footer = QRectF(rect.left() + pad, rect.bottom() - footer_h, width, footer_h)
    body = QRectF(rect.left() + pad, title.bottom(), width, footer.top() - title.bottom())
    return title, body, footer


def _captioned(
    key: str, area: str, cell: QRectF, fit: tuple[str, ...], caption: str, line: float
) -> Frame:
    caption_h = 1.15 * line
    rect = QRectF(cell.left(), cell.top(), cell.width(), cell.height() - caption_h)
    caption_rect = QRectF(cell.left(), rect.bottom(), cell.width(), caption_h)
    return Frame(key, area, rect, fit, caption, caption_rect)


def national_sheet(rect: QRectF, measures: Measures, metropole: tuple[str, ...]) -> Sheet:
    """Metropolitan France, with the legend and the six insets in a rail on the left."""
    line, legend_height = measures.line, measures.legend_height
    title, body, footer = _bands(rect, measures)
    gap = 0.5 * line
    rail_w = rail_width(rect, line, national=True)
    legend = QRectF(body.left(), body.top(), rail_w, legend_height)
    insets_top = legend.bottom() + gap
    room = max(body.bottom() - insets_top, 6 * line)
    paris_h = min(0.62 * rail_w, 0.34 * room)
    paris = _captioned(
        PARIS,
        METROPOLE,
        QRectF(body.left(), insets_top, rail_w, paris_h),
        INNER_PARIS,
        PARIS_CAPTION,
        line,
    )
    cell_w = (rail_w - gap) / 2
    cell_h = (room - paris_h - 3 * gap) / 3
    frames = [paris]
    for i, code in enumerate(OVERSEAS):
        column, row = i % 2, i // 2
        cell = QRectF(
            body.left() + column * (cell_w + gap),
            paris.caption_rect.bottom() + gap + row * (cell_h + gap),  # type: ignore[union-attr]
            cell_w,
            cell_h,
        )
        frames.append(_captioned(code, code, cell, (code,), DEPARTEMENT_NAMES[code], line))
    main_rect = QRectF(
        body.left() + rail_w + gap, body.top(), body.width() - rail_w - gap, body.height()
    )
    main = Frame(MAIN, METROPOLE, main_rect, metropole)
    return Sheet(rect, title, footer, legend, (main, *frames))


def focus_sheet(
    rect: QRectF, measures: Measures, area: str, focus: tuple[str, ...], metropole: tuple[str, ...]
) -> Sheet:
    """The operator's département(s) large; legend and a locator map of France in the rail."""
    line, legend_height = measures.line, measures.legend_height
    title, body, footer = _bands(rect, measures)
    gap = 0.5 * line
    rail_w = rail_width(rect, line, national=False)
    legend = QRectF(body.left(), body.top(), rail_w, legend_height)
    main_rect = QRectF(
        body.left() + rail_w + gap, body.top(), body.width() - rail_w - gap, body.height()
    )
    frames = [Frame(MAIN, area, main_rect, focus)]
    room = body.bottom() - legend.bottom() - gap
    if area == METROPOLE and room > 5 * line:
        side = min(rail_w, room)
        cell = QRectF(body.left(), legend.bottom() + gap, side, side)
        frames.append(_captioned(LOCATOR, METROPOLE, cell, metropole, LOCATOR_CAPTION, line))
    return Sheet(rect, title, footer, legend, tuple(frames))


def fit_scale(rect: QRectF, bounds: Bounds, margin: float = FIT_MARGIN) -> float:
    """Pixels per world unit that show ``bounds`` whole inside ``rect``."""
    min_x, min_y, max_x, max_y = bounds
    span_x, span_y = max(max_x - min_x, 1e-3), max(max_y - min_y, 1e-3)
    return (1 - 2 * margin) * min(rect.width() / span_x, rect.height() / span_y)


def bounds_center(bounds: Bounds) -> QPointF:
    return QPointF((bounds[0] + bounds[2]) / 2, (bounds[1] + bounds[3]) / 2)


def frame_transform(rect: QRectF, scale: float, center: QPointF) -> QTransform:
    """World (projected) → sheet pixels: ``center`` at the middle of ``rect``."""
    transform = QTransform()
    transform.translate(rect.center().x(), rect.center().y())
    transform.scale(scale, scale)
    transform.translate(-center.x(), -center.y())
    return transform
