"""What an alert's audit events bind: its recorded content, in one canonical form.

The outbox writes :func:`recorded_content` into the alert's first audit event when it queues
the alert; ``audit verify`` recomputes it from the ``alerts`` row and compares (see
:mod:`.audit_alerts`). A text, target, kind, procedure or payload edited in the table by SQL
then no longer matches its authenticated event.
"""

from __future__ import annotations

import hashlib
from datetime import date, datetime
from typing import Any


def _day(value: date | None) -> str | None:
    return value.isoformat() if value is not None else None


def recorded_content(
    *,
    text: str,
    departement: str | None,
    kind: str,
    exercise: bool,
    topic: str,
    sequence: int,
    replaces_id: int | None,
    procedure_type: str | None,
    procedure_number: str | None,
    procedure_date: date | None,
    parquet_ref: str | None,
    parquet_date: date | None,
    payload_json: str,
    author_id: int,
    created_at: datetime,
) -> dict[str, Any]:
    """The content an alert's events authenticate (JSON-serialisable, key order irrelevant)."""
    return {
        "texte": text,
        "departement": departement,
        "type": kind,
        "exercice": bool(exercise),
        "topic": topic,
        "sequence": int(sequence),
        "remplace": replaces_id,
        "procedure": [procedure_type, procedure_number, _day(procedure_date)],
        "parquet": [parquet_ref, _day(parquet_date)],
        "empreinte_message": hashlib.sha256(payload_json.encode()).hexdigest(),
        "auteur": int(author_id),
        "creee_le": created_at.isoformat(),
    }


def content_of(alert: Any) -> dict[str, Any]:
    """:func:`recorded_content` of a stored ``Alert`` row."""
    return recorded_content(
        text=alert.text,
        departement=alert.departement,
        kind=alert.kind,
        exercise=alert.exercise,
        topic=alert.topic,
        sequence=alert.sequence,
        replaces_id=alert.replaces_id,
        procedure_type=alert.procedure_type,
        procedure_number=alert.procedure_number,
        procedure_date=alert.procedure_date,
        parquet_ref=alert.parquet_ref,
        parquet_date=alert.parquet_date,
        payload_json=alert.payload_json,
        author_id=alert.author_id,
        created_at=alert.created_at,
    )
