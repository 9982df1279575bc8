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
import os
import random
import socket
import threading
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, or_, select, text, update
from sqlalchemy.orm import Session

from stopcamb_desk.domain.roles import Permission, PermissionDenied, Principal, require
from stopcamb_desk.domain.rules.model import MessageKind, Verdict
from stopcamb_desk.models import Alert, AlertAttempt, utcnow
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
from stopcamb_desk.services.composer import Draft, SendRefused, check_target

_PG_LOCK_NAMESPACE = 0x5343 << 32  # "SC": per-topic advisory locks for sequence numbers


class OutboxError(Exception):
    """A refused outbox action; ``message`` is French and says what to do."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    base_delay: float = 2.0  # seconds before the 2nd attempt
    factor: float = 2.0
    max_delay: float = 300.0
    jitter: float = 0.2  # ± 20 %
    max_attempts: int = 6
    lease_seconds: float = 120.0  # an « envoi » older than this is « à vérifier »

    def delay(self, attempt: int, retry_after: float | None, rng: random.Random) -> float:
        """Seconds before attempt ``attempt + 1`` (``attempt`` ≥ 1 already made)."""
        backoff = min(self.max_delay, self.base_delay * self.factor ** max(0, attempt - 1))
        backoff *= 1.0 + rng.uniform(-self.jitter, self.jitter)
        return max(backoff, retry_after or 0.0)


@dataclass(frozen=True, slots=True)
class Outcome:
    """Where one delivery attempt left the alert."""

    alert_id: int
    status: str  # envoyee | remplacee | en_attente (retry scheduled) | echec
    message_id: str | None = None
    error: str | None = None
    next_attempt_at: datetime | None = None
    simulated: bool = False

    @property
    def final(self) -> bool:
        return self.status != "en_attente"


def desk_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"[:120]


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

    # -- locking ----------------------------------------------------------------------------
    def _write_lock(self, session: Session, topic: str | None = None) -> None:
        """Serialise writers: SQLite takes the write lock now; PostgreSQL locks the topic."""
        if self.db.dialect == "sqlite":
            session.execute(text("BEGIN IMMEDIATE"))
        elif topic is not None:
            key = _PG_LOCK_NAMESPACE | zlib.crc32(topic.encode())
            session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": key})

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
        """Commit the alert « en attente » with its exact payload; returns its id."""
        check_target(principal, draft)
        if not verdict.sendable:
            raise SendRefused("Envoi impossible : le contrôle des règles a bloqué ce texte.")
        body = verdict.text_to_send or draft.text
        national = draft.kind is MessageKind.PREVENTION
        departement = None if national else draft.departement
        topic = topic_for(departement, exercise=draft.exercise)
        now = self.clock()
        with self.db.session() as session:
            self._write_lock(session, topic)
            if replaces_id is not None:
                replaced = session.get(Alert, replaces_id)
                if replaced is None or replaced.topic != topic:
                    raise OutboxError(
                        f"L'alerte n° {replaces_id} n'existe pas ou vise un autre public : "
                        "elle ne peut pas être remplacée par celle-ci."
                    )
            last = session.scalar(select(func.max(Alert.sequence)).where(Alert.topic == topic))
            attestation, parquet = draft.attestation, draft.parquet
            alert = Alert(
                created_at=now,
                updated_at=now,
                kind=str(draft.kind),
                exercise=draft.exercise,
                departement=departement,
                topic=topic,
                replacement_key=replacement_key(topic),
                sequence=(last or 0) + 1,
                text=body,
                author_id=principal.operator_id,
                status="en_attente",
                procedure_type=str(attestation.procedure) if attestation else None,
                procedure_number=attestation.numero if attestation else None,
                procedure_date=attestation.date if attestation else None,
                parquet_ref=parquet.reference if parquet else None,
                parquet_date=parquet.date if parquet else None,
                verdict_json=json.dumps(verdict.to_dict(), ensure_ascii=False),
                replaces_id=replaces_id,
                attempt_count=0,
                next_attempt_at=now,
                gateway=self.gateway.name,
            )
            session.add(alert)
            session.flush()
            push = AlertPush(
                alert_id=alert.id,
                text=body,
                departement=departement,
                kind=str(draft.kind),
                sequence=alert.sequence,
                replaces_id=replaces_id,
                exercise=draft.exercise,
                ttl_hours=self.ttl_hours,
                retraction=retraction,
            )
            alert.payload_json = payload_to_json(build_payload(push, now=now))
            action = "retrait" if retraction else "remplacement" if replaces_id else "envoi"
            audit.record(
                session,
                principal.login,
                action,
                "alerte",
                alert.id,
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
            alert_id = alert.id
        self._notify(alert_id, "en_attente")
        return alert_id

    # -- claim --------------------------------------------------------------------------------
    def claim(self, alert_id: int | None = None, limit: int = 10) -> list[int]:
        """Move due alerts ``en_attente → envoi`` (or just ``alert_id``); returns the claimed."""
        now = self.clock()
        due = select(Alert.id).where(
            Alert.status == "en_attente",
            or_(Alert.next_attempt_at.is_(None), Alert.next_attempt_at <= now),
        )
        if alert_id is not None:
            due = due.where(Alert.id == alert_id)
        due = due.order_by(Alert.next_attempt_at, Alert.id).limit(limit)
        with self.db.session() as session:
            if self.db.dialect == "sqlite":
                self._write_lock(session)
            else:
                due = due.with_for_update(skip_locked=True)
            ids = list(session.scalars(due))
            if ids:
                session.execute(
                    update(Alert)
                    .where(Alert.id.in_(ids), Alert.status == "en_attente")
                    .values(
                        status="envoi",
                        attempt_count=Alert.attempt_count + 1,
                        next_attempt_at=now + timedelta(seconds=self.policy.lease_seconds),
                        gateway=self.gateway.name,
                        updated_at=now,
                        version=Alert.version + 1,
                    )
                )
        for claimed in ids:
            self._notify(claimed, "envoi")
        return ids

    # -- delivery -----------------------------------------------------------------------------
    def deliver(self, alert_id: int) -> Outcome | None:
        """Claim ``alert_id`` if due and send it; None if it was not ours to send."""
        if not self.claim(alert_id, limit=1):
            return None
        return self._send_claimed(alert_id)

    def process_due(self, limit: int = 10) -> list[Outcome]:
        """Claim and send every due alert (oldest first)."""
        return [self._send_claimed(i) for i in self.claim(limit=limit)]

    def _send_claimed(self, alert_id: int) -> Outcome:
        with self.db.session() as session:
            payload_json = session.scalar(select(Alert.payload_json).where(Alert.id == alert_id))
        result: SendResult | PushError
        try:
            result = self.gateway.send(payload_from_json(payload_json or ""))
        except PushError as exc:
            result = exc
        except Exception as exc:  # a bug must not leave the alert « envoi » for ever
            result = PermanentPushError(
                f"Erreur inattendue pendant l'envoi ({exc.__class__.__name__}) : "
                "prévenez l'administrateur ; vous pouvez « Renvoyer »."
            )
        return self._finish(alert_id, result)

    def _finish(self, alert_id: int, result: SendResult | PushError) -> Outcome:
        """Record the attempt and its outcome; retried on a write conflict, because losing
        this write would turn an accepted push into « à vérifier »."""
        from sqlalchemy.exc import OperationalError
        from sqlalchemy.orm.exc import StaleDataError

        for attempt in range(4):
            try:
                outcome = self._record(alert_id, result)
                break
            except (StaleDataError, OperationalError):
                if attempt == 3:
                    raise
                self.wait_changed(0.05 * (attempt + 1))
        self._notify(alert_id, outcome.status)
        return outcome

    def _record(self, alert_id: int, result: SendResult | PushError) -> Outcome:
        now = self.clock()
        lock = {"of": Alert} if self.db.dialect != "sqlite" else None
        with self.db.session() as session:
            if lock is None:
                self._write_lock(session)
            alert = session.get(Alert, alert_id, with_for_update=lock)
            assert alert is not None
            attempt = AlertAttempt(alert_id=alert_id, at=now, desk=self.desk)
            outcome: Outcome
            if isinstance(result, SendResult):
                attempt.outcome = "succes"
                outcome = self._accepted(session, alert, result, now)
            else:
                attempt.outcome = (
                    "transitoire" if isinstance(result, TransientPushError) else "definitif"
                )
                attempt.http_status = result.http_status
                attempt.error = result.message_fr
                outcome = self._failed(session, alert, result, now)
            session.add(attempt)
        return outcome

    def _accepted(
        self, session: Session, alert: Alert, result: SendResult, now: datetime
    ) -> Outcome:
        alert.fcm_message_id = result.message_id
        alert.sent_at = now
        alert.last_error = None
        alert.next_attempt_at = None
        newer = session.scalar(
            select(func.count(Alert.id)).where(
                Alert.topic == alert.topic,
                Alert.sequence > alert.sequence,
                Alert.status.in_(("envoyee", "remplacee", "retiree")),
            )
        )
        alert.status = "remplacee" if newer else "envoyee"
        withdrawn = None
        if alert.replaces_id is not None:
            retraction = payload_from_json(alert.payload_json)["data"].get("retraction") == "1"
            withdrawn = alert.replaces_id if retraction else None
        for old in session.scalars(
            select(Alert).where(
                Alert.topic == alert.topic,
                Alert.sequence < alert.sequence,
                Alert.status == "envoyee",
            )
        ):
            old.status = "retiree" if old.id == withdrawn else "remplacee"
        if withdrawn is not None:
            target = session.get(Alert, withdrawn)
            if target is not None and target.status == "remplacee":
                target.status = "retiree"
        audit.record(
            session,
            audit.SYSTEM_ACTOR,
            "envoi_accepte",
            "alerte",
            alert.id,
            {"message_id": result.message_id, "simulation": result.simulated},
            at=now,
        )
        return Outcome(alert.id, alert.status, result.message_id, simulated=result.simulated)

    def _failed(self, session: Session, alert: Alert, error: PushError, now: datetime) -> Outcome:
        expires = alert.created_at + timedelta(hours=self.ttl_hours)
        if isinstance(error, TransientPushError):
            delay = self.policy.delay(alert.attempt_count, error.retry_after, self.rng)
            when = now + timedelta(seconds=delay)
            if alert.attempt_count < self.policy.max_attempts and when < expires:
                alert.status = "en_attente"
                alert.next_attempt_at = when
                local = when.astimezone().strftime("%H:%M:%S")
                alert.last_error = f"{error.message_fr} Prochain essai à {local}."
                return Outcome(alert.id, "en_attente", error=alert.last_error, next_attempt_at=when)
            why = (
                f"après {alert.attempt_count} tentatives"
                if when < expires
                else "la durée de vie du push serait dépassée avant le prochain essai"
            )
            message = f"Envoi abandonné ({why}). Dernière erreur : {error.message_fr}"
        else:
            message = error.message_fr
        alert.status = "echec"
        alert.next_attempt_at = None
        alert.last_error = message
        audit.record(
            session,
            audit.SYSTEM_ACTOR,
            "echec",
            "alerte",
            alert.id,
            {"erreur": message, "http": error.http_status, "code": error.fcm_code},
            at=now,
        )
        return Outcome(alert.id, "echec", error=message)

    # -- crash recovery -----------------------------------------------------------------------
    def recover(self) -> list[int]:
        """``envoi`` rows whose lease expired become ``a_verifier`` (run at start and often)."""
        now = self.clock()
        message = (
            "Le poste qui envoyait cette alerte s'est arrêté avant la réponse de Firebase : elle "
            "a peut-être été reçue. Vérifiez puis « Renvoyer » si besoin (sans doublon "
            "visible : le nouveau push remplace le précédent)."
        )
        with self.db.session() as session:
            stale = select(Alert).where(Alert.status == "envoi", Alert.next_attempt_at < now)
            if self.db.dialect == "sqlite":
                self._write_lock(session)
            else:
                stale = stale.with_for_update(skip_locked=True, of=Alert)
            ids = []
            for alert in session.scalars(stale):
                alert.status = "a_verifier"
                alert.next_attempt_at = None
                alert.last_error = message
                session.add(
                    AlertAttempt(
                        alert_id=alert.id, at=now, outcome="inconnu", error=message, desk=self.desk
                    )
                )
                audit.record(session, audit.SYSTEM_ACTOR, "a_verifier", "alerte", alert.id, at=now)
                ids.append(alert.id)
        for alert_id in ids:
            self._notify(alert_id, "a_verifier")
        return ids

    # -- operator actions ---------------------------------------------------------------------
    def resend(self, principal: Principal, alert_id: int) -> None:
        """« Renvoyer » an alert in ``echec`` or ``a_verifier``: the same stored payload."""
        now = self.clock()
        with self.db.session() as session:
            self._write_lock(session)
            alert = session.get(Alert, alert_id)
            if alert is None:
                raise OutboxError(f"Alerte n° {alert_id} introuvable.")
            if alert.departement is None:
                require(principal, Permission.SEND_PREVENTION)
            elif not principal.covers(alert.departement):
                raise PermissionDenied(
                    f"L'alerte n° {alert_id} vise le département {alert.departement}, qui "
                    "n'est pas le vôtre."
                )
            if alert.status not in ("echec", "a_verifier"):
                raise OutboxError(
                    f"L'alerte n° {alert_id} n'est ni en échec ni à vérifier : rien à renvoyer."
                )
            if now >= alert.created_at + timedelta(hours=self.ttl_hours):
                raise OutboxError(
                    f"L'alerte n° {alert_id} a dépassé sa durée de vie : rédigez une nouvelle "
                    "alerte si elle est toujours d'actualité."
                )
            newer = session.scalar(
                select(func.max(Alert.id)).where(
                    Alert.topic == alert.topic,
                    Alert.sequence > alert.sequence,
                    Alert.status.in_(("envoyee", "remplacee", "retiree")),
                )
            )
            if newer is not None:
                raise OutboxError(
                    f"Une alerte plus récente (n° {newer}) a déjà été envoyée à ce public : "
                    "renvoyer celle-ci ne l'afficherait pas sur les téléphones."
                )
            previous = alert.status
            alert.status = "en_attente"
            alert.attempt_count = 0
            alert.next_attempt_at = now
            alert.gateway = self.gateway.name
            audit.record(
                session,
                principal.login,
                "renvoi",
                "alerte",
                alert_id,
                {"statut_precedent": previous},
                at=now,
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

    def wait_changed(self, timeout: float) -> None:
        """Block until this outbox changes an alert, or ``timeout`` seconds."""
        with self._changed:
            self._changed.wait(timeout)
