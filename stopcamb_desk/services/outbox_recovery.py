"""Recovery, run by every process that opens the database and often by the sender: what the
acceptance journal holds is recorded, and sends whose desk died become « à vérifier »."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy import select

from stopcamb_desk.domain.lifecycle import MAX_LEASE_SECONDS
from stopcamb_desk.models import Alert, utcnow
from stopcamb_desk.models.db import Database
from stopcamb_desk.services import audit
from stopcamb_desk.services import outbox_sql as sql
from stopcamb_desk.services.outbox_journal import AcceptJournal
from stopcamb_desk.services.outbox_outcome import insert_attempt, record_acceptance
from stopcamb_desk.services.outbox_policy import CRASH_MESSAGE, desk_name

log = logging.getLogger(__name__)

# How far apart two desks' clocks may be before a lease looks impossible.
CLOCK_TOLERANCE_SECONDS = 300.0


def recover(
    db: Database,
    journal: AcceptJournal,
    *,
    clock: Callable[[], datetime] = utcnow,
    desk: str | None = None,
) -> list[int]:
    """1. the acceptances the journal holds (FCM answered, the database was cut) are recorded,
       in acceptance order;
    2. ``envoi`` rows whose lease expired become ``a_verifier`` (the desk that claimed them
       died before FCM's answer): shown to the operator, never re-sent silently.

    Returns the ids that became « à vérifier »."""
    try:
        pending = journal.pending()
    except OSError as exc:  # an unreadable journal must not stop the desk (logged)
        log.error("Journal des envois illisible (%s) : rien n'en est repris", exc.strerror)
        pending = []
    for acceptance in pending:
        with sql.outbox_session(db) as session:
            exists = session.scalar(select(Alert.id).where(Alert.id == acceptance.alert_id))
            if exists is not None:
                record_acceptance(session, acceptance, from_journal=True)
        with contextlib.suppress(OSError):
            journal.recorded(acceptance)
    now = clock()
    with sql.outbox_session(db) as session:
        statement = sql.recover_statement(db.dialect == "postgresql")
        beyond = now + timedelta(seconds=MAX_LEASE_SECONDS + CLOCK_TOLERANCE_SECONDS)
        params = {"b_now": now, "b_beyond": beyond, "b_error": CRASH_MESSAGE}
        ids = sorted(session.scalars(statement, params))
        for alert_id in ids:
            insert_attempt(
                session,
                alert_id,
                at=now,
                desk=desk or desk_name(),
                outcome="inconnu",
                error=CRASH_MESSAGE,
            )
            audit.record(session, audit.SYSTEM_ACTOR, "a_verifier", "alerte", alert_id, at=now)
    return ids
