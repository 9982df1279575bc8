"""The durable outbox: an alert is committed before any network call, sent once, never lost.

Life cycle (``alerts.status``)::

    en_attente ──claim──▶ envoi ──accepted──▶ envoyee  (older ones: remplacee / retiree)
        ▲                   ├──transient──▶ en_attente (next_attempt_at = backoff, Retry-After)
        │                   ├──permanent / attempts exhausted──▶ echec
        │                   └──desk crashed (lease expired)──▶ a_verifier
        └──────────── « Renvoyer » (echec, a_verifier) ◀────────────┘

- :meth:`Outbox.enqueue` commits the alert ``en_attente`` with text, target, author,
  attestation, verdict and the exact FCM request body, plus its audit event, in one
  transaction; nothing touches the network.
- :meth:`Outbox.claim` moves due alerts ``en_attente → envoi`` under a row lock: PostgreSQL
  ``SELECT … FOR UPDATE SKIP LOCKED``; SQLite ``BEGIN IMMEDIATE`` (one writer at a time). Two
  desks never claim the same alert. The claim sets a lease (``next_attempt_at`` = now +
  ``lease_seconds``, far above the gateway's bounded request time).
- :meth:`Outbox.deliver` sends outside any transaction, then records the attempt and the
  outcome. Transient errors are rescheduled with exponential backoff and jitter, honouring
  ``Retry-After``, within ``max_attempts`` and the push lifetime; nothing sleeps here — the
  :class:`~stopcamb_desk.services.outbox_worker.OutboxWorker` thread (or the CLI) waits.
- :meth:`Outbox.recover` turns ``envoi`` rows whose lease expired (the sending desk died
  between claim and answer) into ``a_verifier``: shown to the operator, never re-sent silently.
  Re-sending is safe (same tag: the phone shows one notification).

``attempt_count`` counts the attempts of the current round (reset by « Renvoyer »);
``alert_attempts`` keeps every attempt.
"""

from __future__ import annotations

import json
import random
import threading
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from stopcamb_desk.domain.roles import Principal
from stopcamb_desk.domain.rules.model import MessageKind, Verdict
from stopcamb_desk.models import Alert, utcnow
from stopcamb_desk.models.db import Database
from stopcamb_desk.push.gateway import (
    PermanentPushError,
    PushError,
    PushGateway,
    SendResult,
    TransientPushError,
)
from stopcamb_desk.push.payload import AlertPush, build_payload, payload_from_json, payload_to_json
from stopcamb_desk.push.topics import replacement_key, topic_for
from stopcamb_desk.services import audit
from stopcamb_desk.services import outbox_sql as sql
from stopcamb_desk.services.composer import Draft, SendRefused, check_target
from stopcamb_desk.services.outbox_policy import (
    CRASH_MESSAGE,
    Claimed,
    OutboxError,
    Outcome,
    RetryPolicy,
    desk_name,
)
from stopcamb_desk.services.outbox_resend import requeue

__all__ = ["Claimed", "Outbox", "OutboxError", "Outcome", "RetryPolicy"]

CLAIM_BATCH = 10


