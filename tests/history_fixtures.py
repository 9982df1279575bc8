"""Test data for the history tests: operators and alerts written straight into the database."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

from outbox_fixtures import add_operator  # noqa: F401  (one way to create test operators)

from stopcamb_desk.domain.roles import Principal
from stopcamb_desk.models import Alert, AlertAttempt
from stopcamb_desk.models.db import Database

T0 = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)


def add_alert(
    db: Database,
    author: Principal,
    *,
    departement: str | None = "74",
    text: str = "MEYTHET, nombreux cambriolages dans les maisons en fin de journée.",
    status: str = "envoyee",
    minutes: float = 0,
    exercise: bool = False,
    kind: str = "operationnel",
    replaces: int | None = None,
    sequence: int = 0,
    attempts: list[dict[str, Any]] | None = None,
    payload: dict[str, Any] | None = None,
) -> int:
    created = T0 + timedelta(minutes=minutes)
    base = "national" if departement is None else f"dep_{departement}"
    topic = ("exercice_" + base) if exercise else base
    with db.session() as session:
        alert = Alert(
            created_at=created,
            updated_at=created,
            kind=kind,
            exercise=exercise,
            departement=departement,
            topic=topic,
            replacement_key="stopcamb_" + topic,
            sequence=sequence,
            text=text,
            author_id=author.operator_id,
            status=status,
            procedure_type="plainte",
            procedure_number="2026/00123",
            procedure_date=created.date(),
            verdict_json=json.dumps({"ok": True, "regles": []}),
            payload_json=json.dumps(payload or {"message": {"topic": topic}}),
            replaces_id=replaces,
            sent_at=created + timedelta(seconds=1) if status != "en_attente" else None,
            fcm_message_id=f"projects/p/messages/{minutes}" if status == "envoyee" else None,
            attempts=[AlertAttempt(at=created, **a) for a in (attempts or [])],
        )
        session.add(alert)
        session.flush()
        return alert.id
