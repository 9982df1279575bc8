"""What an alert is committed with when it is queued: its row, the exact FCM request body
(built once, here, and never rebuilt) and the audit event that authenticates both.

The caller holds the outbox lock (:func:`~stopcamb_desk.services.outbox_sql.lock_outbox`);
nothing here touches the network.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from stopcamb_desk.domain.lifecycle import superseded_message
from stopcamb_desk.domain.roles import Principal
from stopcamb_desk.domain.rules.model import Verdict
from stopcamb_desk.models import Alert
from stopcamb_desk.models.round_trips import insert_later
from stopcamb_desk.push.payload import AlertPush, build_payload, payload_from_json, payload_to_json
from stopcamb_desk.push.topics import replacement_key
from stopcamb_desk.services import audit
from stopcamb_desk.services import outbox_sql as sql
from stopcamb_desk.services.alert_record import recorded_content
from stopcamb_desk.services.composer import Draft
from stopcamb_desk.services.outbox_policy import Claimed, OutboxError
from stopcamb_desk.services.schedule_model import Schedule


@dataclass(frozen=True, slots=True)
class Queued:
    """An alert just committed, the older ones of its topic it stopped before sending, and
    the claim it was inserted with (``claim_lease``)."""

    alert_id: int
    stopped: list[int]
    claimed: Claimed | None = None


def queue_alert(
    session: Session,
    principal: Principal,
    draft: Draft,
    verdict: Verdict,
    *,
    gateway: str,
    ttl_hours: int,
    now: datetime,
    replaces_id: int | None = None,
    retraction: bool = False,
    schedule: Schedule | None = None,
    mode_checked: bool = False,
    numbers: tuple[int, int],
    older_waiting: bool = True,
    claim_lease: datetime | None = None,
) -> Queued:
    """Insert the alert (« en attente », or « programmée » with ``schedule``) with its payload
    and audit event; older alerts of its topic still waiting become « remplacée avant envoi ».
    ``numbers``: its id and its sequence in its topic, read under the outbox lock
    (:func:`~stopcamb_desk.services.outbox_sql.enqueue_preamble`).

    ``mode_checked``: this outbox already committed an alert in ``gateway``'s mode to this
    database, so :func:`check_mode` cannot fail any more (a desk of the other mode is refused
    by its own check, under the same lock, as soon as one alert of this mode exists).
    ``older_waiting``: False when the caller read, under the same lock, that no alert of the
    topic waits to be stopped (:func:`stop_older` would update nothing).
    ``claim_lease``: the caller read under the same lock that no alert of the topic is in
    flight (« Envoyer maintenant »): the alert, the newest of its topic, may go at once and is
    inserted claimed (« envoi »), as :func:`~stopcamb_desk.services.outbox_sql.claim_statement`
    would leave it, for this desk until then."""
    if claim_lease is not None and schedule is not None:
        raise ValueError("a planned message is claimed only once due")
    body = verdict.text_to_send or draft.text
    departement, topic = draft.audience
    attestation, parquet = draft.attestation, draft.parquet
    procedure_type = str(attestation.procedure) if attestation else None
    procedure_number = attestation.numero if attestation else None
    procedure_date = attestation.date if attestation else None
    parquet_ref = parquet.reference if parquet else None
    parquet_date = parquet.date if parquet else None
    if not mode_checked:
        check_mode(session, gateway)
    if replaces_id is not None:
        replaced_topic = session.scalar(select(Alert.topic).where(Alert.id == replaces_id))
        if replaced_topic != topic:
            raise OutboxError(
                f"L'alerte n° {replaces_id} n'existe pas ou vise un autre public : "
                "elle ne peut pas être remplacée par celle-ci."
            )
    alert_id, sequence = numbers
    push = AlertPush(
        alert_id=alert_id,
        text=body,
        departement=departement,
        kind=str(draft.kind),
        sequence=sequence,
        replaces_id=replaces_id,
        exercise=draft.exercise,
        ttl_hours=ttl_hours,
        retraction=retraction,
    )
    payload = payload_to_json(build_payload(push, now=now))
    attempts, version = (1, 2) if claim_lease else (0, 1)  # claimed: queued, then claimed
    values = {
        "id": alert_id,
        "sequence": sequence,
        "created_at": now,
        "updated_at": now,
        "kind": str(draft.kind),
        "exercise": draft.exercise,
        "departement": departement,
        "topic": topic,
        "replacement_key": replacement_key(topic),
        "text": body,
        "author_id": principal.operator_id,
        "status": "programmee" if schedule else "envoi" if claim_lease else "en_attente",
        "procedure_type": procedure_type,
        "procedure_number": procedure_number,
        "procedure_date": procedure_date,
        "parquet_ref": parquet_ref,
        "parquet_date": parquet_date,
        "verdict_json": json.dumps(verdict.to_dict(), ensure_ascii=False),
        "payload_json": payload,
        "replaces_id": replaces_id,
        "attempt_count": attempts,
        "next_attempt_at": schedule.at if schedule else claim_lease or now,
        "gateway": gateway,
        "version": version,
        "scheduled_for": schedule.at if schedule else None,
        "valid_until": schedule.valid_until if schedule else None,
    }
    insert_later(session, sql.INSERT_ALERT, values)  # whole: nothing to read back
    stopped = (
        stop_older(session, topic, gateway, sequence, alert_id, now)
        if older_waiting and schedule is None
        else []
    )
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
            "passerelle": gateway,
            "exercice": draft.exercise,
            "annulees": stopped,
            "contenu": content,
            **(schedule.details() if schedule else {}),
        },
        at=now,
    )
    claimed = None
    if claim_lease is not None:
        claimed = Claimed(  # the row as inserted
            *(alert_id, topic, sequence, replaces_id, attempts, now, payload_from_json(payload)),
            version=version,
            lease_until=claim_lease,
            payload_json=payload,
            gateway=gateway,
        )
    return Queued(alert_id, stopped, claimed)


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
    session: Session, topic: str, gateway: str, sequence: int, newer_id: int, now: datetime
) -> list[int]:
    """Older alerts of ``topic`` still waiting become « remplacée avant envoi » (the newer
    one ``newer_id``, queued in ``gateway``'s mode, was just queued); returns their ids."""
    return sorted(
        session.scalars(
            sql.STOP_OLDER,
            {
                "b_topic": topic,
                "b_gateway": gateway,
                "b_seq": sequence,
                "b_now": now,
                "b_error": superseded_message(newer_id),
            },
        )
    )
