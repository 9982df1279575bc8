"""Where an attempt leaves an alert: accepted (what the phones show), retried, stopped by a
newer alert of its topic, failed, or back in the queue when its sender lost its turn.

Each function writes the attempt (``alert_attempts``), the new status and its audit event in
the caller's transaction; the caller holds the outbox lock. The transitions obey the per-topic
order of :mod:`stopcamb_desk.domain.lifecycle`.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from stopcamb_desk.domain.lifecycle import superseded_message
from stopcamb_desk.models.round_trips import first_rows, insert_later
from stopcamb_desk.push.gateway import PushError, TransientPushError
from stopcamb_desk.push.payload import is_retraction, payload_from_json
from stopcamb_desk.services import audit
from stopcamb_desk.services import outbox_sql as sql
from stopcamb_desk.services.outbox_journal import Acceptance
from stopcamb_desk.services.outbox_policy import (
    LEASE_LOST_MESSAGE,
    Claimed,
    Outcome,
    RetryPolicy,
)


def insert_attempt(
    session: Session,
    alert_id: int,
    *,
    at: datetime,
    desk: str,
    outcome: str,
    http_status: int | None = None,
    error: str | None = None,
    message_id: str | None = None,
) -> None:
    """One row of ``alert_attempts`` (every attempt is kept, whatever the status becomes),
    sent with the transaction's next statement or its COMMIT."""
    insert_later(
        session,
        sql.INSERT_ATTEMPT,
        {
            "alert_id": alert_id,
            "at": at,
            "desk": desk,
            "outcome": outcome,
            "http_status": http_status,
            "error": error,
            "message_id": message_id,
        },
    )


def attempt_outcome(error: PushError) -> str:
    if isinstance(error, TransientPushError):
        return "incertain" if error.maybe_delivered else "transitoire"
    return "definitif"


def current_status(session: Session, alert_id: int) -> str:
    return str(session.scalar(sql.CURRENT_STATUS, {"b_id": alert_id}))


def set_live(session: Session, claimed: Claimed, status: str, now: datetime, **values: Any) -> str:
    """Move ``claimed`` to ``status`` if its answer still applies (``envoi``/``a_verifier``);
    returns the status it has now."""
    params = {"b_id": claimed.id, "b_status": status, "b_now": now, "b_next": None}
    params.update(values)
    row = session.execute(sql.SET_LIVE, params).first()
    return str(row[0]) if row else current_status(session, claimed.id)


def return_lost_turn(
    session: Session, claimed: Claimed, *, desk: str, now: datetime
) -> tuple[Outcome, bool]:
    """The sender lost ``claimed`` (lease over, or another process took it) before any call to
    FCM: back in the queue, or « remplacée avant envoi » if a newer alert of its topic took its
    place — even if recovery meanwhile said « à vérifier ». Returns the outcome and whether
    this call changed the alert (False: others moved it on, theirs is the record)."""
    status, version = session.execute(sql.CURRENT_STATUS_VERSION, {"b_id": claimed.id}).one()
    insert_attempt(
        session, claimed.id, at=now, desk=desk, outcome="non_envoye", error=LEASE_LOST_MESSAGE
    )
    expected = (claimed.version, claimed.version + 1)  # + 1: recovered meanwhile
    if status not in sql.LIVE or version not in expected:
        return Outcome(claimed.id, str(status)), False
    newer = sql.newer_blocking(session, claimed.topic, claimed.sequence)
    back = "remplacee_attente" if newer is not None else "en_attente"
    message = superseded_message(newer) if newer is not None else LEASE_LOST_MESSAGE
    status = set_live(session, claimed, back, now, b_next=now, b_error=message)
    audit.record(
        session,
        audit.SYSTEM_ACTOR,
        "remplacee_attente" if back == "remplacee_attente" else "renvoi",
        "alerte",
        claimed.id,
        {"raison": "tour perdu avant l'envoi", "par": newer},
        at=now,
    )
    return Outcome(claimed.id, status, error=message), True


