"""``audit verify``, second half: every alert against what its authenticated events say.

The events of an alert are replayed in order (queued, accepted, failed, to check, resent,
replaced before sending; an acceptance also names the alerts it replaced or withdrew) to derive
the status and FCM message id the ``alerts`` row must have, and its content is compared with
the one its first event bound (:mod:`.alert_record`). The first alert that differs is named.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from typing import Any

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from stopcamb_desk.domain.status import IN_PROGRESS_STATUSES, status_label
from stopcamb_desk.models import Alert, AuditEvent
from stopcamb_desk.services import audit
from stopcamb_desk.services.alert_record import content_of
from stopcamb_desk.services.audit import ChainReport

QUEUED_ACTIONS = frozenset({"envoi", "remplacement", "retrait", "programmation"})
PENDING = "en_cours"
_FIELD_LABELS = {
    "texte": "texte",
    "departement": "département",
    "type": "type",
    "exercice": "mode exercice",
    "topic": "public (sujet FCM)",
    "sequence": "numéro d'ordre",
    "remplace": "alerte remplacée",
    "procedure": "procédure",
    "parquet": "autorisation du Parquet",
    "empreinte_message": "message FCM enregistré",
    "auteur": "auteur",
    "creee_le": "date de création",
}


@dataclass
class _Expected:
    event_id: int
    content: dict[str, Any] | None
    legacy: bool
    status: str = PENDING
    message_ids: list[str] = field(default_factory=list)
    sent_at: str | None = None


def _set(state: dict[int, _Expected], alert_id: Any, status: str) -> None:
    try:
        expected = state.get(int(alert_id))
    except (TypeError, ValueError):
        return
    if expected is not None:
        expected.status = status


def _replay(session: Session) -> dict[int, _Expected]:
    state: dict[int, _Expected] = {}
    result = session.execute(
        select(
            AuditEvent.id,
            AuditEvent.action,
            AuditEvent.object_id,
            AuditEvent.details_json,
            AuditEvent.key_id,
        )
        .where(AuditEvent.object_type == "alerte")
        .order_by(AuditEvent.id)
        .execution_options(yield_per=2000)
    )
    for event_id, action, object_id, details_json, key_id in result:
        try:
            alert_id = int(object_id)
            details = json.loads(details_json)
        except (TypeError, ValueError):
            continue
        if action in QUEUED_ACTIONS:
            content = details.get("contenu")
            state[alert_id] = _Expected(event_id, content, key_id is None)
            if action == "programmation":
                state[alert_id].status = "programmee"
            for other in details.get("annulees") or ():
                _set(state, other, "remplacee_attente")
            continue
        expected = state.get(alert_id)
        if expected is None:
            continue
        if action in ("programmation_declenchee", "programmation_modifiee"):
            expected.content = details.get("contenu")  # sequence and payload of that moment
            if action == "programmation_declenchee":
                expected.status = PENDING
                for other in details.get("annulees") or ():
                    _set(state, other, "remplacee_attente")
            continue
        if action == "acceptee":
            expected.status = str(details.get("statut", "envoyee"))
            expected.message_ids.append(str(details.get("identifiant_retenu")))
            if details.get("envoyee_le"):
                expected.sent_at = str(details["envoyee_le"])
            for other in details.get("remplacees") or ():
                _set(state, other, "remplacee")
            if details.get("retiree") is not None:
                _set(state, details["retiree"], "retiree")
        elif action in ("echec", "a_verifier", "remplacee_attente", "expiree"):
            expected.status = action
        elif action == "programmation_annulee":
            expected.status = "annulee"
        elif action == "renvoi":
            expected.status = PENDING
    return state


def _difference(alert: Alert, expected: _Expected) -> str | None:
    content = content_of(alert)
    for key, label in _FIELD_LABELS.items():
        if expected.content is None or content.get(key) != expected.content.get(key):
            shown = expected.content.get(key) if expected.content else None
            return (
                f"alerte n° {alert.id} : {label} modifié dans la base (journal : {shown!r}, "
                f"base : {content.get(key)!r})"
            )
    status = PENDING if alert.status in IN_PROGRESS_STATUSES else alert.status
    if status != expected.status:
        said = "en cours d'envoi" if expected.status == PENDING else status_label(expected.status)
        return (
            f"alerte n° {alert.id} : statut « {status_label(alert.status)} » dans la base, "
            f"« {said} » selon le journal"
        )
    sent_at = alert.sent_at.isoformat() if alert.sent_at is not None else None
    if sent_at != expected.sent_at:
        return (
            f"alerte n° {alert.id} : date d'envoi « {sent_at} » dans la base, "
            f"« {expected.sent_at} » selon le journal"
        )
    last_id = expected.message_ids[-1] if expected.message_ids else None
    if alert.fcm_message_id != last_id:
        return (
            f"alerte n° {alert.id} : identifiant FCM « {alert.fcm_message_id} » dans la base, "
            f"« {last_id} » selon le journal"
        )
    return None


def verify_alerts(session: Session, report: ChainReport) -> ChainReport:
    """``report`` (a valid chain) completed with the alerts' check."""
    state = _replay(session)
    checked = 0
    rows = session.execute(
        select(Alert).order_by(Alert.id).execution_options(yield_per=1000)
    ).scalars()
    try:
        for alert in rows:
            expected = state.pop(alert.id, None)
            if expected is None:
                return replace(
                    report,
                    ok=False,
                    alert_id=alert.id,
                    alerts_checked=checked,
                    reason=(
                        f"alerte n° {alert.id} absente du journal d'audit : elle a été ajoutée "
                        "dans la base en dehors de l'application"
                    ),
                )
            if expected.legacy:
                continue
            checked += 1
            problem = _difference(alert, expected)
            if problem is not None:
                return replace(
                    report,
                    ok=False,
                    alert_id=alert.id,
                    broken_at=expected.event_id,
                    alerts_checked=checked,
                    reason=problem,
                )
    finally:
        rows.close()
    for alert_id, expected in sorted(state.items()):
        if not expected.legacy:
            return replace(
                report,
                ok=False,
                alert_id=alert_id,
                broken_at=expected.event_id,
                alerts_checked=checked,
                reason=f"alerte n° {alert_id} supprimée de la base (son envoi est au journal)",
            )
    return replace(report, alerts_checked=checked)


