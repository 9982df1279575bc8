"""Append-only audit trail chained by SHA-256: each event carries the previous event's hash.

``verify`` recomputes the chain and reports the first broken link, so a row modified, inserted
or deleted out of band is detected.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import insert, select, text
from sqlalchemy.orm import Session

from stopcamb_desk.models import AuditEvent, utcnow

GENESIS = "0" * 64
SYSTEM_ACTOR = "systeme"
# Arbitrary constant key for the PostgreSQL advisory lock serialising appends.
_PG_LOCK_KEY = 0x53544F50
_LOCKED_IN = "stopcamb_audit_lock"


def _canonical(event: AuditEvent) -> bytes:
    body = {
        "id": event.id,
        "at": event.at.isoformat(timespec="microseconds"),
        "actor": event.actor,
        "action": event.action,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "details": json.loads(event.details_json),
        "prev": event.prev_hash,
    }
    return json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def compute_hash(event: AuditEvent) -> str:
    return hashlib.sha256(_canonical(event)).hexdigest()


def lock_chain(session: Session) -> None:
    """Serialise appends to the chain until the transaction ends (PostgreSQL advisory lock).

    Taken once per transaction: callers that must also serialise other writes (the outbox's
    sequence numbers) take it first and :func:`record` then skips the extra round trip.
    """
    transaction = session.get_transaction()
    if transaction is not None and session.info.get(_LOCKED_IN) is transaction:
        return
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _PG_LOCK_KEY})
    session.info[_LOCKED_IN] = session.get_transaction()


def record(
    session: Session,
    actor: str,
    action: str,
    object_type: str = "",
    object_id: str | int = "",
    details: dict[str, Any] | None = None,
    at: datetime | None = None,
) -> AuditEvent:
    """Append one event in the caller's transaction (committed or rolled back with it)."""
    lock_chain(session)
    last = session.execute(
        select(AuditEvent.id, AuditEvent.hash).order_by(AuditEvent.id.desc()).limit(1)
    ).first()
    event = AuditEvent(
        id=(last.id + 1) if last else 1,
        at=at or utcnow(),
        actor=actor,
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        details_json=json.dumps(details or {}, sort_keys=True, ensure_ascii=False, default=str),
        prev_hash=last.hash if last else GENESIS,
        hash="",
    )
    event.hash = compute_hash(event)
    # A Core insert: the event is immutable, the ORM's unit of work would only add cost.
    session.execute(
        insert(AuditEvent),
        [
            {
                "id": event.id,
                "at": event.at,
                "actor": event.actor,
                "action": event.action,
                "object_type": event.object_type,
                "object_id": event.object_id,
                "details_json": event.details_json,
                "prev_hash": event.prev_hash,
                "hash": event.hash,
            }
        ],
    )
    return event


@dataclass(frozen=True, slots=True)
class ChainReport:
    ok: bool
    checked: int
    broken_at: int | None = None
    reason: str = ""


def verify_events(events: Iterable[AuditEvent]) -> ChainReport:
    prev_hash = GENESIS
    expected_id = 1
    count = 0
    for event in events:
        count += 1
        if event.id != expected_id:
            return ChainReport(False, count, event.id, f"événement manquant avant n° {event.id}")
        if event.prev_hash != prev_hash:
            return ChainReport(False, count, event.id, "chaînage rompu (hash précédent)")
        if compute_hash(event) != event.hash:
            return ChainReport(False, count, event.id, "contenu modifié après coup")
        prev_hash = event.hash
        expected_id += 1
    return ChainReport(True, count)


def verify(session: Session) -> ChainReport:
    result = session.execute(
        select(AuditEvent).order_by(AuditEvent.id).execution_options(yield_per=1000)
    )
    try:
        return verify_events(result.scalars())
    finally:
        result.close()
