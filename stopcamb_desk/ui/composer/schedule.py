"""« Programmer… »: plan the national prevention message being written, and see the planned ones.

The rules (who, which kind, how far ahead, validity window) and the release at the planned
time are the services' (:mod:`stopcamb_desk.services.schedule`); this dialog only asks and
shows. Every database call runs on the DB worker.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from PySide6.QtCore import QDate, QDateTime, Qt, QTime, QTimeZone, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
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

from stopcamb_desk.domain.lifecycle import (
    DEFAULT_VALIDITY_HOURS,
    MAX_VALIDITY_HOURS,
    utc_offset_text,
    wall_clock_moments,
)
from stopcamb_desk.domain.status import excerpt
from stopcamb_desk.services.composer import Draft
from stopcamb_desk.services.schedule import PlannedMessage, ScheduleService
from stopcamb_desk.services.schedule_model import Schedule
from stopcamb_desk.ui.context import ShellContext
from stopcamb_desk.ui.errors import expected_message

# The field holds the wall-clock time as typed: in UTC, Qt never moves an hour that the desk's
# clocks skip (02:30 the night they go forward) nor picks one of an hour they repeat; the
# schedule service reads it on the desk's clock and refuses such an hour.
_AS_TYPED = QTimeZone.utc()


def _tomorrow_morning() -> QDateTime:
    day = datetime.now().date() + timedelta(days=1)
    return QDateTime(QDate(day.year, day.month, day.day), QTime(8, 0), _AS_TYPED)


def _when(moment: datetime) -> str:
    """A planned moment on the desk's clock, with its offset when that time happens twice."""
    local = moment.astimezone()
    text = local.strftime("%d/%m/%Y à %H:%M")
    if len(wall_clock_moments(local.replace(tzinfo=None))) == 2:
        text += f" ({utc_offset_text(local)})"
    return text


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
        # No minimum: Qt would refuse a date being typed (28/03 of this year on the way to
        # 28/03 of the next); the service says when a time is past.
        self.when = QDateTimeEdit()
        self.when.setTimeZone(_AS_TYPED)
        self.when.setDateTime(_tomorrow_morning())
        self.when.setObjectName("scheduleWhen")
        self.when.setCalendarPopup(True)
        self.when.setDisplayFormat("dd/MM/yyyy HH:mm")
        # Shown only for an hour that happens twice (the night the clocks go back).
        self.offset = QComboBox()
        self.offset.setObjectName("scheduleOffset")
        self.validity = QSpinBox()
        self.validity.setObjectName("scheduleValidity")
        self.validity.setRange(1, MAX_VALIDITY_HOURS)
        self.validity.setValue(DEFAULT_VALIDITY_HOURS)
        self.validity.setSuffix(" h")
        form = QFormLayout()
        form.addRow("&Envoyer le", self.when)
        form.addRow("&Décalage horaire", self.offset)
        self.form = form
        self.when.dateTimeChanged.connect(self._offer_offsets)
        self._offer_offsets()
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

    def _wall_clock(self) -> datetime:
        typed = self.when.dateTime()
        day, time = typed.date(), typed.time()
        return datetime(day.year(), day.month(), day.day(), time.hour(), time.minute())

    def _offer_offsets(self) -> None:
        """Ask which one when the typed time happens twice; no choice is made for the operator."""
        moments = wall_clock_moments(self._wall_clock())
        self.offset.clear()
        if len(moments) == 2:
            self.offset.addItem("choisissez…", None)
            for moment, which in zip(moments, ("la première fois", "la seconde fois"), strict=True):
                offset = moment.utcoffset()
                assert offset is not None
                label = f"{utc_offset_text(moment)} : {which}"
                self.offset.addItem(label, int(offset.total_seconds()))
        self.form.setRowVisible(self.offset, len(moments) == 2)

    def _schedule(self) -> Schedule:
        """The time as typed (the service reads it on the desk's clock), with its offset when
        the operator chose one."""
        wall_clock = self._wall_clock()
        seconds = self.offset.currentData()
        if isinstance(seconds, int):
            wall_clock = wall_clock.replace(tzinfo=timezone(timedelta(seconds=seconds)))
        return Schedule(wall_clock, self.validity.value())

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
            when = _when(p.at).replace(" à ", " ")
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
        self._say(f"✓ Message n° {alert_id} programmé pour le {_when(schedule.at)}.")
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
