"""The map legend, painted on the sheet (so that a PNG or a PDF carries it too).

:func:`lay_out_legend` breaks each row into lines at the rail's width (``sheet.rail_width``)
and gives the legend its height; :func:`paint_legend` draws those lines: a row never cut.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QRectF
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter, QPainterPath

from stopcamb_desk.domain.status import PHONES_ALERT, PHONES_RETRACTION
from stopcamb_desk.ui.map.scene import MapScene
from stopcamb_desk.ui.map.symbols import (
    BRIGADE,
    FRAME_EDGE,
    INK,
    MARK,
    MUTED,
    NEAREST,
    OUTSIDE_FILL,
    PAPER,
    paint_dot,
    paint_phone,
    paint_retraction_hatch,
    pen,
    phone_box,
)
from stopcamb_desk.ui.map.texts import TextLines, paint_lines, text_lines

OUTSIDE_TEXT = "Hors de vos départements"
BRIGADE_TEXT = "Brigade"
NEAREST_TEXT = "Brigade la plus proche du clic"
MARK_TEXT = "Commune recherchée"
HEADING = "Alertes envoyées"
PHONES_HEADING = "Sur les téléphones"
LINE_SPACING = 1.12  # × the font's height, from one line of the legend to the next
SWATCH_WIDTH = 1.6  # × the font's height

Swatch = Callable[[QPainter, QRectF], None]


@dataclass(frozen=True)
class LegendRow:
    text: str
    swatch: Swatch | None = None  # None: a heading


def _fill(color: QColor) -> Swatch:
    def draw(painter: QPainter, box: QRectF) -> None:
        painter.setPen(pen(FRAME_EDGE, 1.0))
        painter.setBrush(color)
        painter.drawRect(box)

    return draw


def _phone(retraction: bool) -> Swatch:
    def draw(painter: QPainter, box: QRectF) -> None:
        symbol = phone_box(box.height())
        symbol.moveCenter(box.center())
        paint_phone(painter, symbol, retraction)

    return draw


def _withdrawn() -> Swatch:
    """The hatched fill of a département showing the message of retrait, and its handset."""

    def draw(painter: QPainter, box: QRectF) -> None:
        _fill(PAPER)(painter, box)
        path = QPainterPath()
        path.addRect(box)
        paint_retraction_hatch(painter, path)
        _phone(True)(painter, box)

    return draw


def _dot(color: QColor) -> Swatch:
    def draw(painter: QPainter, box: QRectF) -> None:
        paint_dot(painter, box.center(), box.height() * 0.36, color)

    return draw


def legend_rows(scene: MapScene, *, brigades: bool, nearest: bool, mark: bool) -> list[LegendRow]:
    rows = [LegendRow(HEADING)]
    rows += [LegendRow(text, _fill(color)) for color, text in scene.classes.legend()]
    if scene.visible is not None:
        rows.append(LegendRow(OUTSIDE_TEXT, _fill(OUTSIDE_FILL)))
    if scene.phone_symbols:
        rows.append(LegendRow(PHONES_HEADING))
        rows.append(LegendRow(PHONES_ALERT, _phone(False)))
        rows.append(LegendRow(PHONES_RETRACTION, _withdrawn()))
    if brigades:
        rows.append(LegendRow(BRIGADE_TEXT, _dot(BRIGADE)))
    if nearest:
        rows.append(LegendRow(NEAREST_TEXT, _dot(NEAREST)))
    if mark:
        rows.append(LegendRow(MARK_TEXT, _dot(MARK)))
    return rows


@dataclass(frozen=True)
class PlacedRow:
    """A legend row laid out, from the legend's top left: its ``text`` in lines, ``top``
    pixels down, ``indent`` pixels right (after the swatch, drawn in ``swatch_box``)."""

    row: LegendRow
    text: TextLines
    top: float
    indent: float
    swatch_box: QRectF | None


@dataclass(frozen=True)
class Legend:
    """The rows laid out ``width`` pixels wide; ``height`` pixels with the space below."""

    rows: tuple[PlacedRow, ...]
    width: float
    height: float


def lay_out_legend(rows: list[LegendRow], font: QFont, width: float) -> Legend:
    """``rows`` in ``width`` pixels: a text too long for its line goes on to the next one."""
    bold = QFont(font)
    bold.setBold(True)
    height = QFontMetricsF(font).height()
    line = height * LINE_SPACING
    indent = (SWATCH_WIDTH + 0.5) * height
    placed: list[PlacedRow] = []
    y = 0.0
    for n, row in enumerate(rows):
        if row.swatch is None:
            y += 0.35 * line if n else 0.0
            text = text_lines(row.text, bold, width, LINE_SPACING)
            placed.append(PlacedRow(row, text, y, 0.0, None))
        else:
            text = text_lines(row.text, font, width - indent, LINE_SPACING)
            box = QRectF(0.0, y + line * 0.14, SWATCH_WIDTH * height, line * 0.72)
            placed.append(PlacedRow(row, text, y, indent, box))
        y += text.height
    return Legend(tuple(placed), width, y + 0.5 * line)


def paint_legend(painter: QPainter, rect: QRectF, legend: Legend) -> None:
    painter.save()
    for placed in legend.rows:
        row = placed.row
        if row.swatch is not None and placed.swatch_box is not None:
            row.swatch(painter, placed.swatch_box.translated(rect.topLeft()))
        painter.setPen(MUTED if row.text == OUTSIDE_TEXT else INK)
        paint_lines(painter, placed.text, rect.left() + placed.indent, rect.top() + placed.top)
    painter.restore()
