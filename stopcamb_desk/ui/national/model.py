"""Qt table model over the news items the service returns (a few dozen: no lazy paging)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor

from stopcamb_desk.services.news_state import NewsRow, NewsStatus

Index = QModelIndex | QPersistentModelIndex
HEADERS = ("Statut", "Titre", "Créé le", "Publié le", "Retiré le")
STATUS_COLOURS = {
    NewsStatus.PUBLIEE: "#1b5e20",
    NewsStatus.A_PUBLIER: "#b00020",
    NewsStatus.A_RETIRER: "#b00020",
    NewsStatus.RETIREE: "#6b6b6b",
    NewsStatus.BROUILLON: "#0b2a5b",
}
ROW_ROLE = Qt.ItemDataRole.UserRole + 1


def _when(moment: datetime | None) -> str:
    return moment.astimezone().strftime("%d/%m/%Y %H:%M") if moment else ""


class NewsTableModel(QAbstractTableModel):
    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.rows: list[NewsRow] = []

    def set_rows(self, rows: Sequence[NewsRow]) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        self.endResetModel()

    def row_for(self, item_id: int) -> int:
        return next((i for i, r in enumerate(self.rows) if r.id == item_id), -1)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(HEADERS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return HEADERS[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row = self.rows[index.row()]
        column = index.column()
        if role == ROW_ROLE:
            return row
        if role == Qt.ItemDataRole.DisplayRole:
            return (
                row.status_label,
                row.title,
                _when(row.created_at),
                _when(row.published_at),
                _when(row.withdrawn_at),
            )[column]
        if role == Qt.ItemDataRole.ToolTipRole:
            if row.last_error:
                return row.last_error
            return row.body if column == 1 else None
        if role == Qt.ItemDataRole.ForegroundRole and column == 0:
            return QColor(STATUS_COLOURS[row.status])
        return None