def record_failure(
    session: Session,
    claimed: Claimed,
    error: PushError,
    now: datetime,
    *,
    desk: str,
    policy: RetryPolicy,
    rng: random.Random,
    ttl_hours: int,
) -> Outcome:
    """FCM refused ``claimed`` or could not be reached: retried with backoff within the push
    lifetime, stopped if a newer alert of its topic is queued, « à vérifier » if it may have
    been shown, else « échec »."""
    insert_attempt(
        session,
        claimed.id,
        at=now,
        desk=desk,
        outcome=attempt_outcome(error),
        http_status=error.http_status,
        error=error.message,
    )
    expires = claimed.created_at + timedelta(hours=ttl_hours)
    if isinstance(error, TransientPushError):
        newer = sql.newer_blocking(session, claimed.topic, claimed.sequence)
        if newer is not None and error.maybe_delivered:
            # The request may have reached FCM: possibly shown, then covered by the newer
            # one. Never « not sent »: « à vérifier », and never resent (not the head).
            message = (
                f"{error.message} Une alerte plus récente (n° {newer}) a pris sa place : "
                "celle-ci a peut-être été affichée, puis remplacée par elle."
            )
            status = set_live(session, claimed, "a_verifier", now, b_error=message)
            if status == "a_verifier":
                audit.record(
                    session, audit.SYSTEM_ACTOR, "a_verifier", "alerte", claimed.id, at=now
                )
            return Outcome(claimed.id, status, error=message)
        if newer is not None:  # a newer alert took its place while it was in flight
            message = superseded_message(newer)
            status = set_live(session, claimed, "remplacee_attente", now, b_error=message)
            if status == "remplacee_attente":
                audit.record(
                    session,
                    audit.SYSTEM_ACTOR,
                    "remplacee_attente",
                    "alerte",
                    claimed.id,
                    {"par": newer, "erreur": error.message},
                    at=now,
                )
            return Outcome(claimed.id, status, error=message)
        delay = policy.delay(claimed.attempt_count, error.retry_after, rng)
        when = now + timedelta(seconds=delay)
        if claimed.attempt_count < policy.max_attempts and when < expires:
            local = when.astimezone().strftime("%H:%M:%S")
            message = f"{error.message} Prochain essai à {local}."
            status = set_live(session, claimed, "en_attente", now, b_next=when, b_error=message)
            return Outcome(
                claimed.id,
                status,
                error=message,
                next_attempt_at=when if status == "en_attente" else None,
            )
        why = (
            f"après {claimed.attempt_count} tentatives"
            if when < expires
            else "la durée de vie du push serait dépassée avant le prochain essai"
        )
        message = f"Envoi abandonné ({why}). Dernière erreur : {error.message}"
    else:
        message = error.message
    status = set_live(session, claimed, "echec", now, b_error=message)
    if status == "echec":
        audit.record(
            session,
            audit.SYSTEM_ACTOR,
            "echec",
            "alerte",
            claimed.id,
            {"erreur": message, "http": error.http_status, "code": error.fcm_code},
            at=now,
        )
    return Outcome(claimed.id, status, error=message)


def _accept_params(
    acceptance: Acceptance,
    topic: str,
    withdrawn: int | None,
    applies: frozenset[str] | tuple[str, ...],
) -> dict[str, Any]:
    return {
        "b_id": acceptance.alert_id,
        "b_topic": topic,
        "b_now": acceptance.at,
        "b_message_id": acceptance.message_id,
        "b_withdrawn": withdrawn,
        "b_from": sorted(applies),
    }


def _accept(session: Session, statement: Any, params: dict[str, Any]) -> str | None:
    """The alert's status once the acceptance applied, None if it does not apply (any more)."""
    row = session.execute(statement, params).first()
    if row is None:
        return None
    audit.know_head(session, row.head_id, row.head_mac)
    return str(row.status)