# The events that (re)bind an alert's content, hence its payload.
CONTENT_ACTIONS = (*sorted(QUEUED_ACTIONS), "programmation_modifiee", "programmation_declenchee")
_EVENTS: Any = AuditEvent.__table__
# The alert's latest content-binding event (every claim runs it: built once, on the table).
_CONTENT_EVENT = (
    select(_EVENTS)
    .where(
        _EVENTS.c.object_type == "alerte",
        _EVENTS.c.object_id == bindparam("b_object"),
        _EVENTS.c.action.in_(CONTENT_ACTIONS),
    )
    .order_by(_EVENTS.c.id.desc())
    .limit(1)
)


REFUSED_UNAUTHENTICATED = (
    "Alerte n° {alert_id} refusée par ce poste avant l'envoi : son message ne correspond à "
    "aucun enregistrement authentifié du journal d'audit (ligne ajoutée ou modifiée hors de "
    "l'application ?). Rien n'est parti. Prévenez l'administrateur (stopcamb-desk audit "
    "verify)."
)


def bound_content(session: Session, alert_id: int) -> dict[str, Any] | None:
    """The content the alert's latest content-binding event authenticates, or None when no
    event authenticated by the audit key binds any (a row forged by SQL)."""
    row = session.execute(_CONTENT_EVENT, {"b_object": str(alert_id)}).first()
    if row is None:
        return None
    event = AuditEvent(**row._mapping)
    if event.key_id is None:
        return None
    secrets = audit.secrets_of(session)
    if not secrets.keyring.matches(event.key_id, audit.canonical(event), event.hash):
        return None
    content = json.loads(event.details_json).get("contenu")
    return content if isinstance(content, dict) else None


def content_refusal(session: Session, alert: Alert) -> str | None:
    """Why the stored ``alert`` must not reach the phones nor be bound again: its row (text,
    target, sequence, payload…) is not what its latest authenticated event bound. Checked
    before a payload is handed to FCM, and before a planned message's payload is built from
    its row. None when the row is authentic."""
    content = bound_content(session, alert.id)
    stored = content_of(alert)
    if content is None or any(stored.get(key) != content.get(key) for key in _FIELD_LABELS):
        return REFUSED_UNAUTHENTICATED.format(alert_id=alert.id)
    return None


def payload_refusal(session: Session, alert_id: int, topic: str, payload_json: str) -> str | None:
    """Why ``payload_json`` (read by the claim, in this transaction) must not be handed to FCM:
    the alert's row, this payload included, is not what its latest authenticated event bound
    (a row forged or edited by SQL: the record would say another text than the phones got).
    None when it is."""
    alert = session.get(Alert, alert_id, populate_existing=True)
    if alert is None or alert.payload_json != payload_json or alert.topic != topic:
        return REFUSED_UNAUTHENTICATED.format(alert_id=alert_id)
    return content_refusal(session, alert)


def verify(session: Session) -> ChainReport:
    """The whole check: chain, anchor, then every alert against its events."""
    secrets = audit.secrets_of(session)
    result = session.execute(
        select(AuditEvent).order_by(AuditEvent.id).execution_options(yield_per=1000)
    )
    try:
        report = audit.verify_events(result.scalars(), secrets)
    finally:
        result.close()
    if not report.ok:
        return report
    report = verify_alerts(session, report)
    if report.ok and report.head is not None:
        secrets.anchor.advance(report.head)
    return report
