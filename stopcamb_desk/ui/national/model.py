"""Qt table model over the news items the service returns (a few dozen: no lazy paging)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor

from stopcamb_desk.services.news_state import NewsRow, NewsStatus

Index = QModelIndex | QPersistentModelIndex
HEADERS = ("Statut", "Titre", "Depuis le")
STATUS_COLUMN, TITLE_COLUMN, SINCE_COLUMN = range(len(HEADERS))
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


def since(row: NewsRow) -> datetime:
    """When the item took its status, as near as the row knows: « Publiée depuis le … »."""
    moment = {
        NewsStatus.PUBLIEE: row.published_at,
        NewsStatus.RETIREE: row.withdrawn_at,
        NewsStatus.A_PUBLIER: row.last_attempt_at,
        NewsStatus.A_RETIRER: row.last_attempt_at or row.published_at,
    }.get(row.status)
    return moment or row.created_at


def dates(row: NewsRow) -> str:
    """« Créé le … », « Publié le … », « Retiré le … », those the item has, one a line."""
    known = (
        ("Créé le", row.created_at),
        ("Publié le", row.published_at),
        ("Retiré le", row.withdrawn_at),
    )
    return "\n".join(f"{what} {_when(moment)}" for what, moment in known if moment)


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
            return (row.status_label, row.title, _when(since(row)))[column]
        if role == Qt.ItemDataRole.ToolTipRole:
            if row.last_error:
                return row.last_error
            return {TITLE_COLUMN: row.body, SINCE_COLUMN: dates(row)}.get(column)
        if role == Qt.ItemDataRole.ForegroundRole and column == STATUS_COLUMN:
            return QColor(STATUS_COLOURS[row.status])
        return None
