"""The durable outbox: an alert is committed before any network call, sent once, never lost.

Life cycle (``alerts.status``)::

    en_attente ──claim──▶ envoi ──accepted──▶ envoyee  (the topic's others: remplacee / retiree)
      │ ▲                   ├──transient──▶ en_attente (next_attempt_at = backoff, Retry-After)
      │ │                   ├──permanent / attempts exhausted──▶ echec
      │ │                   └──desk crashed (lease expired)──▶ a_verifier
      │ └──────────── « Renvoyer » (echec, a_verifier; head only) ◀───┘
      └──a newer alert of the topic is queued──▶ remplacee_attente (never sent)

The per-topic order and what may be resent are the rules of :mod:`stopcamb_desk.domain.lifecycle`,
enforced here, in the claim, under the lock every outbox write takes (``BEGIN IMMEDIATE`` on
SQLite, the audit chain's advisory lock on PostgreSQL): never two alerts of a topic in flight,
never an older one after a newer one was queued or accepted.

- :meth:`Outbox.enqueue` commits the alert ``en_attente`` with text, target, author,
  attestation, verdict and the exact FCM request body, plus its audit event, in one
  transaction; nothing touches the network.
- :meth:`Outbox.claim` moves due alerts ``en_attente → envoi`` under a row lock: PostgreSQL
  ``SELECT … FOR UPDATE SKIP LOCKED``; SQLite ``BEGIN IMMEDIATE`` (one writer at a time). Two
  desks never claim the same alert. The claim sets a lease (``next_attempt_at`` = now +
  ``lease_seconds``, far above the gateway's bounded request time).
- :meth:`Outbox.deliver` sends outside any transaction, journals an acceptance durably in the
  data directory (:mod:`.outbox_journal`), then records the attempt and the outcome with an
  audit event. Transient errors are rescheduled with exponential backoff and jitter, honouring
  ``Retry-After``, within ``max_attempts`` and the push lifetime; nothing sleeps here — the
  :class:`~stopcamb_desk.services.outbox_worker.OutboxWorker` thread (or the CLI) waits.
- :func:`recover` (run by every process that opens the database, and often by the sender)
  first records what the journal holds, then turns ``envoi`` rows whose lease expired (the
  sending desk died between claim and answer) into ``a_verifier``: shown to the operator,
  never re-sent silently. Re-sending is safe (same tag: the phone shows one notification).

``attempt_count`` counts the attempts of the current round (reset by « Renvoyer »);
``alert_attempts`` keeps every attempt.
"""

from __future__ import annotations

import contextlib
import json
import logging
import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select, text
from sqlalchemy.exc import OperationalError, SQLAlchemyError
from sqlalchemy.orm import Session

from stopcamb_desk.domain.lifecycle import MAX_LEASE_SECONDS, superseded_message
from stopcamb_desk.domain.roles import Principal
from stopcamb_desk.domain.rules.model import MessageKind, Verdict
from stopcamb_desk.domain.status import IN_PROGRESS_STATUSES, SCHEDULED_STATUSES
from stopcamb_desk.models import Alert, utcnow
from stopcamb_desk.models.db import Database, DatabaseError, explain_failure
from stopcamb_desk.push.gateway import (
    PermanentPushError,
    PushError,
    PushGateway,
    SendResult,
    TransientPushError,
)
from stopcamb_desk.push.payload import (
    AlertPush,
    build_payload,
    is_retraction,
    payload_from_json,
    payload_to_json,
)
from stopcamb_desk.push.topics import replacement_key, topic_for
from stopcamb_desk.services import audit
from stopcamb_desk.services import outbox_sql as sql
from stopcamb_desk.services.alert_record import recorded_content
from stopcamb_desk.services.audit_alerts import payload_refusal
from stopcamb_desk.services.changes import Change, ChangeHub
from stopcamb_desk.services.composer import Draft, SendRefused, check_target
from stopcamb_desk.services.outbox_journal import Acceptance, AcceptedNotRecorded, AcceptJournal
from stopcamb_desk.services.outbox_policy import (
    CRASH_MESSAGE,
    LEASE_LOST_MESSAGE,
    Claimed,
    OutboxError,
    Outcome,
    RetryPolicy,
    desk_name,
)
from stopcamb_desk.services.outbox_resend import requeue
from stopcamb_desk.services.schedule_model import Schedule

