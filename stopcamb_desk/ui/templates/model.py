"""Qt table model over the templates the service returns (a few dozen per scope: no paging)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from stopcamb_desk.services.templates import TemplateRow

Index = QModelIndex | QPersistentModelIndex
HEADERS = ("Portée", "Titre", "Modifié le")
ROW_ROLE = Qt.ItemDataRole.UserRole + 1


class TemplateTableModel(QAbstractTableModel):
    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.rows: list[TemplateRow] = []

    def set_rows(self, rows: Sequence[TemplateRow]) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        self.endResetModel()

    def row_for(self, template_id: int | None) -> int:
        return next((i for i, r in enumerate(self.rows) if r.id == template_id), -1)

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
        if role == ROW_ROLE:
            return row
        if role == Qt.ItemDataRole.DisplayRole:
            when = row.updated_at.astimezone().strftime("%d/%m/%Y %H:%M")
            return (row.scope_label, row.title, when)[index.column()]
        if role == Qt.ItemDataRole.ToolTipRole:
            return row.text
        return None
