"""Append-only audit trail, authenticated by HMAC-SHA-256 and chained: each event carries the
previous event's authenticator.

Guarantees and their limits are stated in ``docs/audit.md``. In short, for someone who can run
SQL on the database but cannot read the desk's private files (:mod:`.audit_keys`):

- an event modified, inserted, re-ordered or re-computed is detected (its HMAC does not match:
  the key is not in the database);
- events deleted at the end are detected against the head anchor this desk keeps outside the
  database (the newest event it wrote or verified);
- an alert whose recorded content (text, target, kind, procedure, payload) or status differs
  from what its events say is detected by :func:`.audit_alerts.verify`.

Events written before keys existed (plain SHA-256, ``key_id`` NULL) are accepted only as the
prefix that the first keyed event, ``journal_scelle``, seals (their count and last hash).
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import event as sa_event
from sqlalchemy import func, insert, select, text
from sqlalchemy.orm import Session

from stopcamb_desk.domain.roles import Permission, Principal, require
from stopcamb_desk.models import AuditEvent, utcnow
from stopcamb_desk.models.round_trips import insert_later
from stopcamb_desk.services.audit_keys import (
    Anchor,
    AuditKeyError,
    AuditSecrets,
    load_or_create_keyring,
    rotate_key,
)

if TYPE_CHECKING:
    from stopcamb_desk.models.db import Database

log = logging.getLogger(__name__)

GENESIS = "0" * 64
SYSTEM_ACTOR = "systeme"
SEAL_ACTION = "journal_scelle"
SESSION_KEY = "stopcamb_audit"  # Session.info key of the desk's AuditSecrets
# Arbitrary constant key for the PostgreSQL advisory lock serialising appends.
_PG_LOCK_KEY = 0x53544F50
_LOCKED_IN = "stopcamb_audit_lock"
_HEAD = "stopcamb_audit_head"
_KNOWN_HEAD = "stopcamb_audit_known_head"  # (transaction, (id, MAC) of the chain's head)
_EVENTS: Any = AuditEvent.__table__
# The newest event's id and MAC, as scalar columns: a statement of the caller's that runs under
# the chain lock anyway may return them (:func:`know_head`) instead of a read of its own.
_HEAD_ROW = select(_EVENTS.c.id, _EVENTS.c.hash).order_by(_EVENTS.c.id.desc()).limit(1)
HEAD_ID = _HEAD_ROW.with_only_columns(_EVENTS.c.id).scalar_subquery()
HEAD_MAC = _HEAD_ROW.with_only_columns(_EVENTS.c.hash).scalar_subquery()
_INSERT_EVENT = insert(_EVENTS)


def canonical(event: AuditEvent) -> bytes:
    body: dict[str, Any] = {
        "id": event.id,
        "at": event.at.isoformat(timespec="microseconds"),
        "actor": event.actor,
        "action": event.action,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "details": json.loads(event.details_json),
        "prev": event.prev_hash,
    }
    if event.key_id is not None:
        body["key"] = event.key_id
    return json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def legacy_hash(event: AuditEvent) -> str:
    """The unkeyed SHA-256 of the events written before keys existed."""
    return hashlib.sha256(canonical(event)).hexdigest()


def secrets_of(session: Session) -> AuditSecrets:
    found = session.info.get(SESSION_KEY)
    if not isinstance(found, AuditSecrets):
        raise AuditKeyError(
            "Journal d'audit indisponible : la clé du poste n'est pas chargée. Rien n'a été "
            "enregistré ; relancez l'application (elle crée ou relit la clé au démarrage)."
        )
    return found


# The lock as the first statement of a transaction (``Database.session(opening=…)``).
PG_LOCK_SQL = f"SELECT pg_advisory_xact_lock({_PG_LOCK_KEY})"


def chain_locked(session: Session) -> None:
    """The caller took the chain's lock for this transaction (:data:`PG_LOCK_SQL` as its
    opening on PostgreSQL, SQLite's write lock): :func:`record` takes it no more."""
    session.info[_LOCKED_IN] = session.get_transaction()


def lock_chain(session: Session) -> None:
    """Serialise appends to the chain until the transaction ends (PostgreSQL advisory lock).

    Taken once per transaction: callers that must also serialise other writes (the outbox)
    take it first and :func:`record` then skips the extra round trip.
    """
    transaction = session.get_transaction()
    if transaction is not None and session.info.get(_LOCKED_IN) is transaction:
        return
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text(PG_LOCK_SQL))
    chain_locked(session)


def know_head(session: Session, event_id: int | None, mac: str | None) -> None:
    """The chain's head as a statement of this transaction read it under the chain lock
    (:data:`HEAD_ID`, :data:`HEAD_MAC`; None, None when the trail is empty): the next
    :func:`record` appends after it without reading it again."""
    transaction = session.get_transaction()
    if transaction is None or session.info.get(_LOCKED_IN) is not transaction:
        return  # read before the lock: another desk may have appended since
    head = None if event_id is None or mac is None else (int(event_id), str(mac))
    session.info[_KNOWN_HEAD] = (transaction, head)


