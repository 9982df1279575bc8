"""Attestation of the established offence (required) and the Parquet authorisation (optional).

Both stay in the desk (stored with the alert and in the audit trail); they are never sent.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from stopcamb_desk.domain.rules.model import Attestation, ParquetAuthorisation, ProcedureType
from stopcamb_desk.ui.composer.targets import compact

NO_PROCEDURE = "— choisir —"


def _to_date(value: QDate) -> date:
    return date(value.year(), value.month(), value.day())


def _date_edit(today: date) -> QDateEdit:
    edit = QDateEdit()
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("dd/MM/yyyy")
    edit.setDate(QDate(today.year, today.month, today.day))
    edit.setMaximumDate(QDate(today.year, today.month, today.day))
    return edit


class AttestationFields(QFrame):
    """« Fait avéré » (procedure type, number, date) and the optional witness appeal."""

    changed = Signal()

    def __init__(self, today: date | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("attestation")
        self.setToolTip(
            "Fait avéré : obligatoire pour une alerte opérationnelle. Enregistré avec l'alerte, "
            "jamais envoyé aux téléphones."
        )
        today = today or date.today()
        outer = QVBoxLayout(self)
        outer.setContentsMargins(8, 6, 8, 6)
        outer.setSpacing(4)
        form = QFormLayout()
        form.setContentsMargins(0, 0, 0, 0)
        row = QHBoxLayout()
        self.procedure = QComboBox()
        self.procedure.setObjectName("procedureType")
        self.procedure.addItem(NO_PROCEDURE, None)
        for kind in ProcedureType:
            self.procedure.addItem(kind.label, str(kind))
        self.procedure.setToolTip("Plainte, procès-verbal ou renseignement judiciaire")
        compact(self.procedure, 10)
        self.numero = QLineEdit()
        self.numero.setObjectName("procedureNumber")
        self.numero.setPlaceholderText("n° de procédure")
        self.numero.setToolTip("Numéro de la plainte, du PV ou du RJ (jamais envoyé)")
        self.numero.setMinimumWidth(64)
        self.date = _date_edit(today)
        self.date.setObjectName("procedureDate")
        self.date.setToolTip("Date de la procédure")
        # The date keeps its natural width: the room goes to the number (its hint stays whole).
        row.addWidget(self.procedure, 1)
        row.addWidget(self.numero, 3)
        row.addWidget(QLabel("du"))
        row.addWidget(self.date)
        label = QLabel("&Procédure :")
        label.setBuddy(self.procedure)
        form.addRow(label, row)

        parquet_row = QHBoxLayout()
        self.parquet_enabled = QCheckBox("appel à témoins")
        self.parquet_enabled.setObjectName("parquetEnabled")
        self.parquet_enabled.setToolTip(
            "Seule une autorisation du Parquet permet de citer une personne, un véhicule ou "
            "une plaque."
        )
        self.parquet_ref = QLineEdit()
        self.parquet_ref.setObjectName("parquetRef")
        self.parquet_ref.setPlaceholderText("référence")
        self.parquet_ref.setMinimumWidth(64)
        self.parquet_date = _date_edit(today)
        self.parquet_date.setObjectName("parquetDate")
        parquet_row.addWidget(self.parquet_enabled)
        parquet_row.addWidget(self.parquet_ref, 1)
        parquet_row.addWidget(QLabel("du"))
        parquet_row.addWidget(self.parquet_date)
        parquet_label = QLabel("Pa&rquet :")
        parquet_label.setBuddy(self.parquet_enabled)
        form.addRow(parquet_label, parquet_row)
        outer.addLayout(form)
        self._sync_parquet()

        self.procedure.currentIndexChanged.connect(lambda _i: self.changed.emit())
        self.numero.textChanged.connect(lambda _t: self.changed.emit())
        self.date.dateChanged.connect(lambda _d: self.changed.emit())
        self.parquet_enabled.toggled.connect(self._on_parquet_toggled)
        self.parquet_ref.textChanged.connect(lambda _t: self.changed.emit())
        self.parquet_date.dateChanged.connect(lambda _d: self.changed.emit())

    def _sync_parquet(self) -> None:
        on = self.parquet_enabled.isChecked()
        self.parquet_ref.setEnabled(on)
        self.parquet_date.setEnabled(on)

    def _on_parquet_toggled(self, _checked: bool) -> None:
        self._sync_parquet()
        self.changed.emit()

    def attestation(self) -> Attestation | None:
        data = self.procedure.currentData()  # Qt hands enum members back as plain str
        numero = self.numero.text().strip()
        if not data or not numero:
            return None
        return Attestation(ProcedureType(data), numero, _to_date(self.date.date()))

    def parquet(self) -> ParquetAuthorisation | None:
        reference = self.parquet_ref.text().strip()
        if not self.parquet_enabled.isChecked() or not reference:
            return None
        return ParquetAuthorisation(reference, _to_date(self.parquet_date.date()))

    def clear(self) -> None:
        self.procedure.setCurrentIndex(0)
        self.numero.clear()
        self.parquet_enabled.setChecked(False)
        self.parquet_ref.clear()
