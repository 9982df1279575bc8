"""Planned national prevention messages: plan, list, edit, cancel, and release when due.

A planned message is an alert « programmée » (rules: ``domain/lifecycle.py``). It is committed
with its text, checked by the rule checker like any send, but stays out of its topic's order.
Every sender — an open desk's worker or ``stopcamb-desk outbox run`` — calls
:func:`release_due` under the outbox lock before claiming: a message that fell due takes the
next sequence number of its topic, its payload is built for that moment, and it is queued
(older waiting ones of the topic are stopped, as for any new alert). Two senders never release
it twice (the lock, then the status). If no sender ran at the time, the message still goes
within its validity window; past it, it becomes « expirée » and is never sent stale.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session

from stopcamb_desk.domain.errors import DeskError
from stopcamb_desk.domain.lifecycle import local_time_refusal, schedule_refusal, still_valid
from stopcamb_desk.domain.roles import Permission, Principal, require
from stopcamb_desk.domain.rules.model import MessageKind
from stopcamb_desk.domain.status import status_label
from stopcamb_desk.models import Alert, Operator
from stopcamb_desk.push.payload import AlertPush, build_payload, payload_to_json
from stopcamb_desk.services import audit
from stopcamb_desk.services import outbox_sql as sql
from stopcamb_desk.services.alert_record import content_of
from stopcamb_desk.services.audit_alerts import content_refusal
from stopcamb_desk.services.composer import Draft, validate_for_send
from stopcamb_desk.services.outbox_payload import stop_older
from stopcamb_desk.services.schedule_model import Schedule

if TYPE_CHECKING:
    from stopcamb_desk.domain.places import PlaceFinder
    from stopcamb_desk.services.outbox import Outbox


class ScheduleError(DeskError):
    """A planned message cannot be planned, changed or cancelled as asked."""


@dataclass(frozen=True, slots=True)
class PlannedMessage:
    id: int
    text: str
    at: datetime
    valid_until: datetime
    author: str
    version: int


def planned_moment(at: datetime) -> datetime:
    """The UTC moment the operator named for a planned message.

    An aware time is taken as it says (its offset was chosen); a naive one is read on the
    desk's wall clock, and refused when the clocks change that night makes it name no moment
    (the hour skipped in spring) or two (the hour repeated in autumn: the offset must be said).
    Every way of planning goes through here (the composer, ``send --programmer``,
    ``scheduled edit``), so none shifts or guesses the hour.
    """
    if at.tzinfo is None:
        reason = local_time_refusal(at)
        if reason is not None:
            raise ScheduleError(reason)
    return at.astimezone(UTC)


def _local(moment: datetime) -> str:
    return moment.astimezone().strftime("%d/%m/%Y à %H:%M")


def _payload(alert: Alert, sequence: int, now: datetime, ttl_hours: int) -> str:
    push = AlertPush(
        alert_id=alert.id,
        text=alert.text,
        departement=alert.departement,
        kind=alert.kind,
        sequence=sequence,
        replaces_id=None,
        exercise=alert.exercise,
        ttl_hours=ttl_hours,
    )
    return payload_to_json(build_payload(push, now=now))


def release_due(session: Session, *, now: datetime, ttl_hours: int) -> list[tuple[int, str]]:
    """Queue (or expire) the planned messages due at ``now``; the caller holds the outbox
    lock. Returns (alert id, new status) for every alert changed."""
    due = session.scalars(
        select(Alert).where(sql.PLANNED_DUE).order_by(Alert.scheduled_for, Alert.id),
        {"b_now": now},
    ).all()
    changed: list[tuple[int, str]] = []
    for alert in due:
        assert alert.scheduled_for is not None and alert.valid_until is not None
        if not still_valid(now, alert.valid_until):
            alert.status = "expiree"
            alert.next_attempt_at = None
            alert.last_error = (
                f"Aucun poste ni expéditeur n'a fonctionné entre l'heure prévue "
                f"({_local(alert.scheduled_for)}) et la fin de validité "
                f"({_local(alert.valid_until)}) : message non envoyé. Reprogrammez-le s'il est "
                "toujours d'actualité."
            )
            audit.record(session, audit.SYSTEM_ACTOR, "expiree", "alerte", alert.id, at=now)
            changed.append((alert.id, "expiree"))
            continue
        # Its push is built from the row now: a row edited by SQL since its authenticated
        # event would otherwise go out, and be bound, as if the OPP had planned it.
        refused = content_refusal(session, alert)
        if refused is not None:
            alert.status = "echec"
            alert.next_attempt_at = None
            alert.last_error = refused
            audit.record(
                session,
                audit.SYSTEM_ACTOR,
                "echec",
                "alerte",
                alert.id,
                {"erreur": refused},
                at=now,
            )
            changed.append((alert.id, "echec"))
            continue
        sequence = int(session.execute(sql.NEXT_SEQUENCE, {"b_topic": alert.topic}).scalar_one())
        # The push lives until the end of the validity window, not a full lifetime beyond it.
        left = math.ceil((alert.valid_until - now).total_seconds() / 3600)
        alert.payload_json = _payload(alert, sequence, now, max(1, min(ttl_hours, left)))
        alert.sequence = sequence
        alert.status = "en_attente"
        alert.next_attempt_at = now
        session.flush()
        stopped = stop_older(session, alert.topic, alert.gateway, sequence, alert.id, now)
        late = int((now - alert.scheduled_for).total_seconds())
        audit.record(
            session,
            audit.SYSTEM_ACTOR,
            "programmation_declenchee",
            "alerte",
            alert.id,
            {"contenu": content_of(alert), "annulees": stopped, "retard_secondes": late},
            at=now,
        )
        changed.append((alert.id, "en_attente"))
        changed += [(old, "remplacee_attente") for old in stopped]
    return changed


class ScheduleService:
    """Plan, list, edit and cancel national prevention messages (OPP GGD34)."""

    def __init__(self, outbox: Outbox, places: PlaceFinder | None = None) -> None:
        self.outbox = outbox
        self.places = places

    @property
    def _now(self) -> datetime:
        return self.outbox.clock()

    def _today(self) -> date:
        return self._now.astimezone().date()

    def plan(self, principal: Principal, draft: Draft, schedule: Schedule) -> int:
        """Check role, every rule and the schedule, then commit the message « programmée »."""
        require(principal, Permission.SEND_PREVENTION)
        if draft.kind is not MessageKind.PREVENTION:
            raise ScheduleError(
                "Seuls les messages de prévention nationaux se programment : une alerte "
                "opérationnelle part dès qu'un fait est constaté."
            )
        schedule = replace(schedule, at=planned_moment(schedule.at))
        reason = schedule_refusal(schedule.at, self._now, schedule.validity_hours)
        if reason is not None:
            raise ScheduleError(reason)
        verdict = validate_for_send(principal, draft, self.places, self._today())
        return self.outbox.enqueue(principal, draft, verdict, schedule=schedule)

    def planned(self, principal: Principal) -> list[PlannedMessage]:
        require(principal, Permission.SEND_PREVENTION)
        query = (
            select(Alert, Operator.login)
            .join(Operator, Alert.author_id == Operator.id)
            .where(Alert.status == "programmee")
            .order_by(Alert.scheduled_for, Alert.id)
        )
        with self.outbox.db.session() as session:
            planned = []
            for a, login in session.execute(query):
                assert a.scheduled_for is not None and a.valid_until is not None  # programmee
                planned.append(
                    PlannedMessage(a.id, a.text, a.scheduled_for, a.valid_until, login, a.version)
                )
            return planned

    def _planned_row(
        self, session: Session, principal: Principal, alert_id: int, version: int | None
    ) -> Alert:
        require(principal, Permission.SEND_PREVENTION)
        sql.lock_outbox(session)
        alert = session.get(Alert, alert_id, populate_existing=True)
        if alert is None or alert.scheduled_for is None:
            raise ScheduleError(f"Aucun message programmé n° {alert_id}.")
        if alert.status != "programmee":
            raise ScheduleError(
                f"Le message n° {alert_id} n'est plus programmé (il est « "
                f"{status_label(alert.status)} ») : il ne peut plus être modifié ni annulé."
            )
        if version is not None and alert.version != version:
            raise ScheduleError(
                f"Le message programmé n° {alert_id} vient d'être modifié sur un autre poste : "
                "relisez la liste puis recommencez."
            )
        return alert

    def edit(
        self,
        principal: Principal,
        alert_id: int,
        *,
        version: int | None = None,
        text: str | None = None,
        at: datetime | None = None,
        validity_hours: int | None = None,
    ) -> None:
        """Change the text (checked again), the time (a naive one is the desk's wall clock) or
        the validity of a planned message."""
        moment = planned_moment(at) if at is not None else None
        with self.outbox.db.session() as session:
            alert = self._planned_row(session, principal, alert_id, version)
            assert alert.scheduled_for is not None and alert.valid_until is not None
            if content_refusal(session, alert) is not None:  # never bind a row edited by SQL
                raise ScheduleError(
                    f"Le message programmé n° {alert_id} ne correspond plus au journal d'audit "
                    "(modifié hors de l'application ?) : il ne peut pas être modifié. Annulez-le, "
                    "programmez-en un nouveau et prévenez l'administrateur (stopcamb-desk audit "
                    "verify)."
                )
            hours = (
                validity_hours
                if validity_hours is not None  # 0 is refused below, not taken as « unchanged »
                else round((alert.valid_until - alert.scheduled_for).total_seconds() / 3600)
            )
            schedule = Schedule(moment or alert.scheduled_for, hours)
            reason = schedule_refusal(schedule.at, self._now, schedule.validity_hours)
            if reason is not None:
                raise ScheduleError(reason)
            if text is not None:
                draft = Draft(text=text, kind=MessageKind.PREVENTION, exercise=alert.exercise)
                verdict = validate_for_send(principal, draft, self.places, self._today())
                alert.text = verdict.text_to_send or text
            alert.scheduled_for, alert.valid_until = schedule.at, schedule.valid_until
            alert.next_attempt_at = schedule.at
            alert.payload_json = _payload(alert, alert.sequence, self._now, self.outbox.ttl_hours)
            session.flush()
            audit.record(
                session,
                principal.login,
                "programmation_modifiee",
                "alerte",
                alert.id,
                {"contenu": content_of(alert), **schedule.details()},
                at=self._now,
            )
        self.outbox.notify(alert_id, "programmee")

    def cancel(self, principal: Principal, alert_id: int, *, version: int | None = None) -> None:
        with self.outbox.db.session() as session:
            alert = self._planned_row(session, principal, alert_id, version)
            alert.status = "annulee"
            alert.next_attempt_at = None
            audit.record(
                session, principal.login, "programmation_annulee", "alerte", alert.id, at=self._now
            )
        self.outbox.notify(alert_id, "annulee")
