"""Alerts per département per day, painted: the national total per day as bars (the selected
département in colour over it), and below a calendar heat map of the most active départements.

Painted with ``QPainter`` rather than QtCharts: QtCharts ships in PySide6-Addons (with QtOpenGL
and its bindings, several megabytes in the AppImage, which must stay under 60 MB) and has no
heat-map series; painting shares the map's palette and classes. Like the map, the geometry is
composed once per size and data (:func:`compose_chart`), then painted and hit-tested.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from PySide6.QtCore import QEvent, QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetricsF,
    QHelpEvent,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QResizeEvent,
)
from PySide6.QtWidgets import QSizePolicy, QToolTip, QWidget

from stopcamb_desk.domain.departements import DEPARTEMENT_NAMES
from stopcamb_desk.services.activity import Activity
from stopcamb_desk.ui.map.classes import CLASS_FILLS, ZERO_FILL, Classes
from stopcamb_desk.ui.map.scene import alerts_phrase
from stopcamb_desk.ui.map.symbols import FRAME_EDGE, INK, MUTED, PAPER, pen
from stopcamb_desk.ui.theme import NAVY

TOTAL_BAR = QColor("#b9c3d3")
WEEKEND = QColor("#f2f2f2")
SELECTED_BAR = CLASS_FILLS[3]
SELECTED_ROW = QColor("#e8edf6")
WEEKDAYS = ("lun.", "mar.", "mer.", "jeu.", "ven.", "sam.", "dim.")
HEAT_TITLE = "Par département (les plus touchés) et par jour"


def day_label(day: date) -> str:
    return f"{WEEKDAYS[day.weekday()]} {day:%d/%m}"


@dataclass(frozen=True)
class Cell:
    """A hit-testable piece of the chart: a day's column of bars or a heat-map cell."""

    rect: QRectF
    day: date
    code: str | None  # None: France entière
    count: int
    fill: QRectF | None = None  # the bar or cell drawn
    colour: QColor | None = None
    mine: QRectF | None = None  # the selected département's part of a day's bar


@dataclass
class ChartLayout:
    title: str = ""
    title_rect: QRectF = field(default_factory=QRectF)
    scale_text: str = ""
    scale_rect: QRectF = field(default_factory=QRectF)
    plot: QRectF = field(default_factory=QRectF)
    weekends: list[QRectF] = field(default_factory=list)
    bars: list[Cell] = field(default_factory=list)
    ticks: list[tuple[QRectF, str]] = field(default_factory=list)
    heat_title_rect: QRectF = field(default_factory=QRectF)
    rows: list[tuple[str, QRectF, str, QRectF, str]] = field(default_factory=list)
    heat: list[Cell] = field(default_factory=list)
    empty: str = ""

    @property
    def cells(self) -> list[Cell]:
        return self.bars + self.heat


def _fonts(base: QFont) -> tuple[QFont, QFont]:
    small = QFont(base)
    small.setPointSizeF(base.pointSizeF() * 0.72)
    bold = QFont(small)
    bold.setBold(True)
    return small, bold


