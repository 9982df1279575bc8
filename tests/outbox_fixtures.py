"""Helpers for the outbox tests: operators, sendable drafts, a controllable clock."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from stopcamb_desk.domain.roles import Principal, Role
from stopcamb_desk.domain.rules.model import Attestation, MessageKind, ProcedureType, Verdict
from stopcamb_desk.models import Alert, AlertAttempt, AuditEvent, Operator, OperatorDepartement
from stopcamb_desk.models.db import Database
from stopcamb_desk.services.composer import Draft, validate_for_send

MEYTHET = (
    "MEYTHET, nombreux cambriolages dans les maisons, en fin de journée : prenez vos "
    "précautions et soyez vigilants, faites passer l'info !"
)
OTV = (
    "Vous partez en vacances ? Pensez à l'opération tranquillité vacances auprès de votre brigade."
)


def add_operator(
    db: Database, login: str, role: Role, departements: tuple[str, ...] = ()
) -> Principal:
    with db.session() as session:
        op = Operator(
            login=login,
            nom=login.upper(),
            role=role.value,
            password_hash="x",
            departement_links=[OperatorDepartement(departement=d) for d in departements],
        )
        session.add(op)
        session.flush()
        return Principal(op.id, login, login.upper(), role, departements)


def draft(departement: str | None = "74", text: str = MEYTHET, *, exercise: bool = False) -> Draft:
    if departement is None:
        return Draft(text=text, kind=MessageKind.PREVENTION, exercise=exercise)
    attestation = Attestation(ProcedureType.PLAINTE, "2026/00123", date(2026, 3, 1))
    return Draft(text=text, departement=departement, exercise=exercise, attestation=attestation)


def sendable(principal: Principal, d: Draft) -> tuple[Draft, Verdict]:
    return d, validate_for_send(principal, d, None, date(2026, 3, 2))


@dataclass
class Clock:
    """A UTC clock the test moves forward (instead of sleeping)."""

    now: datetime = field(default_factory=lambda: datetime.now(UTC).replace(microsecond=0))

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


def alert_row(db: Database, alert_id: int) -> Alert:
    with db.session() as session:
        alert = session.get(Alert, alert_id)
        assert alert is not None
        return alert


def attempts(db: Database, alert_id: int) -> list[AlertAttempt]:
    from sqlalchemy import select

    with db.session() as session:
        return list(
            session.scalars(
                select(AlertAttempt).where(AlertAttempt.alert_id == alert_id).order_by("id")
            )
        )


def audit_actions(db: Database, alert_id: int) -> list[str]:
    from sqlalchemy import select

    with db.session() as session:
        return list(
            session.scalars(
                select(AuditEvent.action)
                .where(AuditEvent.object_type == "alerte", AuditEvent.object_id == str(alert_id))
                .order_by(AuditEvent.id)
            )
        )


def all_audit_actions(db: Database) -> list[str]:
    """Every action of the audit log, oldest first."""
    from sqlalchemy import select

    with db.session() as session:
        return list(session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))


def count_alerts(db: Database, **where: object) -> int:
    from sqlalchemy import func, select

    query = select(func.count(Alert.id))
    for name, value in where.items():
        query = query.where(getattr(Alert, name) == value)
    with db.session() as session:
        return int(session.scalar(query) or 0)
