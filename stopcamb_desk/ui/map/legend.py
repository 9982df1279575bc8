"""The map legend, painted on the sheet (so that a PNG or a PDF carries it too)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QRectF, Qt
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

OUTSIDE_TEXT = "Hors de vos départements"
BRIGADE_TEXT = "Brigade"
NEAREST_TEXT = "Brigade la plus proche du clic"
MARK_TEXT = "Commune recherchée"
HEADING = "Alertes envoyées"
PHONES_HEADING = "Sur les téléphones"

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


def legend_font(base: QFont) -> QFont:
    font = QFont(base)
    font.setPointSizeF(base.pointSizeF() * 0.78)
    return font


def legend_height(rows: list[LegendRow], font: QFont) -> float:
    line = QFontMetricsF(font).height()
    headings = sum(1 for r in rows if r.swatch is None)
    return (len(rows) + 0.35 * headings) * line * 1.12 + 0.5 * line


def paint_legend(painter: QPainter, rect: QRectF, rows: list[LegendRow], font: QFont) -> None:
    painter.save()
    metrics = QFontMetricsF(font)
    line = metrics.height() * 1.12
    bold = QFont(font)
    bold.setBold(True)
    swatch_w = 1.6 * metrics.height()
    y = rect.top()
    for n, row in enumerate(rows):
        if row.swatch is None:
            y += 0.35 * line if n else 0.0
            painter.setFont(bold)
            painter.setPen(INK)
            text_rect = QRectF(rect.left(), y, rect.width(), line)
            painter.drawText(
                text_rect, Qt.AlignmentFlag.AlignVCenter, _elided(bold, row.text, rect)
            )
        else:
            box = QRectF(rect.left(), y + line * 0.14, swatch_w, line * 0.72)
            row.swatch(painter, box)
            painter.setFont(font)
            painter.setPen(MUTED if row.text == OUTSIDE_TEXT else INK)
            text_rect = QRectF(box.right() + 0.5 * metrics.height(), y, rect.width(), line)
            text_rect.setRight(rect.right())
            painter.drawText(
                text_rect,
                Qt.AlignmentFlag.AlignVCenter,
                metrics.elidedText(row.text, Qt.TextElideMode.ElideRight, text_rect.width()),
            )
        y += line
    painter.restore()


def _elided(font: QFont, text: str, rect: QRectF) -> str:
    return QFontMetricsF(font).elidedText(text, Qt.TextElideMode.ElideRight, rect.width())
