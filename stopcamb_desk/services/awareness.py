"""What a desk must be told without looking (Qt-free): another desk — or the headless sender
``stopcamb-desk outbox run`` — sent, replaced, withdrew or resent the alert of one of my
départements, or one of my own sends changed status (sent, failed, to check…).

:class:`AwarenessWatch` keeps, per alert that may still change, the status last seen. Each
:meth:`AwarenessWatch.poll` (after a change on the bus) reads the new alerts (id above the
highest seen, primary key), the ones still open or named by the bus, and the ones named by the
audit events written since the last look. Every status change of an alert writes its audit event
in the same transaction (``audit verify`` holds each alert to its events), so the audit
journal's primary key is the change counter that SQLite lacks: « Renvoyer » puts an old failed
row back in the outbox — no new id, and on SQLite no ``NOTIFY`` to name it — and its
« renvoi » event names it. A few rows through primary keys, whatever the size of the history.
The first look (:meth:`AwarenessWatch.start`) announces nothing: only what happens while the
desk is open.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, func, or_, select
from sqlalchemy.orm import Session

from stopcamb_desk.domain.departements import audience_label
from stopcamb_desk.domain.roles import Principal
from stopcamb_desk.domain.status import (
    IN_PROGRESS_STATUSES,
    SCHEDULED_STATUSES,
    alert_nature,
    sent_headline,
    status_label,
)
from stopcamb_desk.models import Alert, AuditEvent, Operator, utcnow
from stopcamb_desk.models.db import Database
from stopcamb_desk.services.retraction import is_retraction_sql

# Statuses from which an alert may still move without anyone looking at it.
OPEN_STATUSES: frozenset[str] = IN_PROGRESS_STATUSES | SCHEDULED_STATUSES | {"a_verifier"}
# My own alert reaching one of these is announced (the composer may be long closed).
OWN_NOTICE_STATUSES: frozenset[str] = frozenset(
    {"envoyee", "echec", "a_verifier", "remplacee_attente", "expiree"}
)
# Another desk's alert is announced when FCM accepted it: it is on the phones.
OTHERS_NOTICE_STATUSES: frozenset[str] = frozenset({"envoyee"})
# The audit events' object type for alerts, and the action of « Renvoyer » (outbox_resend.py).
ALERT_OBJECT = "alerte"
RESEND_ACTION = "renvoi"


@dataclass(frozen=True, slots=True)
class Notice:
    """One thing to tell the operator, with the alert it opens in the history."""

    alert_id: int
    text: str
    own: bool  # one of the operator's own sends
    at: datetime
    attention: bool = False  # failed or to check: the operator has something to do


@dataclass(frozen=True, slots=True)
class _Seen:
    id: int
    status: str
    departement: str | None
    author_id: int
    author_nom: str
    replaces_id: int | None
    retraction: bool


_COLUMNS = (
    Alert.id,
    Alert.status,
    Alert.departement,
    Alert.author_id,
    Operator.nom,
    Alert.replaces_id,
    is_retraction_sql(),
)


def notice_text(seen: _Seen, own: bool, resent: bool = False) -> str:
    """« Retrait envoyé par un autre poste — abonnés du 74 — Haute-Savoie — n° 12, MDL Roux
    (CORG 74) », « Alerte renvoyée par un autre poste — … », « Votre alerte n° 12 : Échec ».
    The author last and unbracketed: account names often carry their own parentheses."""
    nature = alert_nature(seen.replaces_id, seen.retraction)
    if own:
        label = status_label(seen.status, retraction=seen.retraction)
        return f"Votre {nature.lower()} n° {seen.id} : {label}"
    headline = sent_headline(nature, resent=resent)
    return (
        f"{headline} par un autre poste — {audience_label(seen.departement)} "
        f"— n° {seen.id}, {seen.author_nom}"
    )


class AwarenessWatch:
    """Not thread-safe: call it from one worker at a time (the desk's database worker)."""

    def __init__(self, db: Database, principal: Principal) -> None:
        self._db = db
        self._principal = principal
        self._open: dict[int, str] = {}  # alert id → status last seen, while it may change
        self._resent: set[int] = set()  # put back in the outbox, not yet out of it
        self._max_id = 0
        self._max_event = 0  # the last audit event looked at
        self._started = False

    def _mine(self) -> ColumnElement[bool]:
        """My départements' alerts (national ones for a national account), or my own."""
        me = Alert.author_id == self._principal.operator_id
        if self._principal.departements:
            return or_(me, Alert.departement.in_(self._principal.departements))
        return or_(me, Alert.departement.is_(None))

    def start(self) -> None:
        """The first look: remember what is open, announce nothing."""
        with self._db.session() as session:
            self._max_event = int(session.scalar(select(func.max(AuditEvent.id))) or 0)
            self._max_id = int(session.scalar(select(func.max(Alert.id))) or 0)
            opened = select(Alert.id, Alert.status).where(
                Alert.status.in_(sorted(OPEN_STATUSES)), self._mine()
            )
            self._open = {row.id: row.status for row in session.execute(opened)}
        self._started = True

    def poll(self, named: Iterable[int] = ()) -> list[Notice]:
        """What changed since the last look, oldest first; ``named``: ids the bus reported."""
        if not self._started:
            self.start()
            return []
        with self._db.session() as session:
            # The events first: a change committed between the two reads is seen now or,
            # through its event, at the next look — never lost.
            ids = set(self._open) | set(named) | self._changed_since_last_look(session)
            where = Alert.id > self._max_id
            if ids:
                where = or_(where, Alert.id.in_(sorted(ids)))
            query = (
                select(*_COLUMNS)
                .join(Operator, Alert.author_id == Operator.id)
                .where(where, self._mine())
                .order_by(Alert.id)
            )
            rows = [_Seen(*row) for row in session.execute(query)]
        now = utcnow()
        notices: list[Notice] = []
        for seen in rows:
            self._max_id = max(self._max_id, seen.id)
            before = self._open.get(seen.id)
            resent = seen.id in self._resent
            if seen.status in OPEN_STATUSES:
                self._open[seen.id] = seen.status
            else:
                self._open.pop(seen.id, None)
            if seen.status == before:
                continue
            own = seen.author_id == self._principal.operator_id
            wanted = OWN_NOTICE_STATUSES if own else OTHERS_NOTICE_STATUSES
            if seen.status in wanted and (own or self._covers(seen.departement)):
                attention = seen.status in ("echec", "a_verifier", "expiree")
                text = notice_text(seen, own, resent)
                notices.append(Notice(seen.id, text, own, now, attention))
        self._resent.intersection_update(self._open)  # out of the outbox, or not mine
        return notices

    def _changed_since_last_look(self, session: Session) -> set[int]:
        """The alerts whose status changed since the last look, by their audit events (an old
        row put back in the outbox included); remembers which ones were resent."""
        query = select(
            AuditEvent.id, AuditEvent.object_type, AuditEvent.object_id, AuditEvent.action
        )
        changed: set[int] = set()
        for event_id, object_type, object_id, action in session.execute(
            query.where(AuditEvent.id > self._max_event).order_by(AuditEvent.id)
        ):
            self._max_event = max(self._max_event, event_id)
            if object_type != ALERT_OBJECT or not str(object_id).isdigit():
                continue
            changed.add(int(object_id))
            if action == RESEND_ACTION:
                self._resent.add(int(object_id))
        return changed

    def _covers(self, departement: str | None) -> bool:
        if departement is None:
            return not self._principal.departements
        return departement in self._principal.departements
