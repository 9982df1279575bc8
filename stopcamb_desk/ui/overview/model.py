"""The overview's table: one row per département, its alerts over the period and what its
phones show now (a thin Qt adapter over the services' value objects). The alerts later
withdrawn are in the tooltips and the CSV."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from stopcamb_desk.domain.departements import DEPARTEMENT_NAMES
from stopcamb_desk.domain.status import phones_label
from stopcamb_desk.services.activity import Activity
from stopcamb_desk.services.history_model import PhoneEntry, format_age

CodeRole = Qt.ItemDataRole.UserRole + 1  # the département code of a row
SortRole = Qt.ItemDataRole.UserRole + 2


@dataclass(frozen=True, slots=True)
class OverviewRow:
    code: str
    alerts: int
    phone: PhoneEntry | None

    @property
    def nom(self) -> str:
        return DEPARTEMENT_NAMES.get(self.code, "")

    @property
    def phones(self) -> str:
        """« Alerte affichée (3 j) », « Message de retrait affiché (19 h 52) »."""
        shown = self.phone is not None
        label = phones_label(shown, self.phone is not None and self.phone.retraction)
        return f"{label} ({format_age(self.phone.age)})" if self.phone is not None else label


Getter = Callable[[OverviewRow], Any]
COLUMNS: tuple[tuple[str, Getter, Getter], ...] = (
    ("Département", lambda r: f"{r.code} {r.nom}", lambda r: r.code),
    ("Alertes", lambda r: r.alerts, lambda r: r.alerts),
    ("Téléphones", lambda r: r.phones, lambda r: r.phone.age if r.phone else None),
)
NUMERIC = (1,)
PHONES_COLUMN = 2
PHONES_TIP = "Ce que les téléphones du département affichent, et depuis combien de temps"


def overview_rows(activity: Activity, phones: Mapping[str, PhoneEntry]) -> list[OverviewRow]:
    """Every département, most alerts first."""
    rows = [
        OverviewRow(code, activity.alerts(code), phones.get(code)) for code in DEPARTEMENT_NAMES
    ]
    rows.sort(key=lambda r: (-r.alerts, r.code))
    return rows


class OverviewModel(QAbstractTableModel):
    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.rows: list[OverviewRow] = []

    def set_rows(self, rows: list[OverviewRow]) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        self.endResetModel()

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:
        if orientation != Qt.Orientation.Horizontal:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section][0]
        if role == Qt.ItemDataRole.ToolTipRole and section == PHONES_COLUMN:
            return PHONES_TIP
        return None

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = 0) -> Any:
        if not index.isValid():
            return None
        row = self.rows[index.row()]
        _title, show, sort_key = COLUMNS[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            value = show(row)
            return str(value) if value != "" else ""
        if role == CodeRole:
            return row.code
        if role == SortRole:
            return sort_key(row)
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() in NUMERIC:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        _title, _show, key = COLUMNS[column]
        self.layoutAboutToBeChanged.emit()
        present = [r for r in self.rows if key(r) is not None]
        missing = [r for r in self.rows if key(r) is None]
        present.sort(key=key, reverse=order == Qt.SortOrder.DescendingOrder)
        self.rows = present + missing
        self.layoutChanged.emit()

    def row_of(self, code: str) -> int:
        return next((i for i, r in enumerate(self.rows) if r.code == code), -1)