log = logging.getLogger(__name__)

CLAIM_BATCH = 10
# How far apart two desks' clocks may be before a lease looks impossible (see recover).
CLOCK_TOLERANCE_SECONDS = 300.0
RECORD_TRIES = 4


def lock_outbox(session: Session) -> None:
    """The one lock of every outbox write (claim, enqueue, outcome, recovery, resend):
    SQLite's write lock (``BEGIN IMMEDIATE``), PostgreSQL's audit-chain advisory lock — the
    audit event written in the same transaction reuses it."""
    if session.get_bind().dialect.name == "sqlite":
        session.execute(text("BEGIN IMMEDIATE"))
    else:
        audit.lock_chain(session)


class Outbox:
    """Thread-safe; ``deliver``/``process_due`` block on the network (call them off the GUI)."""

    def __init__(
        self,
        db: Database,
        gateway: PushGateway,
        *,
        journal: AcceptJournal,
        ttl_hours: int = 24,
        policy: RetryPolicy | None = None,
        clock: Callable[[], datetime] = utcnow,
        rng: random.Random | None = None,
        desk: str | None = None,
        changes: ChangeHub | None = None,
    ) -> None:
        self.db = db
        self.gateway = gateway
        self.journal = journal
        self.ttl_hours = ttl_hours
        self.policy = policy or RetryPolicy()
        if not 0 < self.policy.lease_seconds <= MAX_LEASE_SECONDS:
            raise ValueError(f"lease_seconds must be in ]0, {MAX_LEASE_SECONDS}]")
        self.clock = clock
        self.rng = rng or random.Random()
        self.desk = desk or desk_name()
        # The desk's change bus: each change this outbox commits is published there.
        self.changes = changes if changes is not None else ChangeHub()

    # -- notifications ------------------------------------------------------------------------
    def notify(self, alert_id: int, status: str) -> None:
        """Publish that this process committed ``alert_id`` as ``status``."""
        self.changes.publish(Change(alert_id, status, local=True))

    def wait_changed(self, timeout: float) -> None:
        """Block until an alert change is published, or ``timeout`` seconds."""
        self.changes.wait(timeout)

    # -- enqueue ----------------------------------------------------------------------------
    def enqueue(
        self,
        principal: Principal,
        draft: Draft,
        verdict: Verdict,
        *,
        replaces_id: int | None = None,
        retraction: bool = False,
        schedule: Schedule | None = None,
    ) -> int:
        """Commit the alert « en attente » with its exact payload and audit event; no network.
        Older alerts of its topic still waiting become « remplacée avant envoi ».

        With ``schedule`` the alert is « programmée » instead: out of its topic's order until
        it falls due (:mod:`.schedule` releases it)."""
        check_target(principal, draft)
        if not verdict.sendable:
            raise SendRefused("Envoi impossible : le contrôle des règles a bloqué ce texte.")
        body = verdict.text_to_send or draft.text
        departement = None if draft.kind is MessageKind.PREVENTION else draft.departement
        topic = topic_for(departement, exercise=draft.exercise)
        attestation, parquet = draft.attestation, draft.parquet
        procedure_type = str(attestation.procedure) if attestation else None
        procedure_number = attestation.numero if attestation else None
        procedure_date = attestation.date if attestation else None
        parquet_ref = parquet.reference if parquet else None
        parquet_date = parquet.date if parquet else None
        now = self.clock()
        with self.db.session() as session:
            lock_outbox(session)
            check_mode(session, self.gateway.name)
            if replaces_id is not None:
                replaced_topic = session.scalar(select(Alert.topic).where(Alert.id == replaces_id))
                if replaced_topic != topic:
                    raise OutboxError(
                        f"L'alerte n° {replaces_id} n'existe pas ou vise un autre public : "
                        "elle ne peut pas être remplacée par celle-ci."
                    )
            values = {
                "created_at": now,
                "updated_at": now,
                "kind": str(draft.kind),
                "exercise": draft.exercise,
                "departement": departement,
                "topic": topic,
                "replacement_key": replacement_key(topic),
                "text": body,
                "author_id": principal.operator_id,
                "status": "programmee" if schedule else "en_attente",
                "procedure_type": procedure_type,
                "procedure_number": procedure_number,
                "procedure_date": procedure_date,
                "parquet_ref": parquet_ref,
                "parquet_date": parquet_date,
                "verdict_json": json.dumps(verdict.to_dict(), ensure_ascii=False),
                "payload_json": "{}",
                "replaces_id": replaces_id,
                "attempt_count": 0,
                "next_attempt_at": schedule.at if schedule else now,
                "gateway": self.gateway.name,
                "version": 1,
                "scheduled_for": schedule.at if schedule else None,
                "valid_until": schedule.valid_until if schedule else None,
            }
            row = session.execute(sql.INSERT_ALERT, {"b_topic": topic, **values}).one()
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
            stopped = [] if schedule else stop_older(session, topic, sequence, alert_id, now)
            action = "retrait" if retraction else "remplacement" if replaces_id else "envoi"
            if schedule is not None:
                action = "programmation"
            content = recorded_content(
                text=body,
                departement=departement,
                kind=str(draft.kind),
                exercise=draft.exercise,
                topic=topic,
                sequence=sequence,
                replaces_id=replaces_id,
                procedure_type=procedure_type,
                procedure_number=procedure_number,
                procedure_date=procedure_date,
                parquet_ref=parquet_ref,
                parquet_date=parquet_date,
                payload_json=payload,
                author_id=principal.operator_id,
                created_at=now,
            )
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
                    "annulees": stopped,
                    "contenu": content,
                    **(schedule.details() if schedule else {}),
                },
                at=now,
            )
        for old in stopped:
            self.notify(old, "remplacee_attente")
        self.notify(alert_id, "programmee" if schedule else "en_attente")
        return alert_id

    # -- planned messages ---------------------------------------------------------------------
    def release_due(self) -> list[tuple[int, str]]:
        """Planned messages that fell due go into their topic's order (or expire); returns
        (id, new status). Run by every sender before claiming, under the outbox lock."""
        from stopcamb_desk.services.schedule import release_due

        with self.db.session() as session:
            lock_outbox(session)
            changed = release_due(session, now=self.clock(), ttl_hours=self.ttl_hours)
        for alert_id, status in changed:
            self.notify(alert_id, status)
        return changed

    # -- claim --------------------------------------------------------------------------------
    def claim(self, alert_id: int | None = None, limit: int = CLAIM_BATCH) -> list[Claimed]:
        """Move due alerts ``en_attente → envoi`` (or just ``alert_id``) in one statement,
        in per-topic order (see ``outbox_sql.claim_statement``). The new ``next_attempt_at``
        is the claim's lease (see :func:`recover`)."""
        now = self.clock()
        one = alert_id is not None
        statement = sql.claim_statement(self.db.dialect == "postgresql", one, 1 if one else limit)
        lease = now + timedelta(seconds=self.policy.lease_seconds)
        params = {
            "b_now": now,
            "b_lease": lease,
            "b_gateway": self.gateway.name,
            "b_id": alert_id,
        }
        with self.db.session() as session:
            lock_outbox(session)
            stale = self._expire_stale(session, now)
            rows = session.execute(statement, params).all()
        for alert_id in stale:
            self.notify(alert_id, "echec")
        claimed = sorted(
            (
                Claimed(
                    r[0], r[1], r[2], r[3], r[4], r[5], payload_from_json(r[6]), r[7], lease, r[6]
                )
                for r in rows
            ),
            key=lambda c: c.id,
        )
        for c in claimed:
            self.notify(c.id, "envoi")
        return claimed

    def _expire_stale(self, session: Session, now: datetime) -> list[int]:
        """Queued alerts older than the push lifetime fail instead of going out stale."""
        message = (
            f"Non envoyée : aucun poste ni expéditeur n'a pu l'envoyer pendant sa durée de vie "
            f"({self.ttl_hours} h). Rédigez une nouvelle alerte si elle est toujours d'actualité."
        )
        ids = sorted(
            session.scalars(
                sql.EXPIRE_STALE,
                {
                    "b_gateway": self.gateway.name,
                    "b_oldest": now - timedelta(hours=self.ttl_hours),
                    "b_error": message,
                    "b_now": now,
                },
            )
        )
        for alert_id in ids:
            audit.record(
                session,
                audit.SYSTEM_ACTOR,
                "echec",
                "alerte",
                alert_id,
                {"erreur": message},
                at=now,
            )
        return ids

    # -- delivery -----------------------------------------------------------------------------
    def deliver(self, alert_id: int) -> Outcome | None:
        """Claim ``alert_id`` if due and send it; None if it was not ours to send (now)."""
        claimed = self.claim(alert_id)
        return self.send_claimed(claimed[0]) if claimed else None

    def process_due(self, limit: int = CLAIM_BATCH) -> list[Outcome]:
        """Claim and send every due alert (oldest first)."""
        return [self.send_claimed(c) for c in self.claim(limit=limit)]

    def send_claimed(self, claimed: Claimed) -> Outcome:
        lost = self._lease_lost(claimed)
        if lost is not None:  # never hand it to FCM once another process may have taken over
            return lost
        with self.db.session() as session:
            forged = payload_refusal(session, claimed.id, claimed.topic, claimed.payload_json)
        if forged is not None:  # only what the audit trail authenticates reaches the phones
            return self._finish(claimed, PermanentPushError(forged))
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

    def _lease_lost(self, claimed: Claimed) -> Outcome | None:
        """None while this desk still holds ``claimed`` (same version, lease running). Else the
        alert went nowhere: it goes back in the queue (or « remplacée avant envoi » if a newer
        one of its topic took its place) — even if recovery meanwhile said « à vérifier »."""
        lease_ok = claimed.lease_until is None or self.clock() < claimed.lease_until
        with self.db.session() as session:
            row = session.execute(sql.CURRENT_STATUS_VERSION, {"b_id": claimed.id}).one()
        if lease_ok and (row.status, row.version) == ("envoi", claimed.version):
            return None
        with self.db.session() as session:
            lock_outbox(session)
            status, version = session.execute(
                sql.CURRENT_STATUS_VERSION, {"b_id": claimed.id}
            ).one()
            now = self.clock()
            session.execute(
                sql.INSERT_ATTEMPT,
                {
                    "alert_id": claimed.id,
                    "at": now,
                    "desk": self.desk,
                    "outcome": "non_envoye",
                    "http_status": None,
                    "error": LEASE_LOST_MESSAGE,
                    "message_id": None,
                },
            )
            expected = (claimed.version, claimed.version + 1)  # + 1: recovered meanwhile
            if status not in sql.LIVE or version not in expected:
                return Outcome(claimed.id, str(status))  # moved on by others: their record
            newer = sql.newer_blocking(session, claimed.topic, claimed.sequence)
            back = "remplacee_attente" if newer is not None else "en_attente"
            message = superseded_message(newer) if newer is not None else LEASE_LOST_MESSAGE
            status = self._set_live(session, claimed, back, now, b_next=now, b_error=message)
            action = "remplacee_attente" if back == "remplacee_attente" else "renvoi"
            audit.record(
                session,
                audit.SYSTEM_ACTOR,
                action,
                "alerte",
                claimed.id,
                {"raison": "tour perdu avant l'envoi", "par": newer},
                at=now,
            )
        self.notify(claimed.id, status)
        return Outcome(claimed.id, status, error=message)

    def _finish(self, claimed: Claimed, result: SendResult | PushError) -> Outcome:
        """Journal an acceptance durably, then record the attempt and its outcome (retried on
        a write conflict). If the database stays unreachable, the acceptance waits in the
        journal (:class:`AcceptedNotRecorded`); a failure is simply retried later."""
        acceptance = None
        journaled = False
        if isinstance(result, SendResult):
            acceptance = Acceptance(
                claimed.id, result.message_id, self.clock(), self.desk, result.simulated
            )
            try:
                self.journal.accepted(acceptance)
                journaled = True
            except OSError as exc:  # disk full, unwritable: the database must still hear of it
                log.error("Journal des envois inscriptible impossible (%s)", exc.strerror)
        try:
            outcome = self._record_retrying(claimed, result, acceptance)
        except SQLAlchemyError as exc:
            if acceptance is not None:
                raise AcceptedNotRecorded(claimed.id, journaled=journaled) from exc
            raise DatabaseError(explain_failure(exc, self.db.url)) from exc
        if journaled and acceptance is not None:
            with contextlib.suppress(OSError):  # harmless if lost: replaying is idempotent
                self.journal.recorded(acceptance)
        self.notify(claimed.id, outcome.status)
        for other_id, status in outcome.others:
            self.notify(other_id, status)
        return outcome

    def _record_retrying(
        self, claimed: Claimed, result: SendResult | PushError, acceptance: Acceptance | None
    ) -> Outcome:
        for attempt in range(RECORD_TRIES):
            try:
                with self.db.session() as session:
                    lock_outbox(session)
                    if acceptance is not None:
                        return record_acceptance(session, acceptance)
                    assert isinstance(result, PushError)
                    return self._failed(session, claimed, result, self.clock())
            except OperationalError:
                if attempt == RECORD_TRIES - 1:
                    raise
                self.wait_changed(0.05 * (attempt + 1))
        raise AssertionError("unreachable")

    def _set_live(
        self, session: Session, claimed: Claimed, status: str, now: datetime, **values: Any
    ) -> str:
        params = {"b_id": claimed.id, "b_status": status, "b_now": now, "b_next": None}
        params.update(values)
        row = session.execute(sql.SET_LIVE, params).first()
        return str(row[0]) if row else current_status(session, claimed.id)

    def _failed(
        self, session: Session, claimed: Claimed, error: PushError, now: datetime
    ) -> Outcome:
        session.execute(
            sql.INSERT_ATTEMPT,
            {
                "alert_id": claimed.id,
                "at": now,
                "desk": self.desk,
                "outcome": attempt_outcome(error),
                "http_status": error.http_status,
                "error": error.message,
                "message_id": None,
            },
        )
        expires = claimed.created_at + timedelta(hours=self.ttl_hours)
        if isinstance(error, TransientPushError):
            newer = sql.newer_blocking(session, claimed.topic, claimed.sequence)
            if newer is not None and error.maybe_delivered:
                # The request may have reached FCM: possibly shown, then covered by the newer
                # one. Never « not sent »: « à vérifier », and never resent (not the head).
                message = (
                    f"{error.message} Une alerte plus récente (n° {newer}) a pris sa place : "
                    "celle-ci a peut-être été affichée, puis remplacée par elle."
                )
                status = self._set_live(session, claimed, "a_verifier", now, b_error=message)
                if status == "a_verifier":
                    audit.record(
                        session, audit.SYSTEM_ACTOR, "a_verifier", "alerte", claimed.id, at=now
                    )
                return Outcome(claimed.id, status, error=message)
            if newer is not None:  # a newer alert took its place while it was in flight
                message = superseded_message(newer)
                status = self._set_live(session, claimed, "remplacee_attente", now, b_error=message)
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
        """:func:`recover` for this outbox's database and journal; the ids now « à vérifier »."""
        ids = recover(self.db, self.journal, clock=self.clock, desk=self.desk)
        for alert_id in ids:
            self.notify(alert_id, "a_verifier")
        return ids

    # -- operator actions ---------------------------------------------------------------------
    def resend(self, principal: Principal, alert_id: int) -> None:
        """« Renvoyer » an alert in ``echec`` or ``a_verifier``: the same stored payload."""
        with self.db.session() as session:
            lock_outbox(session)
            requeue(
                session,
                principal,
                alert_id,
                now=self.clock(),
                ttl_hours=self.ttl_hours,
                gateway=self.gateway.name,
            )
        self.notify(alert_id, "en_attente")

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
                    Alert.status.in_(sorted(IN_PROGRESS_STATUSES | SCHEDULED_STATUSES))
                )
            )