def _head(session: Session) -> tuple[int, str] | None:
    """(id, MAC) of the newest event, under the chain lock: known when this transaction read it
    or appended since (nobody else appends meanwhile), else read."""
    known = session.info.get(_KNOWN_HEAD)
    if (
        known is not None
        and known[0] is session.get_transaction()
        and not session.in_nested_transaction()
    ):
        return known[1]  # type: ignore[no-any-return]
    last = session.execute(_HEAD_ROW).first()
    return (last.id, last.hash) if last else None


def _extends_anchor(session: Session, secrets: AuditSecrets, last: tuple[int, str] | None) -> bool:
    """True when the trail still holds the event this desk anchored (nothing truncated or
    rewritten before this append). Otherwise the anchor is never moved past the break, so
    that ordinary writes cannot hide a truncation (``verify`` keeps reporting it).

    ``last`` is the head (id, MAC) just read under the chain lock: when this desk wrote the
    head itself (the usual case) it *is* the anchored event and no second read is needed."""
    anchor = secrets.anchor.get()
    if anchor is None:
        return True
    if last is None or last[0] < anchor.event_id:
        return False
    if last[0] == anchor.event_id:
        return last[1] == anchor.mac
    mac = session.scalar(select(AuditEvent.hash).where(AuditEvent.id == anchor.event_id))
    return mac == anchor.mac


def _remember_head(session: Session, secrets: AuditSecrets, event: AuditEvent) -> None:
    """Advance the head anchor once the transaction that wrote ``event`` commits."""
    session.info[_HEAD] = (secrets.anchor, Anchor(event.id, event.hash))


# One pair of listeners for every session (registering a pair per transaction cost more than
# the audit event's insert): they act only on a session that wrote an event.
@sa_event.listens_for(Session, "after_commit")
def _committed(session: Session) -> None:
    written = session.info.pop(_HEAD, None)
    if written is not None:
        anchor, head = written
        anchor.advance(head)


@sa_event.listens_for(Session, "after_soft_rollback")
def _rolled_back(session: Session, _previous: object) -> None:
    session.info.pop(_HEAD, None)


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
    secrets = secrets_of(session)
    lock_chain(session)
    last = _head(session)
    event = AuditEvent(
        id=(last[0] + 1) if last else 1,
        at=at or utcnow(),
        actor=actor,
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        details_json=json.dumps(details or {}, sort_keys=True, ensure_ascii=False, default=str),
        prev_hash=last[1] if last else GENESIS,
        hash="",
        key_id=secrets.keyring.current,
    )
    event.hash = secrets.keyring.sign(canonical(event))
    intact = _extends_anchor(session, secrets, last)
    if not intact:
        log.error(
            "Journal d'audit : l'événement que ce poste avait écrit ou vérifié a disparu ou "
            "changé ; l'ancre n'avance plus (audit verify le signale)."
        )
    # A Core insert on the table: the event is immutable, the ORM's unit of work (and its
    # bulk-insert path) would only add cost to every send. Nothing reads its answer: it goes
    # with the transaction's next statement, or with its COMMIT.
    insert_later(
        session,
        _INSERT_EVENT,
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
            "key_id": event.key_id,
        },
    )
    know_head(session, event.id, event.hash)
    if intact:
        _remember_head(session, secrets, event)
    return event


def last_change(
    session: Session, object_type: str, object_id: str | int, actions: Iterable[str]
) -> AuditEvent | None:
    """The newest of ``actions`` on one object in the trail: who changed it last, and when."""
    return session.scalar(
        select(AuditEvent)
        .where(
            AuditEvent.object_type == object_type,
            AuditEvent.object_id == str(object_id),
            AuditEvent.action.in_(sorted(actions)),
        )
        .order_by(AuditEvent.id.desc())
        .limit(1)
    )


def changed_by(event: AuditEvent | None) -> str:
    """« par chef74 le 02/12/2026 à 19:05 » (local time), or « sur un autre poste »."""
    if event is None:
        return "sur un autre poste"
    return f"par {event.actor} le {event.at.astimezone().strftime('%d/%m/%Y à %H:%M')}"


def has_keyed_events(session: Session) -> bool:
    """The trail already holds events authenticated by a key."""
    return (
        session.scalar(select(AuditEvent.id).where(AuditEvent.key_id.is_not(None)).limit(1))
        is not None
    )


def seal_legacy(session: Session) -> AuditEvent | None:
    """Seal the unkeyed events of an older version with the first keyed event, if needed."""
    lock_chain(session)
    last = session.execute(
        select(AuditEvent.id, AuditEvent.hash, AuditEvent.key_id)
        .order_by(AuditEvent.id.desc())
        .limit(1)
    ).first()
    if last is None or last.key_id is not None:
        return None
    count = session.scalar(select(func.count()).select_from(AuditEvent))
    return record(
        session,
        SYSTEM_ACTOR,
        SEAL_ACTION,
        details={"evenements_anterieurs": int(count or 0), "derniere_empreinte": last.hash},
    )


