"""Colours, pens and the small symbols the map and its legend share (one drawing of each)."""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QPainter, QPainterPath, QPen

from stopcamb_desk.ui.theme import NAVY

PAPER = QColor("white")  # sea, foreign countries and the sheet alike, as on a printed map
BORDER = QColor("white")  # between départements
COAST = QColor("#6f6f6f")
OUTSIDE_FILL = QColor("#dcdcdc")  # not the operator's département: no figures shown
OUTSIDE_BORDER = QColor("#f7f7f7")
INK = QColor("#1f1f1f")
MUTED = QColor("#5f5f5f")
FRAME_EDGE = QColor("#9a9a9a")
HOVER_EDGE = QColor(NAVY)
PHONE = QColor(NAVY)
BRIGADE = QColor(NAVY)
NEAREST = QColor("#1b7f3b")
MARK = QColor("#b00020")
HALO = QColor(255, 255, 255, 225)


def pen(color: QColor, width: float, cosmetic: bool = True) -> QPen:
    result = QPen(color, width)
    result.setCosmetic(cosmetic)
    result.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
    result.setCapStyle(Qt.PenCapStyle.RoundCap)
    return result


def phone_box(height: float) -> QRectF:
    """Size of the phone symbol for a text line of ``height`` (a portrait handset)."""
    return QRectF(0, 0, 0.42 * height, 0.7 * height)


def paint_phone(painter: QPainter, rect: QRectF, retraction: bool) -> None:
    """A handset: filled (an alert is displayed) or hollow and struck through (the phones show
    the message that withdrew the previous alert)."""
    painter.save()
    radius = rect.width() * 0.22
    painter.setPen(pen(PHONE, max(1.0, rect.width() * 0.16)))
    painter.setBrush(PAPER if retraction else PHONE)
    painter.drawRoundedRect(rect, radius, radius)
    if retraction:
        painter.drawLine(rect.bottomLeft(), rect.topRight())
    else:
        screen = rect.adjusted(
            rect.width() * 0.2, rect.height() * 0.14, -rect.width() * 0.2, -rect.height() * 0.3
        )
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(PAPER)
        painter.drawRect(screen)
    painter.restore()


# Hatching over a département whose phones show the message of retrait (not an alert).
RETRACTION_HATCH = QColor("#3d4f7a")


def paint_retraction_hatch(painter: QPainter, path: QPainterPath) -> None:
    """Diagonal hatching over ``path`` (device coordinates): « message de retrait affiché »."""
    painter.save()
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QBrush(RETRACTION_HATCH, Qt.BrushStyle.BDiagPattern))
    painter.drawPath(path)
    painter.restore()


def paint_dot(painter: QPainter, center: QPointF, radius: float, fill: QColor) -> None:
    painter.setPen(pen(PAPER, max(1.0, radius / 3)))
    painter.setBrush(fill)
    painter.drawEllipse(center, radius, radius)
