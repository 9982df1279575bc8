"""Whether an alert may be replaced or withdrawn: the topic's head, conflicts, the SQLite lock.

The rules are described in :mod:`stopcamb_desk.services.replacement`; this module holds the
checks (:func:`load_alert`, :func:`check_role`, :func:`topic_head`, :func:`check_replaceable`),
and the French :class:`ReplacementError`/:class:`ReplacementConflict` they raise.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from stopcamb_desk.domain.departements import departement_name
from stopcamb_desk.domain.errors import DeskError
from stopcamb_desk.domain.lifecycle import replace_status_refusal
from stopcamb_desk.domain.roles import Permission, PermissionDenied, Principal, require
from stopcamb_desk.domain.rules.text import EXERCISE_PREFIX
from stopcamb_desk.domain.status import HEAD_STATUSES, status_label
from stopcamb_desk.models import Alert, Operator
from stopcamb_desk.services.history import may_see
from stopcamb_desk.services.history_model import loads_object

if TYPE_CHECKING:
    from sqlalchemy.orm import Session


class ReplacementError(DeskError):
    """A refused replacement or retraction; ``message`` is French and says what to do."""


class ReplacementConflict(ReplacementError):
    """The alert is no longer the one on the phones, or changed since it was displayed."""

    def __init__(
        self,
        message: str,
        *,
        head_id: int | None,
        head_text: str | None = None,
        by: str | None = None,
        at: datetime | None = None,
    ) -> None:
        super().__init__(message)
        self.head_id = head_id
        self.head_text = head_text
        self.by = by
        self.at = at


def local_time(moment: datetime) -> str:
    return moment.astimezone().strftime("le %d/%m/%Y à %H:%M:%S")


def target_label(departement: str | None) -> str:
    return "national" if departement is None else f"{departement} — {departement_name(departement)}"


def load_alert(session: Session, principal: Principal, alert_id: int) -> Any:
    """The alert ``alert_id`` as stored now, if ``principal`` may see it."""
    alert = session.get(Alert, alert_id, populate_existing=True)
    if alert is None or not may_see(principal, alert.departement):
        raise ReplacementError(f"Alerte n° {alert_id} introuvable dans votre historique.")
    return alert


def check_role(principal: Principal, alert: Any) -> None:
    if alert.departement is None:
        require(principal, Permission.SEND_PREVENTION)
    elif not principal.covers(alert.departement):
        raise PermissionDenied(
            f"L'alerte n° {alert.id} vise le département {alert.departement}, qui n'est pas "
            "le vôtre : seul un opérateur de ce département peut la remplacer ou la retirer."
        )


def topic_head(session: Session, topic: str) -> Any:
    """The newest alert of ``topic`` that is (or will be) on the phones, with its author."""
    return session.execute(
        select(
            Alert.id,
            Alert.sequence,
            Alert.replaces_id,
            Alert.created_at,
            Alert.text,
            Alert.payload_json,
            Operator.login,
            Operator.nom,
        )
        .join(Operator, Alert.author_id == Operator.id)
        .where(Alert.topic == topic, Alert.status.in_(sorted(HEAD_STATUSES)))
        .order_by(Alert.sequence.desc(), Alert.id.desc())
        .limit(1)
    ).first()


def check_replaceable(session: Session, alert: Any, expected_version: int | None) -> None:
    """Raise why ``alert`` cannot be replaced now (conflict first), or return."""
    head = topic_head(session, alert.topic)
    if head is not None and head.sequence > alert.sequence:
        raise conflict(alert.id, head)
    if expected_version is not None and alert.version != expected_version:
        raise ReplacementConflict(
            f"L'alerte n° {alert.id} a changé depuis son affichage (elle est maintenant « "
            f"{status_label(alert.status)} », modifiée {local_time(alert.updated_at)}) : "
            "un autre poste est peut-être en train de la remplacer. Relisez l'historique "
            "puis recommencez.",
            head_id=head.id if head is not None else None,
            head_text=head.text if head is not None else None,
            at=alert.updated_at,
        )
    reason = replace_status_refusal(alert.id, alert.status)
    if reason is not None:
        raise ReplacementError(reason)


def conflict(alert_id: int, head: Any) -> ReplacementConflict:
    """Who replaced or withdrew ``alert_id``, or which newer alert took its place, and when."""
    data = (loads_object(head.payload_json).get("message") or {}).get("data") or {}
    who = f"{head.nom} ({head.login})" if head.nom and head.nom != head.login else head.login
    when = local_time(head.created_at)
    if head.replaces_id == alert_id and data.get("retraction") == "1":
        what = (
            f"L'alerte n° {alert_id} a déjà été retirée par {who} {when} "
            f"(message de retrait n° {head.id})"
        )
    elif head.replaces_id == alert_id:
        what = (
            f"L'alerte n° {alert_id} a déjà été remplacée par {who} {when} : "
            f"l'alerte n° {head.id} a pris sa place"
        )
    else:
        what = (
            f"Une alerte plus récente (n° {head.id}, envoyée par {who} {when}) a pris la "
            f"place de l'alerte n° {alert_id}"
        )
    return ReplacementConflict(
        f"{what}. C'est l'alerte n° {head.id} qui est sur les téléphones : relisez-la ; seule "
        "elle peut être remplacée ou retirée.",
        head_id=head.id,
        head_text=head.text,
        by=who,
        at=head.created_at,
    )


def typed_text(stored: str, exercise: bool) -> str:
    """The stored text without the « EXERCICE » prefix the checker adds again."""
    if exercise and stored.startswith(EXERCISE_PREFIX):
        return stored[len(EXERCISE_PREFIX) :]
    return stored
