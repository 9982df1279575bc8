"""The map legend: what each colour and mark means, in French."""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPen, QPixmap
from PySide6.QtWidgets import QGridLayout, QLabel, QWidget

from stopcamb_desk.ui.map.canvas import (
    ALERT_FILL,
    FOCUS_EDGE,
    MARK,
    NEAREST,
    NEIGHBOUR_EDGE,
    NEIGHBOUR_FILL,
    QUIET_FILL,
)
from stopcamb_desk.ui.theme import NAVY

ALERT_TEXT = "Alerte affichée sur les téléphones"
QUIET_TEXT = "Aucune alerte affichée"


def _swatch(fill: QColor, edge: QColor, round_: bool = False) -> QPixmap:
    pixmap = QPixmap(26, 18)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(QPen(edge, 2))
    painter.setBrush(fill)
    if round_:
        painter.drawEllipse(QPointF(13, 9), 6, 6)
    else:
        painter.drawRect(QRectF(2, 2, 22, 14))
    painter.end()
    return pixmap


class Legend(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("mapLegend")
        self.setAccessibleName("Légende de la carte")
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 4, 0, 4)
        grid.setHorizontalSpacing(8)
        self.alert_label = QLabel(ALERT_TEXT)
        self.quiet_label = QLabel(QUIET_TEXT)
        rows = (
            (_swatch(ALERT_FILL, FOCUS_EDGE), self.alert_label),
            (_swatch(QUIET_FILL, FOCUS_EDGE), self.quiet_label),
            (_swatch(NEIGHBOUR_FILL, NEIGHBOUR_EDGE), QLabel("Autres départements")),
            (
                _swatch(QColor(NAVY), QColor("white"), True),
                QLabel("Brigade (survolez : nom et téléphone)"),
            ),
            (_swatch(NEAREST, QColor("white"), True), QLabel("Brigade la plus proche du clic")),
            (_swatch(MARK, QColor("white"), True), QLabel("Commune recherchée")),
        )
        for row, (pixmap, label) in enumerate(rows):
            swatch = QLabel()
            swatch.setPixmap(pixmap)
            label.setWordWrap(True)
            grid.addWidget(swatch, row, 0)
            grid.addWidget(label, row, 1)
        grid.setColumnStretch(1, 1)

    def update_alerts(self, count: int, since: str | None) -> None:
        """``since`` (« depuis 2 h 05 »): when exactly one département shows an alert."""
        if since is not None:
            self.alert_label.setText(f"{ALERT_TEXT} {since}")
        elif count > 1:
            self.alert_label.setText(f"{ALERT_TEXT} ({count} départements)")
        else:
            self.alert_label.setText(ALERT_TEXT)
        self.quiet_label.setText(QUIET_TEXT)