def _accept_claimed(
    session: Session, params: dict[str, Any]
) -> tuple[str | None, list[tuple[int, str]] | None]:
    """:data:`~.outbox_sql.ACCEPT_CLAIMED`: the alert's status (None if the claim's answer does
    not apply any more) and, on PostgreSQL, the others of its topic it retired (None: still to
    be retired), in one statement sent with the transaction's opening."""
    if session.get_bind().dialect.name != "postgresql":
        return _accept(session, sql.ACCEPT_CLAIMED, params), None
    rows = first_rows(session, sql.ACCEPT_CLAIMED_RETIRING, params)
    if not rows:
        return None, None
    audit.know_head(session, rows[0].head_id, rows[0].head_mac)
    retired = [(int(r.retired_id), str(r.retired_status)) for r in rows if r.retired_id]
    return str(rows[0].status), sorted(retired)


def record_acceptance(
    session: Session,
    acceptance: Acceptance,
    *,
    from_journal: bool = False,
    claimed: Claimed | None = None,
) -> Outcome:
    """FCM accepted ``acceptance``: the alert is what the phones show (``envoyee``), the others
    of its topic shown before are replaced or withdrawn; the attempt, with FCM's message id,
    and an audit event are written. Idempotent per message id (the journal replays it).

    A live answer applies to an alert still ``envoi``/``a_verifier``; a journaled one to any
    alert not yet accepted since (otherwise it is recorded as a further acceptance). A live
    answer to ``claimed`` whose row is still at the claim's version (nothing recorded it, no
    one touched it since) is applied from what the claim read, without reading the row again."""
    status = None
    retired = None  # the others of the topic retired, once they are
    recorded_id: str | None = None  # the message id the row held before, when read
    if claimed is not None and not from_journal:
        params = _accept_params(acceptance, claimed.topic, claimed.withdrawn_id, sql.LIVE)
        params |= {"b_version": claimed.version, "b_gateway": claimed.gateway}
        status, retired = _accept_claimed(session, params)
    if status is None:
        alert = session.execute(
            sql.ACCEPTANCE_ROW,
            {"b_id": acceptance.alert_id, "b_message_id": acceptance.message_id},
        ).one()
        if alert.already:
            return Outcome(acceptance.alert_id, str(alert.status), acceptance.message_id)
        payload = payload_from_json(alert.payload_json)
        withdrawn = alert.replaces_id if is_retraction(payload) else None
        applies = sql.JOURNAL_APPLIES if from_journal else sql.LIVE
        params = _accept_params(acceptance, alert.topic, withdrawn, applies)
        params["b_gateway"] = alert.gateway
        status = _accept(session, sql.ACCEPT_LATE if from_journal else sql.ACCEPT_LIVE, params)
        recorded_id = alert.fcm_message_id
    others: list[tuple[int, str]] = []
    kept_id: str | None = acceptance.message_id
    if status is None:  # accepted again, or changed by an operator or another desk meanwhile
        status = current_status(session, acceptance.alert_id)
        kept_id = recorded_id
    elif retired is not None:
        others = retired
    elif status == "envoyee":
        others = [(int(i), str(s)) for i, s in session.execute(sql.RETIRE_OTHERS, params)]
    insert_attempt(
        session,
        acceptance.alert_id,
        at=acceptance.at,
        desk=acceptance.desk,
        outcome="journal" if from_journal else "succes",
        message_id=acceptance.message_id,
    )
    audit.record(
        session,
        audit.SYSTEM_ACTOR,
        "acceptee",
        "alerte",
        acceptance.alert_id,
        {
            "message_id": acceptance.message_id,
            "poste": acceptance.desk,
            "simulation": acceptance.simulated,
            "statut": str(status),
            "identifiant_retenu": kept_id,
            "envoyee_le": acceptance.at.isoformat() if kept_id == acceptance.message_id else None,
            "remplacees": [i for i, s in others if s == "remplacee"],
            "retiree": next((i for i, s in others if s == "retiree"), None),
            "depuis_journal": from_journal,
        },
        at=acceptance.at,
    )
    return Outcome(
        acceptance.alert_id,
        str(status),
        acceptance.message_id,
        simulated=acceptance.simulated,
        others=tuple(others),
    )
