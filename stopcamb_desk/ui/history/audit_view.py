"""« Journal d'audit » (administrators): the audit events with filters, lazily loaded."""

from __future__ import annotations

import json
from typing import Any

from PySide6.QtCore import Slot
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from stopcamb_desk.domain.roles import Principal
from stopcamb_desk.domain.status import audit_action_label
from stopcamb_desk.models.db import Database
from stopcamb_desk.services import audit_alerts
from stopcamb_desk.services.audit_journal import AuditFilter, AuditRow, audit_page
from stopcamb_desk.ui.history.model import Column, LazyTableModel
from stopcamb_desk.ui.tasks import TaskRunner

AUDIT_COLUMNS: tuple[Column[AuditRow], ...] = (
    Column("N°", lambda r: str(r.id)),
    Column("Date", lambda r: r.at.astimezone().strftime("%d/%m/%Y %H:%M:%S")),
    Column("Acteur", lambda r: r.actor),
    Column("Action", lambda r: audit_action_label(r.action), lambda r: r.action),
    Column("Objet", lambda r: f"{r.object_type} {r.object_id}".strip()),
    Column(
        "Détails",
        lambda r: json.dumps(r.details, ensure_ascii=False) if r.details else "",
        lambda r: json.dumps(r.details, ensure_ascii=False, indent=2),
    ),
)


class AuditView(QWidget):
    def __init__(
        self,
        db: Database,
        principal: Principal,
        runner: TaskRunner,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._db = db
        self._principal = principal
        self.model: LazyTableModel[AuditRow] = LazyTableModel(
            AUDIT_COLUMNS, lambda r: r.id, runner, parent=self
        )
        self._runner = runner
        self.actor = QLineEdit()
        self.actor.setPlaceholderText("Acteur (identifiant)")
        self.action = QLineEdit()
        self.action.setPlaceholderText("Action (ex. envoi)")
        self.search = QLineEdit()
        self.search.setPlaceholderText("Rechercher dans l'objet et les détails…")
        for edit in (self.actor, self.action, self.search):
            edit.editingFinished.connect(self.apply_filters)
        self.verify_button = QPushButton("Vérifier l'intégrité")
        self.verify_button.clicked.connect(self.verify_chain)
        self.verdict = QLabel("")
        self.verdict.setObjectName("auditVerdict")
        bar = QHBoxLayout()
        bar.addWidget(self.actor)
        bar.addWidget(self.action)
        bar.addWidget(self.search, 1)
        bar.addWidget(self.verify_button)
        self.table = QTableView()
        self.table.setObjectName("auditTable")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(
            len(AUDIT_COLUMNS) - 1, QHeaderView.ResizeMode.Stretch
        )
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.verdict)
        self.apply_filters()

    @Slot()
    def apply_filters(self) -> None:
        flt = AuditFilter(
            actor=self.actor.text().strip() or None,
            action=self.action.text().strip() or None,
            text=self.search.text().strip() or None,
        )
        db, principal = self._db, self._principal

        def fetch(cursor: Any, limit: int) -> tuple[Any, Any]:
            page = audit_page(db, principal, flt, cursor, limit)
            return page.rows, page.next_cursor

        self.model.set_query(fetch)

    @Slot()
    def verify_chain(self) -> None:
        def check() -> Any:
            with self._db.session() as session:
                return audit_alerts.verify(session)

        def show(report: Any) -> None:
            advice = "" if report.ok else " Prévenez l'administrateur de la base."
            self.verdict.setText(report.summary + advice)

        self._runner.run_db(check, show, lambda exc: self.verdict.setText(str(exc)), owner=self)