@dataclass(frozen=True, slots=True)
class PendingAlert:
    """An alert the outbox still works on, or one that needs an operator (``outbox status``)."""

    id: int
    topic: str
    departement: str | None
    status: str
    created_at: datetime
    next_attempt_at: datetime | None
    attempt_count: int
    last_error: str | None
    author: str


def pending_alerts(db: Database) -> list[PendingAlert]:
    """Queued, in flight and « à vérifier » alerts, oldest first."""
    from stopcamb_desk.models import Operator

    statuses = sorted(IN_PROGRESS_STATUSES | {"a_verifier"})
    query = (
        select(
            Alert.id,
            Alert.topic,
            Alert.departement,
            Alert.status,
            Alert.created_at,
            Alert.next_attempt_at,
            Alert.attempt_count,
            Alert.last_error,
            Operator.login,
        )
        .join(Operator, Alert.author_id == Operator.id)
        .where(Alert.status.in_(statuses))
        .order_by(Alert.id)
    )
    with db.session() as session:
        return [PendingAlert(*row) for row in session.execute(query)]


def sends_in_flight(db: Database) -> int:
    """How many alerts are queued or being sent right now (« en attente », « envoi en cours »):
    what a desk that quits leaves to the next sender."""
    query = select(func.count()).select_from(Alert)
    query = query.where(Alert.status.in_(sorted(IN_PROGRESS_STATUSES)))
    with db.session() as session:
        return int(session.scalar(query) or 0)