class Outbox:
    """Thread-safe; ``deliver``/``process_due`` block on the network (call them off the GUI)."""

    def __init__(
        self,
        db: Database,
        gateway: PushGateway,
        *,
        ttl_hours: int = 24,
        policy: RetryPolicy | None = None,
        clock: Callable[[], datetime] = utcnow,
        rng: random.Random | None = None,
        desk: str | None = None,
    ) -> None:
        self.db = db
        self.gateway = gateway
        self.ttl_hours = ttl_hours
        self.policy = policy or RetryPolicy()
        self.clock = clock
        self.rng = rng or random.Random()
        self.desk = desk or desk_name()
        self._changed = threading.Condition()
        self._listeners: list[Callable[[int, str], None]] = []

    # -- notifications ------------------------------------------------------------------------
    def add_listener(self, callback: Callable[[int, str], None]) -> None:
        """``callback(alert_id, status)`` after each change, on the thread that made it."""
        self._listeners.append(callback)

    def _notify(self, alert_id: int, status: str) -> None:
        with self._changed:
            self._changed.notify_all()
        for callback in list(self._listeners):
            callback(alert_id, status)

    def wait_changed(self, timeout: float) -> None:
        """Block until this outbox changes an alert, or ``timeout`` seconds."""
        with self._changed:
            self._changed.wait(timeout)

    # -- locking ----------------------------------------------------------------------------
    @property
    def _postgresql(self) -> bool:
        return self.db.dialect == "postgresql"

    def _write_lock(self, session: Session, topic: str | None = None) -> None:
        """Serialise writers: SQLite takes its write lock now (``BEGIN IMMEDIATE``);
        PostgreSQL takes the audit chain's advisory lock when a sequence number is drawn —
        enqueues are human-paced, and one lock serves both the sequence and the audit event
        written in the same transaction (one round trip less than two locks)."""
        if not self._postgresql:
            session.execute(text("BEGIN IMMEDIATE"))
        elif topic is not None:
            audit.lock_chain(session)

    # -- enqueue ----------------------------------------------------------------------------
    def enqueue(
        self,
        principal: Principal,
        draft: Draft,
        verdict: Verdict,
        *,
        replaces_id: int | None = None,
        retraction: bool = False,
    ) -> int:
        """Commit the alert « en attente » with its exact payload and audit event; no network."""
        check_target(principal, draft)
        if not verdict.sendable:
            raise SendRefused("Envoi impossible : le contrôle des règles a bloqué ce texte.")
        body = verdict.text_to_send or draft.text
        departement = None if draft.kind is MessageKind.PREVENTION else draft.departement
        topic = topic_for(departement, exercise=draft.exercise)
        attestation, parquet = draft.attestation, draft.parquet
        now = self.clock()
        with self.db.session() as session:
            self._write_lock(session, topic)
            if replaces_id is not None:
                replaced_topic = session.scalar(select(Alert.topic).where(Alert.id == replaces_id))
                if replaced_topic != topic:
                    raise OutboxError(
                        f"L'alerte n° {replaces_id} n'existe pas ou vise un autre public : "
                        "elle ne peut pas être remplacée par celle-ci."
                    )
            row = session.execute(
                sql.INSERT_ALERT,
                {
                    "b_topic": topic,
                    "created_at": now,
                    "updated_at": now,
                    "kind": str(draft.kind),
                    "exercise": draft.exercise,
                    "departement": departement,
                    "topic": topic,
                    "replacement_key": replacement_key(topic),
                    "text": body,
                    "author_id": principal.operator_id,
                    "status": "en_attente",
                    "procedure_type": str(attestation.procedure) if attestation else None,
                    "procedure_number": attestation.numero if attestation else None,
                    "procedure_date": attestation.date if attestation else None,
                    "parquet_ref": parquet.reference if parquet else None,
                    "parquet_date": parquet.date if parquet else None,
                    "verdict_json": json.dumps(verdict.to_dict(), ensure_ascii=False),
                    "payload_json": "{}",
                    "replaces_id": replaces_id,
                    "attempt_count": 0,
                    "next_attempt_at": now,
                    "gateway": self.gateway.name,
                    "version": 1,
                },
            ).one()
            alert_id, sequence = int(row[0]), int(row[1])
            push = AlertPush(
                alert_id=alert_id,
                text=body,
                departement=departement,
                kind=str(draft.kind),
                sequence=sequence,
                replaces_id=replaces_id,
                exercise=draft.exercise,
                ttl_hours=self.ttl_hours,
                retraction=retraction,
            )
            payload = payload_to_json(build_payload(push, now=now))
            session.execute(sql.SET_PAYLOAD, {"b_id": alert_id, "b_payload": payload})
            action = "retrait" if retraction else "remplacement" if replaces_id else "envoi"
            audit.record(
                session,
                principal.login,
                action,
                "alerte",
                alert_id,
                {
                    "topic": topic,
                    "texte": body,
                    "attestation": attestation.label if attestation else None,
                    "parquet": parquet.label if parquet else None,
                    "remplace": replaces_id,
                    "passerelle": self.gateway.name,
                    "exercice": draft.exercise,
                },
                at=now,
            )
        self._notify(alert_id, "en_attente")
        return alert_id

    # -- claim --------------------------------------------------------------------------------
    def claim(self, alert_id: int | None = None, limit: int = CLAIM_BATCH) -> list[Claimed]:
        """Move due alerts ``en_attente → envoi`` (or just ``alert_id``) in one statement:
        ``UPDATE … WHERE id IN (SELECT … FOR UPDATE SKIP LOCKED) RETURNING …``. The new
        ``next_attempt_at`` is the claim's lease (see :meth:`recover`)."""
        now = self.clock()
        one = alert_id is not None
        statement = sql.claim_statement(self._postgresql, one, 1 if one else limit)
        params = {
            "b_now": now,
            "b_lease": now + timedelta(seconds=self.policy.lease_seconds),
            "b_gateway": self.gateway.name,
            "b_id": alert_id,
        }
        with self.db.session() as session:
            self._write_lock(session)
            rows = session.execute(statement, params).all()
        claimed = sorted(
            (Claimed(r[0], r[1], r[2], r[3], r[4], r[5], payload_from_json(r[6])) for r in rows),
            key=lambda c: c.id,
        )
        for c in claimed:
            self._notify(c.id, "envoi")
        return claimed

    # -- delivery -----------------------------------------------------------------------------
    def deliver(self, alert_id: int) -> Outcome | None:
        """Claim ``alert_id`` if due and send it; None if it was not ours to send."""
        claimed = self.claim(alert_id)
        return self.send_claimed(claimed[0]) if claimed else None

    def process_due(self, limit: int = CLAIM_BATCH) -> list[Outcome]:
        """Claim and send every due alert (oldest first)."""
        return [self.send_claimed(c) for c in self.claim(limit=limit)]

    def send_claimed(self, claimed: Claimed) -> Outcome:
        result: SendResult | PushError
        try:
            result = self.gateway.send(claimed.payload)
        except PushError as exc:
            result = exc
        except Exception as exc:  # a bug must not leave the alert « envoi » for ever
            result = PermanentPushError(
                f"Erreur inattendue pendant l'envoi ({exc.__class__.__name__}) : "
                "prévenez l'administrateur ; vous pouvez « Renvoyer »."
            )
        return self._finish(claimed, result)

    def _finish(self, claimed: Claimed, result: SendResult | PushError) -> Outcome:
        """Record the attempt and its outcome; retried on a write conflict, because losing
        this write would turn an accepted push into « à vérifier »."""
        from sqlalchemy.exc import OperationalError

        for attempt in range(4):
            try:
                with self.db.session() as session:
                    self._write_lock(session)
                    outcome = self._record(session, claimed, result)
                break
            except OperationalError:
                if attempt == 3:
                    raise
                self.wait_changed(0.05 * (attempt + 1))
        self._notify(claimed.id, outcome.status)
        return outcome

    def _record(
        self, session: Session, claimed: Claimed, result: SendResult | PushError
    ) -> Outcome:
        now = self.clock()
        if isinstance(result, SendResult):
            return self._accepted(session, claimed, result, now)
        transient = isinstance(result, TransientPushError)
        outcome = self._failed(session, claimed, result, now)
        attempt = {
            "alert_id": claimed.id,
            "at": now,
            "desk": self.desk,
            "outcome": "transitoire" if transient else "definitif",
            "http_status": result.http_status,
            "error": result.message,
        }
        session.execute(sql.INSERT_ATTEMPT, attempt)
        return outcome

    def _current(self, session: Session, alert_id: int) -> str:
        return str(session.scalar(sql.CURRENT_STATUS, {"b_id": alert_id}))

    def _accepted(
        self, session: Session, claimed: Claimed, result: SendResult, now: datetime
    ) -> Outcome:
        """Status ``envoyee`` (``remplacee`` if a newer push of the topic was already shown),
        older ones replaced or withdrawn, attempt recorded."""
        params = {
            "b_id": claimed.id,
            "b_topic": claimed.topic,
            "b_seq": claimed.sequence,
            "b_now": now,
            "b_message_id": result.message_id,
            "b_withdrawn": claimed.withdrawn_id,
            "b_desk": self.desk,
        }
        if self._postgresql:
            status = session.scalar(sql.ACCEPT_ALL_PG, params)
        else:
            status = session.scalar(sql.ACCEPT, params)
            session.execute(sql.RETIRE_OLDER, params)
            session.execute(
                sql.INSERT_ATTEMPT,
                {
                    "alert_id": claimed.id,
                    "at": now,
                    "desk": self.desk,
                    "outcome": "succes",
                    "http_status": None,
                    "error": None,
                },
            )
        if status is None:  # an operator or another desk changed it meanwhile
            status = self._current(session, claimed.id)
        return Outcome(claimed.id, str(status), result.message_id, simulated=result.simulated)

    def _set_live(
        self, session: Session, claimed: Claimed, status: str, now: datetime, **values: Any
    ) -> str:
        params = {"b_id": claimed.id, "b_status": status, "b_now": now, "b_next": None}
        params.update(values)
        row = session.execute(sql.SET_LIVE, params).first()
        return str(row[0]) if row else self._current(session, claimed.id)

    def _failed(
        self, session: Session, claimed: Claimed, error: PushError, now: datetime
    ) -> Outcome:
        expires = claimed.created_at + timedelta(hours=self.ttl_hours)
        if isinstance(error, TransientPushError):
            delay = self.policy.delay(claimed.attempt_count, error.retry_after, self.rng)
            when = now + timedelta(seconds=delay)
            if claimed.attempt_count < self.policy.max_attempts and when < expires:
                local = when.astimezone().strftime("%H:%M:%S")
                message = f"{error.message} Prochain essai à {local}."
                status = self._set_live(
                    session, claimed, "en_attente", now, b_next=when, b_error=message
                )
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
        status = self._set_live(session, claimed, "echec", now, b_error=message)
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

    # -- crash recovery -----------------------------------------------------------------------
    def recover(self) -> list[int]:
        """``envoi`` rows whose lease expired become ``a_verifier`` (run at start and often):
        the desk that claimed them died before FCM's answer; never re-sent silently."""
        now = self.clock()
        with self.db.session() as session:
            self._write_lock(session)
            statement = sql.recover_statement(self._postgresql)
            ids = sorted(session.scalars(statement, {"b_now": now, "b_error": CRASH_MESSAGE}))
            for alert_id in ids:
                session.execute(
                    sql.INSERT_ATTEMPT,
                    {
                        "alert_id": alert_id,
                        "at": now,
                        "outcome": "inconnu",
                        "http_status": None,
                        "error": CRASH_MESSAGE,
                        "desk": self.desk,
                    },
                )
                audit.record(session, audit.SYSTEM_ACTOR, "a_verifier", "alerte", alert_id, at=now)
        for alert_id in ids:
            self._notify(alert_id, "a_verifier")
        return ids

    # -- operator actions ---------------------------------------------------------------------
    def resend(self, principal: Principal, alert_id: int) -> None:
        """« Renvoyer » an alert in ``echec`` or ``a_verifier``: the same stored payload."""
        with self.db.session() as session:
            requeue(
                session,
                principal,
                alert_id,
                now=self.clock(),
                ttl_hours=self.ttl_hours,
                gateway=self.gateway.name,
            )
        self._notify(alert_id, "en_attente")

    # -- queries ----------------------------------------------------------------------------
    def status(self, alert_id: int) -> tuple[str, str | None, str | None]:
        """(status, fcm_message_id, last_error) of an alert."""
        with self.db.session() as session:
            row = session.execute(
                select(Alert.status, Alert.fcm_message_id, Alert.last_error).where(
                    Alert.id == alert_id
                )
            ).one()
        return row[0], row[1], row[2]

    def next_wakeup(self) -> datetime | None:
        """When something becomes due: a retry, or a lease to check for a crashed desk."""
        with self.db.session() as session:
            return session.scalar(
                select(func.min(Alert.next_attempt_at)).where(
                    Alert.status.in_(("en_attente", "envoi"))
                )
            )
