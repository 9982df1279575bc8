"""« Renvoyer »: put an alert in ``echec`` or ``a_verifier`` back in the outbox, same payload."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from stopcamb_desk.domain.lifecycle import resend_refusal
from stopcamb_desk.domain.roles import Permission, PermissionDenied, Principal, require
from stopcamb_desk.models import Alert
from stopcamb_desk.services import audit
from stopcamb_desk.services.outbox_policy import OutboxError
from stopcamb_desk.services.outbox_sql import newer_blocking


def requeue(
    session: Session,
    principal: Principal,
    alert_id: int,
    *,
    now: datetime,
    ttl_hours: int,
    gateway: str,
) -> None:
    """Check role and the resend rule (domain/lifecycle.py), then set the alert
    ``en_attente``, due now. The caller holds the outbox lock."""
    alert = session.get(Alert, alert_id, populate_existing=True)
    if alert is None:
        raise OutboxError(f"Alerte n° {alert_id} introuvable.")
    if alert.departement is None:
        require(principal, Permission.SEND_PREVENTION)
    elif not principal.covers(alert.departement):
        raise PermissionDenied(
            f"L'alerte n° {alert_id} vise le département {alert.departement}, qui n'est pas "
            "le vôtre."
        )
    reason = resend_refusal(
        alert_id,
        alert.status,
        alert.scheduled_for or alert.created_at,
        newer_id=newer_blocking(session, alert.topic, alert.sequence),
        now=now,
        ttl_hours=ttl_hours,
    )
    if reason is not None:
        raise OutboxError(reason)
    if alert.gateway != gateway:
        raise OutboxError(
            f"L'alerte n° {alert_id} a été enregistrée en mode « {alert.gateway} » : ce poste "
            f"(« {gateway} ») ne peut pas la renvoyer. Rien n'a été renvoyé."
        )
    previous = alert.status
    alert.status = "en_attente"
    alert.attempt_count = 0
    alert.next_attempt_at = now
    audit.record(
        session,
        principal.login,
        "renvoi",
        "alerte",
        alert_id,
        {"statut_precedent": previous},
        at=now,
    )
