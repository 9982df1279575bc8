"""« Renvoyer »: put an alert in ``echec`` or ``a_verifier`` back in the outbox, same payload."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from stopcamb_desk.domain.roles import Permission, PermissionDenied, Principal, require
from stopcamb_desk.models import Alert
from stopcamb_desk.services import audit
from stopcamb_desk.services.outbox_policy import SENT_STATUSES, OutboxError


def requeue(
    session: Session,
    principal: Principal,
    alert_id: int,
    *,
    now: datetime,
    ttl_hours: int,
    gateway: str,
) -> None:
    """Check role, status, lifetime and order, then set the alert ``en_attente``, due now."""
    if session.get_bind().dialect.name == "sqlite":
        session.execute(text("BEGIN IMMEDIATE"))
    alert = session.get(Alert, alert_id)
    if alert is None:
        raise OutboxError(f"Alerte n° {alert_id} introuvable.")
    if alert.departement is None:
        require(principal, Permission.SEND_PREVENTION)
    elif not principal.covers(alert.departement):
        raise PermissionDenied(
            f"L'alerte n° {alert_id} vise le département {alert.departement}, qui n'est pas "
            "le vôtre."
        )
    if alert.status not in ("echec", "a_verifier"):
        raise OutboxError(
            f"L'alerte n° {alert_id} n'est ni en échec ni à vérifier : rien à renvoyer."
        )
    if now >= alert.created_at + timedelta(hours=ttl_hours):
        raise OutboxError(
            f"L'alerte n° {alert_id} a dépassé sa durée de vie : rédigez une nouvelle alerte si "
            "elle est toujours d'actualité."
        )
    newer = session.scalar(
        select(func.max(Alert.id)).where(
            Alert.topic == alert.topic,
            Alert.sequence > alert.sequence,
            Alert.status.in_(SENT_STATUSES),
        )
    )
    if newer is not None:
        raise OutboxError(
            f"Une alerte plus récente (n° {newer}) a déjà été envoyée à ce public : renvoyer "
            "celle-ci ne l'afficherait pas sur les téléphones."
        )
    previous = alert.status
    alert.status = "en_attente"
    alert.attempt_count = 0
    alert.next_attempt_at = now
    alert.gateway = gateway
    audit.record(
        session,
        principal.login,
        "renvoi",
        "alerte",
        alert_id,
        {"statut_precedent": previous},
        at=now,
    )