def compose_chart(rect: QRectF, activity: Activity, code: str | None, base: QFont) -> ChartLayout:
    small, bold = _fonts(base)
    metrics = QFontMetricsF(small)
    line = metrics.height()
    out = ChartLayout()
    inner = rect.adjusted(8, 6, -8, -6)
    label_w = min(0.34 * inner.width(), metrics.horizontalAdvance("00 Alpes-de-Haute-Provence"))
    total_w = metrics.horizontalAdvance("0000") + 6
    left = inner.left() + label_w
    width = inner.right() - total_w - left
    days = activity.days
    day_w = width / max(len(days), 1)
    # Bars: the national total each day, the selected département's part in colour.
    out.title = f"Alertes par jour — France entière : {activity.total}"
    if code:
        out.title += f" · {code} {DEPARTEMENT_NAMES.get(code, '')} : {activity.alerts(code)}"
        out.title += " (en couleur)"
    out.title_rect = QRectF(inner.left(), inner.top(), inner.width(), QFontMetricsF(bold).height())
    bars_h = max(3 * line, 0.42 * inner.height() - 2.4 * line)
    out.plot = QRectF(left, out.title_rect.bottom() + 0.4 * line, width, bars_h)
    totals = activity.per_day
    mine = activity.row(code).per_day if code else None
    top = max(max(totals, default=0), 1)
    out.scale_text = f"{top} max."
    out.scale_rect = QRectF(inner.left(), out.plot.top(), label_w - 8, line)
    plot = out.plot
    for i, day in enumerate(days):
        x = plot.left() + i * day_w
        column = QRectF(x, plot.top(), day_w, plot.height())
        if day.weekday() >= 5:
            out.weekends.append(column)
        height = plot.height() * totals[i] / top
        bar = QRectF(x + day_w * 0.12, plot.bottom() - height, day_w * 0.76, height)
        part = None
        if mine is not None and mine[i]:
            part_h = plot.height() * mine[i] / top
            part = QRectF(bar.left(), plot.bottom() - part_h, bar.width(), part_h)
        count = mine[i] if mine is not None else totals[i]
        out.bars.append(Cell(column, day, code, count, bar, TOTAL_BAR, part))
    # Axis: a date under every few days (Mondays when they are far apart).
    tick_w = metrics.horizontalAdvance("00/00") + 8
    step = max(1, int(tick_w // day_w) + 1)
    for i, day in enumerate(days):
        if (day.weekday() == 0) if step >= 5 else (i % step == 0):
            x = plot.left() + (i + 0.5) * day_w
            out.ticks.append(
                (QRectF(x - tick_w / 2, plot.bottom() + 0.2 * line, tick_w, line), f"{day:%d/%m}")
            )
    # Heat map: the most active départements (and the selected one), one cell per day.
    heat_top = plot.bottom() + 1.5 * line
    out.heat_title_rect = QRectF(inner.left(), heat_top, inner.width(), line)
    row_h = max(line * 1.05, 8.0)
    first_row = heat_top + 1.2 * line
    room = max(int((inner.bottom() - first_row) // row_h), 0)
    ranked = [d.code for d in activity.ranking()]
    rows = ranked[:room]
    if code and code not in rows and room > 0:
        rows = [*rows[: room - 1], code]
    classes = Classes.of(n for c in rows for n in activity.row(c).per_day)
    for r, row_code in enumerate(rows):
        y = first_row + r * row_h
        row = activity.row(row_code)
        band = QRectF(inner.left(), y, inner.width(), row_h)
        name = f"{row_code} {DEPARTEMENT_NAMES.get(row_code, '')}"
        total = QRectF(inner.right() - total_w, y, total_w, row_h)
        out.rows.append((row_code, band, name, total, str(row.alerts)))
        for i, day in enumerate(days):
            n = row.per_day[i]
            cell = QRectF(left + i * day_w + 0.5, y + 0.5, day_w - 1, row_h - 1)
            colour = classes.fill(n) if n else ZERO_FILL
            out.heat.append(Cell(cell, day, row_code, n, cell, colour))
    if not ranked:
        out.empty = "Aucune alerte sur la période."
    return out


def paint_chart(painter: QPainter, layout: ChartLayout, code: str | None, base: QFont) -> None:
    small, bold = _fonts(base)
    metrics = QFontMetricsF(small)
    left = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
    painter.setFont(bold)
    painter.setPen(INK)
    bold_metrics = QFontMetricsF(bold)
    width = layout.title_rect.width()
    painter.drawText(
        layout.title_rect,
        left,
        bold_metrics.elidedText(layout.title, Qt.TextElideMode.ElideRight, width),
    )
    for weekend in layout.weekends:
        painter.fillRect(weekend, WEEKEND)
    for bar in layout.bars:
        if bar.fill is not None:
            painter.fillRect(bar.fill, TOTAL_BAR)
        if bar.mine is not None:
            painter.fillRect(bar.mine, SELECTED_BAR)
    painter.setPen(pen(FRAME_EDGE, 1.0))
    painter.drawLine(layout.plot.bottomLeft(), layout.plot.bottomRight())
    painter.setFont(small)
    painter.setPen(MUTED)
    painter.drawText(
        layout.scale_rect,
        Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
        layout.scale_text,
    )
    for rect, text in layout.ticks:
        painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, text)
    painter.setFont(bold)
    painter.setPen(INK)
    painter.drawText(layout.heat_title_rect, left, HEAT_TITLE)
    painter.setFont(small)
    label_w = layout.plot.left() - layout.heat_title_rect.left() - 6
    for row_code, band, name, total, count in layout.rows:
        chosen = row_code == code
        if chosen:
            painter.fillRect(band, SELECTED_ROW)
        painter.setPen(QColor(NAVY) if chosen else INK)
        label = QRectF(band.left(), band.top(), label_w, band.height())
        painter.drawText(
            label, left, metrics.elidedText(name, Qt.TextElideMode.ElideRight, label_w)
        )
        painter.setPen(INK)
        painter.drawText(total, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, count)
    for cell in layout.heat:
        if cell.fill is not None and cell.colour is not None:
            painter.fillRect(cell.fill, cell.colour)
    if layout.empty:
        painter.setPen(MUTED)
        below = layout.heat_title_rect.translated(0, layout.heat_title_rect.height() * 1.2)
        painter.drawText(below, left, layout.empty)


class DailyChart(QWidget):
    """``selected(code)`` when a heat-map row is clicked."""

    selected = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("dailyChart")
        self.setAccessibleName("Alertes par jour et par département")
        self.setMouseTracking(True)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.activity: Activity | None = None
        self.code: str | None = None
        self._layout: ChartLayout | None = None

    def sizeHint(self) -> QSize:
        return QSize(480, 360)

    def set_activity(self, activity: Activity | None, code: str | None = None) -> None:
        self.activity = activity
        self.code = code
        self._invalidate()

    def set_selected(self, code: str | None) -> None:
        self.code = code
        self._invalidate()

    def _invalidate(self) -> None:
        self._layout = None
        self.update()

    def chart_layout(self) -> ChartLayout | None:
        if self.activity is None:
            return None
        if self._layout is None:
            self._layout = compose_chart(QRectF(self.rect()), self.activity, self.code, self.font())
        return self._layout

    @property
    def rows(self) -> list[str]:
        """The départements of the heat map, in order."""
        layout = self.chart_layout()
        return [row[0] for row in layout.rows] if layout is not None else []

    @property
    def cells(self) -> list[Cell]:
        layout = self.chart_layout()
        return layout.cells if layout is not None else []

    # -- pointer -----------------------------------------------------------------------------
    def cell_at(self, point: QPointF) -> Cell | None:
        return next((c for c in self.cells if c.rect.contains(point)), None)

    def tooltip_at(self, point: QPointF) -> str | None:
        cell = self.cell_at(point)
        if cell is None:
            return None
        where = (
            "France entière"
            if cell.code is None
            else f"{cell.code} — {DEPARTEMENT_NAMES.get(cell.code, '')}"
        )
        return f"{where}, {day_label(cell.day)} : {alerts_phrase(cell.count)}"

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            text = self.tooltip_at(QPointF(event.pos()))
            if text is None:
                QToolTip.hideText()
                event.ignore()
            else:
                QToolTip.showText(event.globalPos(), text, self)
            return True
        return super().event(event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        layout = self.chart_layout()
        for row_code, band, *_rest in layout.rows if layout is not None else []:
            if band.contains(event.position()):
                self.selected.emit(row_code)
                return
        super().mouseReleaseEvent(event)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._invalidate()

    # -- painting ----------------------------------------------------------------------------
    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.fillRect(self.rect(), PAPER)
        layout = self.chart_layout()
        if layout is None:
            painter.setPen(MUTED)
            painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, "Chargement…")
        else:
            paint_chart(painter, layout, self.code, self.font())
        painter.end()
