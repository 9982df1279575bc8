"""« Programmer… »: plan the national prevention message being written, and see the planned ones.

The rules (who, which kind, how far ahead, validity window) and the release at the planned
time are the services' (:mod:`stopcamb_desk.services.schedule`); this dialog only asks and
shows. Every database call runs on the DB worker.
"""

from __future__ import annotations

from datetime import UTC, datetime

from PySide6.QtCore import QDateTime, Qt, QTime, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from stopcamb_desk.domain.lifecycle import DEFAULT_VALIDITY_HOURS, MAX_VALIDITY_HOURS
from stopcamb_desk.domain.status import excerpt
from stopcamb_desk.services.composer import Draft
from stopcamb_desk.services.schedule import PlannedMessage, ScheduleService
from stopcamb_desk.services.schedule_model import Schedule
from stopcamb_desk.ui.context import ShellContext
from stopcamb_desk.ui.errors import expected_message


def _tomorrow_morning() -> QDateTime:
    moment = QDateTime.currentDateTime().addDays(1)
    moment.setTime(QTime(8, 0))
    return moment


class ScheduleDialog(QDialog):
    """Plan ``draft`` (already checked by the composer) and manage the planned messages."""

    planned = Signal(int)  # the new planned message's id

    def __init__(
        self, ctx: ShellContext, service: ScheduleService, draft: Draft, parent: QWidget | None
    ) -> None:
        super().__init__(parent)
        self.ctx, self.service, self.draft = ctx, service, draft
        self.setWindowTitle("Programmer un message de prévention")
        self.setObjectName("scheduleDialog")
        intro = QLabel(
            f"« {excerpt(draft.text, 120)} »<br>Le message partira à l'heure choisie, envoyé "
            "par un poste ouvert ou par l'expéditeur du serveur. Si aucun ne fonctionne à "
            "cette heure, il partira en retard pendant la durée de validité, puis expirera "
            "sans être envoyé."
        )
        intro.setWordWrap(True)
        self.when = QDateTimeEdit(_tomorrow_morning())
        self.when.setObjectName("scheduleWhen")
        self.when.setCalendarPopup(True)
        self.when.setDisplayFormat("dd/MM/yyyy HH:mm")
        self.when.setMinimumDateTime(QDateTime.currentDateTime())
        self.validity = QSpinBox()
        self.validity.setObjectName("scheduleValidity")
        self.validity.setRange(1, MAX_VALIDITY_HOURS)
        self.validity.setValue(DEFAULT_VALIDITY_HOURS)
        self.validity.setSuffix(" h")
        form = QFormLayout()
        form.addRow("&Envoyer le", self.when)
        form.addRow("Envoi en retard possible pendant", self.validity)

        self.table = QTableWidget(0, 3)
        self.table.setObjectName("plannedTable")
        self.table.setHorizontalHeaderLabels(["Prévu le", "Par", "Message"])
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.verticalHeader().setVisible(False)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.cancel_button = QPushButton("Annuler la programmation")
        self.cancel_button.setObjectName("cancelPlanned")
        self.cancel_button.setEnabled(False)
        self.cancel_button.clicked.connect(self.cancel_selected)
        self.table.itemSelectionChanged.connect(
            lambda: self.cancel_button.setEnabled(bool(self.table.selectedItems()))
        )
        self.message = QLabel()
        self.message.setObjectName("scheduleMessage")
        self.message.setWordWrap(True)

        buttons = QDialogButtonBox()
        self.plan_button = buttons.addButton("&Programmer", QDialogButtonBox.ButtonRole.AcceptRole)
        self.plan_button.setObjectName("planButton")
        buttons.addButton("Fermer", QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self.plan)
        buttons.rejected.connect(self.reject)

        planned_row = QHBoxLayout()
        planned_row.addWidget(QLabel("Messages déjà programmés :"), 1)
        planned_row.addWidget(self.cancel_button)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addLayout(planned_row)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.message)
        layout.addWidget(buttons)
        self._planned: list[PlannedMessage] = []
        self.resize(640, 460)
        self.reload()

    def _schedule(self) -> Schedule:
        local = self.when.dateTime().toPython()
        assert isinstance(local, datetime)
        return Schedule(local.astimezone().astimezone(UTC), self.validity.value())

    def _say(self, text: str, *, error: bool = False) -> None:
        self.message.setText(text)
        self.message.setStyleSheet("color: #b00020;" if error else "color: #1b5e20;")

    def _failed(self, exc: BaseException) -> None:
        message = expected_message(exc)
        if message is None:
            self._say("Erreur inattendue : rien n'a été programmé (détails affichés).", error=True)
            self.ctx.errors.report(exc)
            return
        self._say(message, error=True)
        self.plan_button.setEnabled(True)

    def reload(self) -> None:
        principal = self.ctx.principal
        self.ctx.tasks.run_db(
            lambda: self.service.planned(principal), self._show, self._failed, owner=self
        )

    def _show(self, planned: list[PlannedMessage]) -> None:
        self._planned = planned
        self.table.setRowCount(len(planned))
        for row, p in enumerate(planned):
            when = p.at.astimezone().strftime("%d/%m/%Y %H:%M")
            for column, value in enumerate((when, p.author, excerpt(p.text, 90))):
                item = QTableWidgetItem(value)
                item.setData(Qt.ItemDataRole.UserRole, p.id)
                self.table.setItem(row, column, item)
        self.table.resizeColumnsToContents()

    def plan(self) -> None:
        schedule = self._schedule()
        principal, draft = self.ctx.principal, self.draft
        self.plan_button.setEnabled(False)
        self._say("Programmation…")
        self.ctx.tasks.run_db(
            lambda: self.service.plan(principal, draft, schedule),
            lambda alert_id: self._planned_ok(alert_id, schedule),
            self._failed,
            owner=self,
        )

    def _planned_ok(self, alert_id: int, schedule: Schedule) -> None:
        when = schedule.at.astimezone().strftime("%d/%m/%Y à %H:%M")
        self._say(f"✓ Message n° {alert_id} programmé pour le {when}.")
        self.planned.emit(alert_id)
        self.reload()

    def cancel_selected(self) -> None:
        items = self.table.selectedItems()
        if not items:
            return
        alert_id = int(items[0].data(Qt.ItemDataRole.UserRole))
        version = next((p.version for p in self._planned if p.id == alert_id), None)
        principal = self.ctx.principal

        def cancelled(_none: None) -> None:
            self._say(f"Programmation n° {alert_id} annulée.")
            self.reload()

        self.ctx.tasks.run_db(
            lambda: self.service.cancel(principal, alert_id, version=version),
            cancelled,
            self._failed,
            owner=self,
        )
