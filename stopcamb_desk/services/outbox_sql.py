"""The outbox's hot SQL statements, built once on the Core tables with bound parameters.

Building ORM statements per call (aliases, ORM bulk-update plugin) cost several milliseconds
per alert on the desk's 2-core machines, more than the FCM request itself; these statements
are compiled once and reused (``bench/send.py`` measures the whole path).
"""

from __future__ import annotations

import functools
from typing import Any

from sqlalchemy import and_, bindparam, case, exists, func, insert, or_, select, update

from stopcamb_desk.models import Alert, AlertAttempt

T: Any = Alert.__table__
ATTEMPTS: Any = AlertAttempt.__table__
SENT = ("envoyee", "remplacee", "retiree")
LIVE = ("envoi", "a_verifier")  # an attempt's answer still applies to these

_next_sequence = (
    select(func.coalesce(func.max(T.c.sequence), 0) + 1)
    .where(T.c.topic == bindparam("b_topic"))
    .scalar_subquery()
)
INSERT_ALERT = insert(T).values(sequence=_next_sequence).returning(T.c.id, T.c.sequence)

SET_PAYLOAD = (
    update(T).where(T.c.id == bindparam("b_id")).values(payload_json=bindparam("b_payload"))
)

INSERT_ATTEMPT = insert(ATTEMPTS)

_newer = T.alias("newer")
_shown_newer = exists().where(
    _newer.c.topic == bindparam("b_topic"),
    _newer.c.sequence > bindparam("b_seq"),
    _newer.c.status.in_(SENT),
)
ACCEPT = (
    update(T)
    .where(T.c.id == bindparam("b_id"), T.c.status.in_(LIVE))
    .values(
        status=case((_shown_newer, "remplacee"), else_="envoyee"),
        fcm_message_id=bindparam("b_message_id"),
        sent_at=bindparam("b_now"),
        last_error=None,
        next_attempt_at=None,
        updated_at=bindparam("b_now"),
        version=T.c.version + 1,
    )
    .returning(T.c.status)
)

# Older alerts of the topic leave the phones: replaced, or withdrawn by a retraction.
RETIRE_OLDER = (
    update(T)
    .where(
        T.c.topic == bindparam("b_topic"),
        T.c.sequence < bindparam("b_seq"),
        or_(
            T.c.status == "envoyee",
            and_(T.c.id == bindparam("b_withdrawn"), T.c.status == "remplacee"),
        ),
    )
    .values(
        status=case((T.c.id == bindparam("b_withdrawn"), "retiree"), else_="remplacee"),
        updated_at=bindparam("b_now"),
        version=T.c.version + 1,
    )
)

# PostgreSQL: the whole « accepted » write in one round trip (data-modifying CTEs run exactly
# once; the rows they touch are disjoint: this alert vs. older sequences of its topic).
_accept_cte = ACCEPT.cte("accepted")
_older_cte = RETIRE_OLDER.cte("older")
_attempt_cte = (
    insert(ATTEMPTS)
    .values(
        alert_id=bindparam("b_id"),
        at=bindparam("b_now"),
        outcome="succes",
        http_status=None,
        error=None,
        desk=bindparam("b_desk"),
    )
    .cte("attempt")
)
ACCEPT_ALL_PG = select(_accept_cte.c.status).add_cte(_older_cte).add_cte(_attempt_cte)

SET_LIVE = (
    update(T)
    .where(T.c.id == bindparam("b_id"), T.c.status.in_(LIVE))
    .values(
        status=bindparam("b_status"),
        next_attempt_at=bindparam("b_next"),
        last_error=bindparam("b_error"),
        updated_at=bindparam("b_now"),
        version=T.c.version + 1,
    )
    .returning(T.c.status)
)

CURRENT_STATUS = select(T.c.status).where(T.c.id == bindparam("b_id"))

_CLAIMED_COLUMNS = (
    T.c.id,
    T.c.topic,
    T.c.sequence,
    T.c.replaces_id,
    T.c.attempt_count,
    T.c.created_at,
    T.c.payload_json,
)


@functools.cache
def claim_statement(postgresql: bool, one: bool, limit: int) -> Any:
    """``UPDATE … WHERE id IN (due ids [FOR UPDATE SKIP LOCKED]) RETURNING …``."""
    due = select(T.c.id).where(
        T.c.status == "en_attente",
        or_(T.c.next_attempt_at.is_(None), T.c.next_attempt_at <= bindparam("b_now")),
    )
    if one:
        due = due.where(T.c.id == bindparam("b_id"))
    due = due.order_by(T.c.next_attempt_at, T.c.id).limit(limit)
    if postgresql:
        due = due.with_for_update(skip_locked=True)
    return (
        update(T)
        .where(T.c.id.in_(due.scalar_subquery()), T.c.status == "en_attente")
        .values(
            status="envoi",
            attempt_count=T.c.attempt_count + 1,
            next_attempt_at=bindparam("b_lease"),
            gateway=bindparam("b_gateway"),
            updated_at=bindparam("b_now"),
            version=T.c.version + 1,
        )
        .returning(*_CLAIMED_COLUMNS)
    )


@functools.cache
def recover_statement(postgresql: bool) -> Any:
    """``envoi`` rows whose lease expired → ``a_verifier``, returning their ids."""
    stale = select(T.c.id).where(T.c.status == "envoi", T.c.next_attempt_at < bindparam("b_now"))
    if postgresql:
        stale = stale.with_for_update(skip_locked=True)
    return (
        update(T)
        .where(T.c.id.in_(stale.scalar_subquery()), T.c.status == "envoi")
        .values(
            status="a_verifier",
            next_attempt_at=None,
            last_error=bindparam("b_error"),
            updated_at=bindparam("b_now"),
            version=T.c.version + 1,
        )
        .returning(T.c.id)
    )