def check_mode(session: Session, gateway: str) -> None:
    """One database, one mode: real sends (FCM) and simulated ones never mix, or a real alert
    would be « sent » by a simulating desk, a test reach real phones, and the two would replace
    each other in the record. Checked under the outbox lock when an alert is queued."""
    other = session.scalar(select(Alert.gateway).where(Alert.gateway != gateway).limit(1))
    if other is None:
        return
    if gateway == "simulation":
        raise OutboxError(
            "Cette base contient des alertes réellement envoyées par Firebase : ce poste, en "
            "SIMULATION faute d'identifiants Firebase, ne peut pas y enregistrer d'alerte (elle "
            "ne partirait pas ou se mêlerait aux vraies). Configurez fcm.credentials sur ce "
            "poste, ou utilisez une base à part pour la démonstration. Rien n'a été enregistré."
        )
    raise OutboxError(
        "Cette base contient des alertes de SIMULATION (démonstration) : ce poste relié à "
        "Firebase ne peut pas y envoyer de vraies alertes, elles se mêleraient à l'historique "
        "simulé. Utilisez la base de production. Rien n'a été enregistré."
    )


def stop_older(
    session: Session, topic: str, sequence: int, newer_id: int, now: datetime
) -> list[int]:
    """Older alerts of ``topic`` still waiting become « remplacée avant envoi » (the newer
    one ``newer_id`` was just queued); returns their ids."""
    return sorted(
        session.scalars(
            sql.STOP_OLDER,
            {
                "b_topic": topic,
                "b_seq": sequence,
                "b_now": now,
                "b_error": superseded_message(newer_id),
            },
        )
    )


