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
  transaction; nothing touches the network. « Envoyer maintenant » (``claim=True``) also claims
  it in that transaction when its topic lets it go (no other alert of the topic in flight: the
  new alert is its topic's newest): the alert is inserted ``envoi`` and handed to this
  process's sender (:meth:`Outbox.deliver`, :meth:`Outbox.process_due`) — one durable
  transaction less before the phones hear of it. If this process dies before sending it, its
  lease runs out like any claim's.
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

The outbox is the one interface of sending; its parts live by responsibility:
:mod:`.outbox_payload` (what is committed when an alert is queued), :mod:`.outbox_outcome`
(where an answer leaves the alert), :mod:`.outbox_recovery` and :mod:`.outbox_journal` (nothing
accepted is lost), :mod:`.outbox_sql` (the lock and the statements).

``attempt_count`` counts the attempts of the current round (reset by « Renvoyer »);
``alert_attempts`` keeps every attempt.
"""

from __future__ import annotations

import contextlib
import logging
import random
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError, SQLAlchemyError
from sqlalchemy.orm import Session

from stopcamb_desk.domain.lifecycle import MAX_LEASE_SECONDS
from stopcamb_desk.domain.roles import Principal
from stopcamb_desk.domain.rules.model import Verdict
from stopcamb_desk.domain.status import IN_PROGRESS_STATUSES, SCHEDULED_STATUSES
from stopcamb_desk.models import Alert, Operator, utcnow
from stopcamb_desk.models.db import Database, DatabaseError, explain_failure
from stopcamb_desk.models.round_trips import first_rows
from stopcamb_desk.push.gateway import PermanentPushError, PushError, PushGateway, SendResult
from stopcamb_desk.push.payload import payload_from_json
from stopcamb_desk.services import audit
from stopcamb_desk.services import outbox_sql as sql
from stopcamb_desk.services.audit_alerts import payload_refusal
from stopcamb_desk.services.changes import Change, ChangeHub
from stopcamb_desk.services.composer import Draft, SendRefused, check_target
from stopcamb_desk.services.outbox_journal import Acceptance, AcceptedNotRecorded, AcceptJournal
from stopcamb_desk.services.outbox_outcome import (
    record_acceptance,
    record_failure,
    return_lost_turn,
)
from stopcamb_desk.services.outbox_payload import Queued, queue_alert
from stopcamb_desk.services.outbox_policy import Claimed, Outcome, RetryPolicy, desk_name
from stopcamb_desk.services.outbox_recovery import recover
from stopcamb_desk.services.outbox_resend import requeue
from stopcamb_desk.services.schedule import release_due
from stopcamb_desk.services.schedule_model import Schedule

log = logging.getLogger(__name__)

CLAIM_BATCH = 10
RECORD_TRIES = 4


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
        # Set once an alert queued here is committed: the database's mode is then settled.
        self._mode_settled = False
        # Alerts claimed when queued (« Envoyer maintenant »), waiting for this process's sender.
        self._handed: dict[int, Claimed] = {}
        self._handed_lock = threading.Lock()
        self._closed = False  # the sender stopped: nothing is handed any more

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
        claim: bool = False,
        precheck: Callable[[Session], None] | None = None,
    ) -> int:
        """Commit the alert « en attente » with its exact payload and audit event; no network.
        Older alerts of its topic still waiting become « remplacée avant envoi ».

        With ``schedule`` the alert is « programmée » instead: out of its topic's order until
        it falls due (:mod:`.schedule` releases it). With ``claim`` (« Envoyer maintenant »)
        it is claimed in the same transaction if its topic lets it go now, and handed to this
        process's sender: :meth:`deliver` or :meth:`process_due` sends it.

        ``precheck`` runs first in the same locked transaction (a replacement checks there
        that its alert is still the head and bumps its version): what it checked cannot change
        before the alert is committed, and no other lock is held meanwhile."""
        check_target(principal, draft)
        if not verdict.sendable:
            raise SendRefused("Envoi impossible : le contrôle des règles a bloqué ce texte.")
        try:
            queued, handed, released = self._enqueue(
                principal, draft, verdict, replaces_id, retraction, schedule, claim, precheck
            )
        except SQLAlchemyError as exc:  # nothing committed: said in French, nothing lost
            raise DatabaseError(explain_failure(exc, self.db.url)) from exc
        self._mode_settled = True
        alert_id = queued.alert_id
        for old, status in released:
            self.notify(old, status)
        for old in queued.stopped:
            self.notify(old, "remplacee_attente")
        if handed is not None:
            self._hand([handed])
            self.notify(alert_id, "envoi")
        else:
            self.notify(alert_id, "programmee" if schedule else "en_attente")
        return alert_id

    def _enqueue(
        self,
        principal: Principal,
        draft: Draft,
        verdict: Verdict,
        replaces_id: int | None,
        retraction: bool,
        schedule: Schedule | None,
        claim: bool,
        precheck: Callable[[Session], None] | None,
    ) -> tuple[Queued, Claimed | None, list[tuple[int, str]]]:
        """:meth:`enqueue`'s transaction: the alert committed, what was claimed, released."""
        with sql.outbox_session(self.db) as session:
            if precheck is not None:
                precheck(session)
            topic = draft.audience[1]
            first = first_rows(  # with the transaction's opening, on PostgreSQL
                session,
                sql.enqueue_preamble(self.db.dialect == "postgresql"),
                {"b_now": self.clock(), "b_topic": topic, "b_gateway": self.gateway.name},
            )[0]
            now = self.clock()  # under the lock, however long another desk held it
            lease = now + timedelta(seconds=self.policy.lease_seconds)
            audit.know_head(session, first.head_id, first.head_mac)
            numbers = (int(first.next_id), int(first.next_sequence))
            released: list[tuple[int, str]] = []
            if first.planned_due is not None:
                # Planned messages due by now enter their topic's order first: queued after
                # them, this alert is the newer one (it stops them), never covered by them.
                released = release_due(session, now=now, ttl_hours=self.ttl_hours)
                sequence = session.execute(sql.NEXT_SEQUENCE, {"b_topic": topic}).scalar_one()
                numbers = (numbers[0], int(sequence))
            queued = queue_alert(
                session,
                principal,
                draft,
                verdict,
                gateway=self.gateway.name,
                ttl_hours=self.ttl_hours,
                now=now,
                replaces_id=replaces_id,
                retraction=retraction,
                schedule=schedule,
                mode_checked=self._mode_settled,
                numbers=numbers,
                # planned messages just released into the topic wait there too
                older_waiting=first.stoppable is not None or bool(released),
                # Built and authenticated in this very transaction: nothing to check again.
                claim_lease=lease if claim and schedule is None and not first.in_flight else None,
            )
        return queued, queued.claimed, released

    # -- planned messages ---------------------------------------------------------------------
    def release_due(self) -> list[tuple[int, str]]:
        """Planned messages that fell due go into their topic's order (or expire); returns
        (id, new status). Run by every sender before claiming, under the outbox lock."""
        with sql.outbox_session(self.db) as session:
            changed = release_due(session, now=self.clock(), ttl_hours=self.ttl_hours)
        for alert_id, status in changed:
            self.notify(alert_id, status)
        return changed

    # -- claim --------------------------------------------------------------------------------
    def claim(self, alert_id: int | None = None, limit: int = CLAIM_BATCH) -> list[Claimed]:
        """Move due alerts ``en_attente → envoi`` (or just ``alert_id``) in one statement,
        in per-topic order (see ``outbox_sql.claim_statement``). The new ``next_attempt_at``
        is the claim's lease (see :func:`recover`)."""
        with sql.outbox_session(self.db) as session:
            stale = self._expire_stale(session, self.clock())
            claimed = self._claim_rows(session, alert_id, limit)
        for alert_id in stale:
            self.notify(alert_id, "echec")
        for c in claimed:
            self.notify(c.id, "envoi")
        return claimed

    def _claim_rows(self, session: Session, alert_id: int | None, limit: int) -> list[Claimed]:
        """The claim statement in the caller's locked transaction, oldest first. Each body is
        checked against the audit trail here, in the transaction that read it — the exact bytes
        handed to FCM later: only what the trail authenticates reaches the phones."""
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
        rows = session.execute(statement, params).all()
        return sorted(
            (
                Claimed(
                    *(r[0], r[1], r[2], r[3], r[4], r[5], payload_from_json(r[6]), r[7]),
                    lease_until=lease,
                    payload_json=r[6],
                    forged=payload_refusal(session, r[0], r[1], r[6]),
                    gateway=self.gateway.name,
                )
                for r in rows
            ),
            key=lambda c: c.id,
        )

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
        """Send ``alert_id`` if it was handed to this process when queued, else claim it if due
        and send it; None if it was not ours to send (now)."""
        with self._handed_lock:
            handed = self._handed.pop(alert_id, None)
        claimed = [handed] if handed is not None else self.claim(alert_id)
        return self.send_claimed(claimed[0]) if claimed else None

    def process_due(self, limit: int = CLAIM_BATCH) -> list[Outcome]:
        """Send what was handed to this process when queued, then claim and send every due
        alert (oldest first)."""
        with self._handed_lock:
            handed = sorted(self._handed.values(), key=lambda c: c.id)
            self._handed.clear()
        outcomes = self._send_all(handed)
        return outcomes + self._send_all(self.claim(limit=limit))

    def _send_all(self, claims: list[Claimed]) -> list[Outcome]:
        """Send ``claims`` in order; if the database goes away, the unsent rest stay this
        sender's (tried again while their lease runs) rather than wait to be « à vérifier »."""
        outcomes = []
        for index, claimed in enumerate(claims):
            try:
                outcomes.append(self.send_claimed(claimed))
            except BaseException:
                self._hand(claims[index + 1 :])
                raise
        return outcomes

    def _hand(self, claims: list[Claimed]) -> None:
        """Keep ``claims`` for this process's sender; once it stopped, back in the queue."""
        with self._handed_lock:
            if not self._closed:
                self._handed.update((c.id, c) for c in claims)
                return
        for claimed in claims:  # a send committed while the desk quits: the next sender's
            self._give_back(claimed)

    def send_claimed(self, claimed: Claimed) -> Outcome:
        try:
            lost = self._lease_lost(claimed)
        except OperationalError:  # connection lost, nothing sent: this sender tries again
            self._hand([claimed])
            raise
        if lost is not None:  # never hand it to FCM once another process may have taken over
            return lost
        if claimed.forged is not None:  # not authenticated when claimed: it never goes out
            return self._finish(claimed, PermanentPushError(claimed.forged))
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
        """None while this desk still holds ``claimed`` (same version, enough lease left for the
        request to end before the lease does: ``send_margin``). Else the alert went nowhere: it
        goes back in the queue (or « remplacée avant envoi » if a newer one of its topic took
        its place) — even if recovery meanwhile said « à vérifier »."""
        margin = timedelta(seconds=self.policy.send_margin)
        lease_ok = claimed.lease_until is None or self.clock() + margin < claimed.lease_until
        row = self.db.read_one(sql.CURRENT_STATUS_VERSION, {"b_id": claimed.id})
        if lease_ok and (row.status, row.version) == ("envoi", claimed.version):
            return None
        return self._give_back(claimed)

    def _give_back(self, claimed: Claimed) -> Outcome:
        """``claimed`` never reached FCM from here: back in the queue (see
        :func:`return_lost_turn`)."""
        with sql.outbox_session(self.db) as session:
            outcome, changed = return_lost_turn(session, claimed, desk=self.desk, now=self.clock())
        if changed:
            self.notify(claimed.id, outcome.status)
        return outcome

    def give_back_handed(self) -> list[Outcome]:
        """This process's sender stops (the desk quits): what was claimed when queued and not
        sent yet goes back in the queue at once — the next sender on this database sends it,
        instead of waiting for the lease to run out and asking an operator to check it. What a
        job still running commits afterwards goes back likewise (:meth:`_hand`)."""
        with self._handed_lock:
            self._closed = True
            handed = sorted(self._handed.values(), key=lambda c: c.id)
            self._handed.clear()
        return [self._give_back(claimed) for claimed in handed]

    def _finish(self, claimed: Claimed, result: SendResult | PushError) -> Outcome:
        """Journal an acceptance, then record the attempt and its outcome (retried on a write
        conflict). If the database stays unreachable, the acceptance waits in the journal,
        forced to the disk (:class:`AcceptedNotRecorded`); a failure is simply retried later."""
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
                if journaled:
                    journaled = self._sync_journal()
                raise AcceptedNotRecorded(claimed.id, journaled=journaled) from exc
            raise DatabaseError(explain_failure(exc, self.db.url)) from exc
        if journaled and acceptance is not None:
            with contextlib.suppress(OSError):  # harmless if lost: replaying is idempotent
                self.journal.recorded(acceptance)
        self.notify(claimed.id, outcome.status)
        for other_id, status in outcome.others:
            self.notify(other_id, status)
        return outcome

    def _sync_journal(self) -> bool:
        """The journal alone holds an acceptance now: on the disk, or False if it cannot be."""
        try:
            self.journal.sync()
        except OSError as exc:
            log.error("Journal des envois impossible à écrire sur le disque (%s)", exc.strerror)
            return False
        return True

    def _record_retrying(
        self, claimed: Claimed, result: SendResult | PushError, acceptance: Acceptance | None
    ) -> Outcome:
        for attempt in range(RECORD_TRIES):
            try:
                with sql.outbox_session(self.db) as session:
                    if acceptance is not None:
                        return record_acceptance(session, acceptance, claimed=claimed)
                    assert isinstance(result, PushError)
                    return record_failure(
                        session,
                        claimed,
                        result,
                        self.clock(),
                        desk=self.desk,
                        policy=self.policy,
                        rng=self.rng,
                        ttl_hours=self.ttl_hours,
                    )
            except OperationalError:
                if attempt == RECORD_TRIES - 1:
                    raise
                self.wait_changed(0.05 * (attempt + 1))
        raise AssertionError("unreachable")

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
        with sql.outbox_session(self.db) as session:
            # A planned message due by now is newer than this resend: it goes first in order.
            released = release_due(session, now=self.clock(), ttl_hours=self.ttl_hours)
            requeue(
                session,
                principal,
                alert_id,
                now=self.clock(),
                ttl_hours=self.ttl_hours,
                gateway=self.gateway.name,
            )
        for other, status in released:
            self.notify(other, status)
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
