"""« Sur les téléphones »: per département, the alert the subscribed phones display now."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from stopcamb_desk.domain.roles import Permission, Principal
from stopcamb_desk.services.history import HistoryService
from stopcamb_desk.services.history_model import PhoneEntry, format_age

if TYPE_CHECKING:
    from stopcamb_desk.ui.tasks import TaskRunner

HEADERS = ("Département", "Affiché depuis", "Alerte")


class OnPhonesPanel(QWidget):
    def __init__(
        self,
        history: HistoryService,
        principal: Principal,
        runner: TaskRunner,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._history = history
        self._principal = principal
        self._runner = runner
        self.entries: list[PhoneEntry] = []
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        title = QLabel("<b>Sur les téléphones</b> — ce que les abonnés voient en ce moment")
        self.table = QTableWidget(0, len(HEADERS))
        self.table.setObjectName("surLesTelephones")
        self.table.setAccessibleName("Sur les téléphones")
        self.table.setHorizontalHeaderLabels(HEADERS)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        layout.addWidget(title)
        layout.addWidget(self.table)

    def refresh(self) -> None:
        self._runner.run_db(
            lambda: self._history.on_phones(self._principal),
            self._show,
            lambda exc: None,  # the status bar reports connection problems
            owner=self,
        )

    def _show(self, entries: Any) -> None:
        self.entries = list(entries)
        rows: list[tuple[str, str, str]] = []
        shown = {e.departement for e in self.entries if not e.exercise}
        for e in self.entries:
            where = e.departement or "National"
            if e.exercise:
                where += " (exercice)"
            rows.append((where, format_age(e.age), f"n° {e.alert.id} : {e.alert.text}"))
        if not self._principal.can(Permission.VIEW_ALL_HISTORY):
            for dep in self._principal.departements:
                if dep not in shown:
                    rows.append((dep, "—", "Aucune alerte affichée"))
        self.table.setRowCount(len(rows))
        for i, values in enumerate(rows):
            for j, value in enumerate(values):
                item = QTableWidgetItem(value)
                item.setToolTip(value)
                self.table.setItem(i, j, item)
        self.table.resizeColumnToContents(0)
        self.table.resizeColumnToContents(1)