def attempt_outcome(error: PushError) -> str:
    if isinstance(error, TransientPushError):
        return "incertain" if error.maybe_delivered else "transitoire"
    return "definitif"


def current_status(session: Session, alert_id: int) -> str:
    return str(session.scalar(sql.CURRENT_STATUS, {"b_id": alert_id}))


def record_acceptance(
    session: Session, acceptance: Acceptance, *, from_journal: bool = False
) -> Outcome:
    """FCM accepted ``acceptance``: the alert is what the phones show (``envoyee``), the others
    of its topic shown before are replaced or withdrawn; the attempt, with FCM's message id,
    and an audit event are written. Idempotent per message id (the journal replays it).

    A live answer applies to an alert still ``envoi``/``a_verifier``; a journaled one to any
    alert not yet accepted since (otherwise it is recorded as a further acceptance)."""
    alert = session.execute(
        select(
            Alert.topic,
            Alert.status,
            Alert.payload_json,
            Alert.replaces_id,
            Alert.fcm_message_id,
            Alert.gateway,
        ).where(Alert.id == acceptance.alert_id)
    ).one()
    already = session.scalar(
        select(func.count())
        .select_from(sql.ATTEMPTS)
        .where(
            sql.ATTEMPTS.c.alert_id == acceptance.alert_id,
            sql.ATTEMPTS.c.message_id == acceptance.message_id,
        )
    )
    if already:
        return Outcome(acceptance.alert_id, str(alert.status), acceptance.message_id)
    withdrawn = alert.replaces_id if is_retraction(payload_from_json(alert.payload_json)) else None
    params = {
        "b_id": acceptance.alert_id,
        "b_topic": alert.topic,
        "b_now": acceptance.at,
        "b_message_id": acceptance.message_id,
        "b_withdrawn": withdrawn,
        "b_from": sorted(sql.JOURNAL_APPLIES if from_journal else sql.LIVE),
        "b_gateway": alert.gateway,
    }
    status = session.scalar(sql.ACCEPT_LATE if from_journal else sql.ACCEPT_LIVE, params)
    others: list[tuple[int, str]] = []
    kept_id = acceptance.message_id
    if status is None:  # accepted again, or changed by an operator or another desk meanwhile
        status = current_status(session, acceptance.alert_id)
        kept_id = alert.fcm_message_id
    elif status == "envoyee":
        others = [(int(i), str(s)) for i, s in session.execute(sql.RETIRE_OTHERS, params)]
    session.execute(
        sql.INSERT_ATTEMPT,
        {
            "alert_id": acceptance.alert_id,
            "at": acceptance.at,
            "desk": acceptance.desk,
            "outcome": "journal" if from_journal else "succes",
            "http_status": None,
            "error": None,
            "message_id": acceptance.message_id,
        },
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


def recover(
    db: Database,
    journal: AcceptJournal,
    *,
    clock: Callable[[], datetime] = utcnow,
    desk: str | None = None,
) -> list[int]:
    """Run by every process that opens the database, and often by the sender:

    1. the acceptances the journal holds (FCM answered, the database was cut) are recorded,
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
        with db.session() as session:
            lock_outbox(session)
            exists = session.scalar(select(Alert.id).where(Alert.id == acceptance.alert_id))
            if exists is not None:
                record_acceptance(session, acceptance, from_journal=True)
        with contextlib.suppress(OSError):
            journal.recorded(acceptance)
    now = clock()
    with db.session() as session:
        lock_outbox(session)
        statement = sql.recover_statement(db.dialect == "postgresql")
        beyond = now + timedelta(seconds=MAX_LEASE_SECONDS + CLOCK_TOLERANCE_SECONDS)
        params = {"b_now": now, "b_beyond": beyond, "b_error": CRASH_MESSAGE}
        ids = sorted(session.scalars(statement, params))
        for alert_id in ids:
            session.execute(
                sql.INSERT_ATTEMPT,
                {
                    "alert_id": alert_id,
                    "at": now,
                    "outcome": "inconnu",
                    "http_status": None,
                    "error": CRASH_MESSAGE,
                    "desk": desk or desk_name(),
                    "message_id": None,
                },
            )
            audit.record(session, audit.SYSTEM_ACTOR, "a_verifier", "alerte", alert_id, at=now)
    return ids
