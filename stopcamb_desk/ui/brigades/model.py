"""Table model of the brigade directory and its accent-insensitive text filter."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)

from stopcamb_desk.geo.text import name_key
from stopcamb_desk.models import Brigade

Index = QModelIndex | QPersistentModelIndex
IdRole = Qt.ItemDataRole.UserRole + 1  # the brigade's identifiant_public_unite
SearchRole = Qt.ItemDataRole.UserRole + 2  # folded text the filter matches against

# The usual abbreviations of the gendarmerie, so that the distinctive part of a name stays
# visible in a narrow column (the full name is in the tooltip and the form).
ABBREVIATIONS: tuple[tuple[str, str], ...] = (
    ("brigade territoriale autonome", "BTA"),
    ("brigade territoriale de contact", "BTC"),
    ("brigade de proximité", "BP"),
    ("brigade de recherches", "BR"),
    ("communauté de brigades", "COB"),
)


def short_name(service: str) -> str:
    lowered = service.lower()
    for long, short in ABBREVIATIONS:
        if lowered.startswith(long):
            return short + service[len(long) :]
    return service


COLUMNS: tuple[tuple[str, Callable[[Brigade], str]], ...] = (
    ("Dép.", lambda b: b.departement),
    ("Unité", lambda b: short_name(b.service)),
    ("Téléphone", lambda b: b.telephone),
    ("Commune", lambda b: b.commune),  # the postal code is in the form and the filter
)
OPENING_COLUMN = len(COLUMNS)  # « ouverte jusqu'à 18h00 »…, computed when the rows load


def search_text(b: Brigade) -> str:
    words = (b.service, short_name(b.service), b.commune, b.code_postal, b.telephone, b.adresse)
    return name_key(" ".join((*words, b.id)))


class BrigadeTableModel(QAbstractTableModel):
    """Brigades held in memory (the national directory is ~3 500 rows)."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[Brigade] = []
        self._search: list[str] = []
        self._opening: dict[str, str] = {}

    def set_rows(self, rows: Sequence[Brigade], opening: dict[str, str] | None = None) -> None:
        """``opening``: brigade id → « ouverte jusqu'à 18h00 »… (computed off the GUI thread)."""
        self.beginResetModel()
        self._rows = list(rows)
        self._search = [search_text(b) for b in self._rows]
        self._opening = dict(opening or {})
        self.endResetModel()

    def row_at(self, row: int) -> Brigade | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def row_of(self, brigade_id: str) -> int:
        for n, b in enumerate(self._rows):
            if b.id == brigade_id:
                return n
        return -1

    def opening(self, brigade_id: str) -> str:
        return self._opening.get(brigade_id, "")

    def replace(self, brigade: Brigade, opening: str) -> None:
        """Show a brigade as saved (after an edit or a reload)."""
        row = self.row_of(brigade.id)
        if row < 0:
            return
        self._rows[row] = brigade
        self._search[row] = search_text(brigade)
        self._opening[brigade.id] = opening
        self.dataChanged.emit(self.index(row, 0), self.index(row, OPENING_COLUMN))

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS) + 1

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        b = self._rows[index.row()]
        if index.column() == OPENING_COLUMN:
            if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
                return self._opening.get(b.id, "")
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[index.column()][1](b)
        if role == Qt.ItemDataRole.ToolTipRole:
            return b.service if index.column() == 1 else COLUMNS[index.column()][1](b)
        if role == IdRole:
            return b.id
        if role == SearchRole:
            return self._search[index.row()]
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return "Accueil" if section == OPENING_COLUMN else COLUMNS[section][0]
        return None


class BrigadeFilter(QSortFilterProxyModel):
    """Keeps rows containing every word typed; accents, case and hyphens do not matter."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._words: list[str] = []

    def set_text(self, text: str) -> None:
        self.beginFilterChange()
        self._words = name_key(text).split()
        self.endFilterChange()

    def filterAcceptsRow(self, source_row: int, source_parent: Index) -> bool:
        if not self._words:
            return True
        model = self.sourceModel()
        folded = model.data(model.index(source_row, 0, source_parent), SearchRole) or ""
        return all(word in folded for word in self._words)
