"""The outbox's one lock and its hot SQL statements, built once with bound parameters.

Building ORM statements per call (aliases, ORM bulk-update plugin) cost several milliseconds
per alert on the desk's 2-core machines, more than the FCM request itself; these statements
are compiled once and reused (``bench/send.py`` measures the whole path).
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Iterator
from typing import Any

from sqlalchemy import (
    and_,
    bindparam,
    case,
    exists,
    func,
    insert,
    or_,
    select,
    text,
    true,
    update,
)
from sqlalchemy.orm import Session

from stopcamb_desk.domain.lifecycle import STOPPED_BY_NEWER
from stopcamb_desk.domain.status import BLOCKS_OLDER_STATUSES
from stopcamb_desk.models import Alert, AlertAttempt
from stopcamb_desk.models.db import Database
from stopcamb_desk.services import audit


def lock_outbox(session: Session) -> None:
    """The one lock of every outbox write (claim, enqueue, outcome, recovery, resend), taken
    in the caller's transaction: SQLite's write lock (``BEGIN IMMEDIATE``), PostgreSQL's
    audit-chain advisory lock — the audit event written in the same transaction reuses it."""
    if session.get_bind().dialect.name == "sqlite":
        session.execute(text("BEGIN IMMEDIATE"))
    audit.lock_chain(session)  # on SQLite, notes that the write lock covers the chain


@contextlib.contextmanager
def outbox_session(db: Database) -> Iterator[Session]:
    """A new transaction under the outbox lock (:func:`lock_outbox`), taken as it opens: on
    PostgreSQL in the round trip of its ``BEGIN`` — two round trips less for every send."""
    postgresql = db.dialect == "postgresql"
    with db.session(opening=audit.PG_LOCK_SQL if postgresql else "BEGIN IMMEDIATE") as session:
        audit.chain_locked(session)
        yield session


T: Any = Alert.__table__
ATTEMPTS: Any = AlertAttempt.__table__
LIVE = ("envoi", "a_verifier")  # an attempt's answer still applies to these
# A journaled acceptance (FCM answered, the database was cut) applies to an alert in any status
# it may have reached since without being accepted.
JOURNAL_APPLIES = frozenset({"en_attente", "envoi", "a_verifier", "echec", "remplacee_attente"})

_next_sequence = (
    select(func.coalesce(func.max(T.c.sequence), 0) + 1)
    .where(T.c.topic == bindparam("b_topic"))
    .scalar_subquery()
)
# Planned messages whose time has come (``schedule.release_due`` queues or expires them).
PLANNED_DUE = and_(T.c.status == "programmee", T.c.scheduled_for <= bindparam("b_now"))
_planned_due = select(T.c.id).where(PLANNED_DUE).limit(1).scalar_subquery()
# Whether the topic holds an alert a newer one would stop (``STOP_OLDER``, same columns bound:
# one seek of ix_alerts_topic_status): mostly none, and the update is then not sent at all.
_STOPPABLE = and_(
    T.c.topic == bindparam("b_topic"),
    T.c.status.in_(sorted(STOPPED_BY_NEWER)),
    T.c.gateway == bindparam("b_gateway"),
)
_stoppable = select(T.c.id).where(_STOPPABLE).limit(1).scalar_subquery()


def in_flight_of_topic(topic: Any, other_than: Any = None) -> Any:
    """Whether an alert of ``topic`` (other than ``other_than``) is in flight: while one is,
    no other alert of the topic is handed to FCM (per-topic order, domain/lifecycle.py). One
    seek of ix_alerts_topic_status."""
    in_flight = T.alias("in_flight_of_topic")
    where = [in_flight.c.topic == topic, in_flight.c.status == "envoi"]
    if other_than is not None:
        where.append(in_flight.c.id != other_than)
    return exists().where(*where)


@functools.cache
def enqueue_preamble(postgresql: bool) -> Any:
    """What queuing an alert reads first, under the outbox lock, in one round trip: whether a
    planned message fell due (``schedule.release_due`` then runs), the new alert's id and its
    place in its topic's order (its exact request body names both, so the row is inserted
    whole), whether an older alert of its topic waits to be stopped, whether one is in flight
    (if not, the newest alert of its topic may go at once: « Envoyer maintenant » inserts it
    claimed), and the audit chain's head (see ``audit.know_head``). The id is the serial's next
    value on PostgreSQL; on SQLite, under its write lock, the next rowid as SQLite would pick
    it."""
    next_id = (
        func.nextval(func.pg_get_serial_sequence("alerts", "id"))
        if postgresql
        else select(func.coalesce(func.max(T.c.id), 0) + 1).scalar_subquery()
    )
    return select(
        _planned_due.label("planned_due"),
        next_id.label("next_id"),
        _next_sequence.label("next_sequence"),
        _stoppable.label("stoppable"),
        in_flight_of_topic(bindparam("b_topic")).label("in_flight"),
        audit.HEAD_ID.label("head_id"),
        audit.HEAD_MAC.label("head_mac"),
    )


# The topic's next place (a planned message released into it takes one).
NEXT_SEQUENCE = select(_next_sequence)

INSERT_ALERT = insert(T)

INSERT_ATTEMPT = insert(ATTEMPTS)

# What an acceptance needs of its alert, and whether this FCM message id is already recorded
# (the journal replays acceptances: recording one is idempotent per message id).
ACCEPTANCE_ROW = select(
    T.c.topic,
    T.c.status,
    T.c.payload_json,
    T.c.replaces_id,
    T.c.fcm_message_id,
    T.c.gateway,
    select(func.count())
    .select_from(ATTEMPTS)
    .where(
        ATTEMPTS.c.alert_id == bindparam("b_id"),
        ATTEMPTS.c.message_id == bindparam("b_message_id"),
    )
    .scalar_subquery()
    .label("already"),
).where(T.c.id == bindparam("b_id"))

# A newly queued alert stops the older ones of its topic that were never accepted (all of its
# database's mode, see ``outbox_payload.check_mode``). Every column of ix_alerts_topic_status
# is bound, so that no planner walks the topic's history by (topic, sequence) instead.
STOP_OLDER = (
    update(T)
    .where(_STOPPABLE, T.c.sequence < bindparam("b_seq"))
    .values(
        status="remplacee_attente",
        next_attempt_at=None,
        last_error=bindparam("b_error"),
        updated_at=bindparam("b_now"),
        version=T.c.version + 1,
    )
    .returning(T.c.id)
)

# The newest alert of the topic that forbids handing an older one to FCM.
NEWER_BLOCKING = select(func.max(T.c.id)).where(
    T.c.topic == bindparam("b_topic"),
    T.c.sequence > bindparam("b_seq"),
    T.c.status.in_(sorted(BLOCKS_OLDER_STATUSES)),
)


def newer_blocking(session: Session, topic: str, sequence: int) -> int | None:
    """The newest alert of ``topic`` after ``sequence`` that forbids sending an older one."""
    found = session.scalar(NEWER_BLOCKING, {"b_topic": topic, "b_seq": sequence})
    return int(found) if found is not None else None


# What FCM accepted last is on the phones. A live answer is by definition the latest
# acceptance of its topic (one request of a topic in flight at a time): « envoyee », whatever
# the desks' clocks say. A journaled answer recorded late takes its place by its time: it is
# « remplacee » if another alert of the topic was accepted after it.
_other = T.alias("other")
_shown_later = exists().where(
    _other.c.topic == bindparam("b_topic"),
    _other.c.id != bindparam("b_id"),
    _other.c.status == "envoyee",
    _other.c.sent_at > bindparam("b_now"),
)


def _accept(status: Any) -> Any:
    return (
        update(T)
        .where(T.c.id == bindparam("b_id"), T.c.status.in_(bindparam("b_from", expanding=True)))
        .values(
            status=status,
            fcm_message_id=bindparam("b_message_id"),
            sent_at=bindparam("b_now"),
            last_error=None,
            next_attempt_at=None,
            updated_at=bindparam("b_now"),
            version=T.c.version + 1,
        )
        # With the audit chain's head, read under the outbox lock: the acceptance's event
        # follows it without another read (``audit.know_head``).
        .returning(T.c.status, audit.HEAD_ID.label("head_id"), audit.HEAD_MAC.label("head_mac"))
    )


ACCEPT_LIVE = _accept("envoyee")
# A live answer to a claim whose row is exactly as the claim left it.
ACCEPT_CLAIMED = ACCEPT_LIVE.where(T.c.version == bindparam("b_version"))
ACCEPT_LATE = _accept(case((_shown_later, "remplacee"), else_="envoyee"))

# The alerts of the topic shown (or possibly shown: « à vérifier ») before leave the phones:
# replaced, or withdrawn by a retraction. The same tag covers them on every phone.
# Two index seeks, by (topic, status) and by the primary key, each arm whole (a condition
# common to both, such as the gateway, would let a planner walk its index instead): the
# topic's replaced alerts, thousands after a year, are never read.
RETIRE_OTHERS = (
    update(T)
    .where(
        or_(
            and_(
                T.c.topic == bindparam("b_topic"),
                T.c.status.in_(("envoyee", "a_verifier")),
                T.c.id != bindparam("b_id"),
                T.c.gateway == bindparam("b_gateway"),
            ),
            and_(
                T.c.id == bindparam("b_withdrawn"),
                T.c.topic == bindparam("b_topic"),
                T.c.status == "remplacee",
                T.c.gateway == bindparam("b_gateway"),
            ),
        )
    )
    .values(
        status=case((T.c.id == bindparam("b_withdrawn"), "retiree"), else_="remplacee"),
        updated_at=bindparam("b_now"),
        version=T.c.version + 1,
    )
    .returning(T.c.id, T.c.status)
)

# PostgreSQL: the live answer to a claim and the retirement of the others of its topic in one
# statement (data-modifying CTEs, which SQLite lacks): the others are retired only if the
# claim was accepted; one row per alert retired (or one with none), after the accepted alert's
# status and the chain's head.
_accepted = ACCEPT_CLAIMED.cte("accepted")
_retired = RETIRE_OTHERS.where(exists(select(_accepted.c.status))).cte("retired")
ACCEPT_CLAIMED_RETIRING = select(
    _accepted.c.status,
    _accepted.c.head_id,
    _accepted.c.head_mac,
    _retired.c.id.label("retired_id"),
    _retired.c.status.label("retired_status"),
).select_from(_accepted.outerjoin(_retired, true()))

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

# Queued alerts past their push lifetime (no sender ran for a day): stale, never sent.
EXPIRE_STALE = (
    update(T)
    .where(
        T.c.status == "en_attente",
        T.c.gateway == bindparam("b_gateway"),
        func.coalesce(T.c.scheduled_for, T.c.created_at) < bindparam("b_oldest"),
    )
    .values(
        status="echec",
        next_attempt_at=None,
        last_error=bindparam("b_error"),
        updated_at=bindparam("b_now"),
        version=T.c.version + 1,
    )
    .returning(T.c.id)
)

CURRENT_STATUS = select(T.c.status).where(T.c.id == bindparam("b_id"))
CURRENT_STATUS_VERSION = select(T.c.status, T.c.version).where(T.c.id == bindparam("b_id"))

_CLAIMED_COLUMNS = (
    T.c.id,
    T.c.topic,
    T.c.sequence,
    T.c.replaces_id,
    T.c.attempt_count,
    # The push lifetime runs from when the alert entered its topic's order: a planned
    # message's planned time, else its creation.
    func.coalesce(T.c.scheduled_for, T.c.created_at),
    T.c.payload_json,
    T.c.version,
)


@functools.cache
def claim_statement(postgresql: bool, one: bool, limit: int) -> Any:
    """``UPDATE … WHERE id IN (due ids [FOR UPDATE SKIP LOCKED]) RETURNING …``."""
    # Per-topic order (domain/lifecycle.py): never while another alert of the topic is in
    # flight, never once a newer one is queued, in flight, possibly delivered or delivered.
    # Two seeks, never a walk through the topic's history: the topic's alerts in flight by
    # (topic, status); its newest alert that forbids older ones, read backwards from the top
    # of (topic, sequence) — the alert itself when it is the newest (it is « en attente »).
    newest = T.alias("newest_of_topic")
    newest_blocking = (
        select(newest.c.sequence)
        .where(
            newest.c.topic == T.c.topic,
            newest.c.status.in_(sorted(BLOCKS_OLDER_STATUSES)),
        )
        .order_by(newest.c.sequence.desc())
        .limit(1)
        .scalar_subquery()
    )
    blocked = or_(
        in_flight_of_topic(T.c.topic, other_than=T.c.id),
        func.coalesce(newest_blocking, T.c.sequence) > T.c.sequence,
    )
    due = select(T.c.id).where(
        T.c.status == "en_attente",
        # Only what was queued in this desk's mode: a simulating desk never « sends » a real
        # alert, a real desk never pushes a simulated one.
        T.c.gateway == bindparam("b_gateway"),
        or_(T.c.next_attempt_at.is_(None), T.c.next_attempt_at <= bindparam("b_now")),
        ~blocked,
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
            updated_at=bindparam("b_now"),
            version=T.c.version + 1,
        )
        .returning(*_CLAIMED_COLUMNS)
    )


@functools.cache
def recover_statement(postgresql: bool) -> Any:
    """``envoi`` rows whose lease expired → ``a_verifier``, returning their ids. A lease
    further ahead than any this desk could grant (``b_beyond``) was set by a desk whose clock
    runs fast: it does not hold the topic for hours."""
    stale = select(T.c.id).where(
        T.c.status == "envoi",
        or_(
            T.c.next_attempt_at < bindparam("b_now"),
            T.c.next_attempt_at > bindparam("b_beyond"),
        ),
    )
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