@dataclass(frozen=True, slots=True)
class ChainReport:
    ok: bool
    checked: int
    broken_at: int | None = None  # the first event that differs
    reason: str = ""
    alert_id: int | None = None  # the first alert that differs from its events
    alerts_checked: int = 0
    head: Anchor | None = None

    @property
    def summary(self) -> str:
        """The verdict in one French sentence (CLI, GUI)."""
        if self.ok:
            return (
                f"Journal d'audit intègre : {self.checked} événement(s) authentifié(s), "
                f"{self.alerts_checked} alerte(s) conforme(s) à leurs événements."
            )
        if self.alert_id is not None:
            return f"JOURNAL D'AUDIT ALTÉRÉ : {self.reason}."
        return (
            f"JOURNAL D'AUDIT ALTÉRÉ : premier maillon rompu à l'événement n° {self.broken_at} "
            f"({self.reason})."
        )


class _Chain:
    """The running check of the chain, one event at a time."""

    def __init__(self, secrets: AuditSecrets) -> None:
        self.secrets = secrets
        self.prev = GENESIS
        self.expected_id = 1
        self.count = 0
        self.legacy = 0
        self.keyed = False

    def check(self, event: AuditEvent) -> str | None:
        self.count += 1
        if event.id != self.expected_id:
            return f"événement manquant avant le n° {event.id}"
        if event.prev_hash != self.prev:
            return "chaînage rompu (l'empreinte précédente ne correspond pas)"
        if event.key_id is None:
            if self.keyed:
                return "événement non authentifié après le scellement du journal"
            if legacy_hash(event) != event.hash:
                return "contenu modifié après coup"
            self.legacy += 1
        else:
            if not self.secrets.keyring.knows(event.key_id):
                return (
                    f"authentifié par une clé inconnue de ce poste ({event.key_id}) : copiez ici "
                    "la clé d'audit partagée par les postes, ou l'événement est un faux"
                )
            if not self.secrets.keyring.matches(event.key_id, canonical(event), event.hash):
                return "authentifiant invalide : événement modifié, inséré ou recalculé"
            if not self.keyed and self.legacy:
                problem = self._seal_problem(event)
                if problem:
                    return problem
            self.keyed = True
        self.prev = event.hash
        self.expected_id += 1
        return None

    def _seal_problem(self, event: AuditEvent) -> str | None:
        details = json.loads(event.details_json)
        if (
            event.action != SEAL_ACTION
            or details.get("evenements_anterieurs") != self.legacy
            or details.get("derniere_empreinte") != self.prev
        ):
            return "les événements non authentifiés ne sont pas ceux que le scellement couvre"
        return None


def verify_events(events: Iterable[AuditEvent], secrets: AuditSecrets) -> ChainReport:
    """Check authenticators, chaining and the head anchor (not the alerts)."""
    chain = _Chain(secrets)
    anchor = secrets.anchor.get()
    anchor_seen = False
    last: AuditEvent | None = None
    for event in events:
        problem = chain.check(event)
        if problem is not None:
            return ChainReport(False, chain.count, event.id, problem)
        if anchor is not None and event.id == anchor.event_id:
            if event.hash != anchor.mac:
                return ChainReport(
                    False,
                    chain.count,
                    event.id,
                    "différent de l'événement que ce poste avait écrit ou vérifié "
                    "(journal réécrit)",
                )
            anchor_seen = True
        last = event
    if chain.legacy and not chain.keyed:
        return ChainReport(
            False,
            chain.count,
            1,
            "aucun événement authentifié : le journal n'a jamais été scellé par une clé",
        )
    if anchor is not None and not anchor_seen:
        return ChainReport(
            False,
            chain.count,
            anchor.event_id,
            f"événements supprimés : ce poste avait écrit ou vérifié l'événement n° "
            f"{anchor.event_id}, absent de la base (dernier présent : n° "
            f"{last.id if last else 0})",
        )
    head = Anchor(last.id, last.hash) if last is not None else None
    return ChainReport(True, chain.count, head=head)


def rotate_key_as(db: Database, principal: Principal, path: Path) -> str:
    """An administrator rotates the key of ``db``'s trail; the rotation is its first event."""
    require(principal, Permission.MANAGE_SETTINGS)
    old = load_or_create_keyring(path)[0].current
    ring = rotate_key(path)
    with db.session() as session:
        session.info[SESSION_KEY] = replace(secrets_of(session), keyring=ring, created=False)
        record(
            session,
            principal.login,
            "cle_audit_renouvelee",
            "reglages",
            "audit",
            {"ancienne_cle": old, "nouvelle_cle": ring.current},
        )
    return ring.current
