"""Build the exact FCM v1 message of an alert.

Choice: we build a firebase-admin ``messaging.Message`` and turn it into JSON with
firebase-admin's own encoder (the function its ``send`` uses to produce the request body; a
private one, wrapped in :mod:`.firebase_private`). So:

- firebase-admin's validation applies (topic syntax, TTL, data values are strings, APNs
  headers…), and we do not maintain a second, hand-written copy of the wire format;
- the dict we store in the outbox (``alerts.payload_json``) *is* the wire format: the FCM
  gateway posts ``{"message": <stored dict>}`` as firebase-admin's ``send`` would, so a
  retry or a « Renvoyer » after a restart sends byte-for-byte what the operator confirmed.

``tests/test_push_payload.py`` checks the result against the FCM v1 discovery schema and that
``messaging.send(Message)`` and our gateway put the same body on the wire.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from stopcamb_desk.domain.departements import departement_name
from stopcamb_desk.domain.errors import DeskError
from stopcamb_desk.lazy import firebase_messaging as messaging
from stopcamb_desk.push import firebase_private
from stopcamb_desk.push.topics import replacement_key, topic_departement, topic_for

MAX_PAYLOAD_BYTES = 4096
MIN_TTL_HOURS = 1
MAX_TTL_HOURS = 72
DEFAULT_TTL_HOURS = 24
KINDS = ("operationnel", "prevention")
TITLE_PREFIX = "Gendarmerie — "
EXERCISE_TITLE_PREFIX = "[EXERCICE] "


class PayloadError(DeskError, ValueError):
    """The message cannot be built; ``message`` is French and says what to change."""


@dataclass(frozen=True, slots=True)
class AlertPush:
    """Everything a push carries; ``departement=None`` means national."""

    alert_id: int
    text: str
    departement: str | None
    kind: str = "operationnel"
    sequence: int = 0
    replaces_id: int | None = None
    exercise: bool = False
    ttl_hours: int = DEFAULT_TTL_HOURS
    retraction: bool = False  # replaces_id is withdrawn (text: the settings' retraction text)

    @property
    def topic(self) -> str:
        return topic_for(self.departement, exercise=self.exercise)

    @property
    def replacement_key(self) -> str:
        return replacement_key(self.topic)


def title_for(departement: str | None, *, exercise: bool = False) -> str:
    """« Gendarmerie — Haute-Savoie (74) », « Gendarmerie — message national »."""
    if departement is None:
        title = TITLE_PREFIX + "message national"
    else:
        code = topic_departement(departement)
        title = f"{TITLE_PREFIX}{departement_name(code)} ({code})"
    return EXERCISE_TITLE_PREFIX + title if exercise else title


def _check(push: AlertPush) -> None:
    if not push.text or not push.text.strip():
        raise PayloadError("Le texte de l'alerte est vide : rien à envoyer.")
    if push.kind not in KINDS:
        raise PayloadError(f"Type d'alerte inconnu : « {push.kind} ».")
    if not MIN_TTL_HOURS <= push.ttl_hours <= MAX_TTL_HOURS:
        raise PayloadError(
            f"Durée de vie du push invalide : {push.ttl_hours} h "
            f"(autorisé : {MIN_TTL_HOURS} à {MAX_TTL_HOURS} h, réglage fcm.ttl_hours)."
        )
    if push.sequence < 0 or push.alert_id < 0:
        raise PayloadError("Numéro d'alerte ou de séquence négatif.")
    if push.retraction and push.replaces_id is None:
        raise PayloadError("Un retrait doit désigner l'alerte qu'il retire.")


def build_message(push: AlertPush, *, now: datetime | None = None) -> messaging.Message:
    """The firebase-admin ``Message`` of ``push``; ``now`` fixes ``apns-expiration``."""
    _check(push)
    now = now or datetime.now(UTC)
    ttl = timedelta(hours=push.ttl_hours)
    key = push.replacement_key
    expiration = int((now + ttl).timestamp())
    data = {
        "alert_id": str(push.alert_id),
        "kind": push.kind,
        "departement": "" if push.departement is None else topic_departement(push.departement),
        "replaces": "" if push.replaces_id is None else str(push.replaces_id),
        "sequence": str(push.sequence),
        "exercise": "1" if push.exercise else "0",
        "retraction": "1" if push.retraction else "0",
        "tag": key,
    }
    return messaging.Message(
        topic=push.topic,
        notification=messaging.Notification(
            title=title_for(push.departement, exercise=push.exercise), body=push.text
        ),
        android=messaging.AndroidConfig(
            priority="high",
            ttl=ttl,
            collapse_key=key,
            notification=messaging.AndroidNotification(tag=key),
        ),
        apns=messaging.APNSConfig(
            headers={
                "apns-priority": "10",
                "apns-push-type": "alert",
                "apns-collapse-id": key,
                "apns-expiration": str(expiration),
            }
        ),
        data=data,
    )


def encode_message(message: messaging.Message) -> dict[str, Any]:
    """firebase-admin's own JSON encoding of ``message`` (what its ``send`` would post)."""
    try:
        return firebase_private.encode_message(message)
    except (ValueError, TypeError) as exc:
        raise PayloadError(f"Message refusé par firebase-admin : {exc}") from exc


def payload_bytes(payload: Mapping[str, Any]) -> bytes:
    """The canonical UTF-8 JSON of a stored payload (compact, keys sorted)."""
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode(
        "utf-8"
    )


def check_size(payload: Mapping[str, Any]) -> int:
    """Size in bytes of the whole message; raise PayloadError above FCM's 4096 bytes."""
    size = len(payload_bytes(payload))
    if size > MAX_PAYLOAD_BYTES:
        raise PayloadError(
            f"Le message est trop volumineux pour FCM : {size} octets pour "
            f"{MAX_PAYLOAD_BYTES} au maximum. Raccourcissez le texte."
        )
    return size


def build_payload(push: AlertPush, *, now: datetime | None = None) -> dict[str, Any]:
    """The FCM v1 message of ``push`` as stored in the outbox and sent on the wire."""
    payload = encode_message(build_message(push, now=now))
    check_size(payload)
    return payload


def payload_to_json(payload: Mapping[str, Any]) -> str:
    """The request body ``{"message": payload}`` as stored in ``alerts.payload_json`` and printed
    by ``--print-payload`` (readable accents, stable key order)."""
    return json.dumps({"message": dict(payload)}, ensure_ascii=False, sort_keys=True)


def is_retraction(message: Mapping[str, Any]) -> bool:
    """True for the neutral message that withdraws an alert (``data.retraction == "1"``); its
    SQL twin is ``services/retraction.py``."""
    data = message.get("data")
    return isinstance(data, Mapping) and is_retraction_data(data)


def is_retraction_data(data: Mapping[str, Any]) -> bool:
    """The same test on the ``data`` of a push as a phone receives it."""
    return data.get("retraction") == "1"


def payload_from_json(text: str) -> dict[str, Any]:
    """The message stored by :func:`payload_to_json` (a bare message is accepted too)."""
    try:
        value = json.loads(text)
    except (TypeError, ValueError):
        value = None
    if isinstance(value, dict) and isinstance(value.get("message"), dict):
        value = value["message"]
    if not isinstance(value, dict) or "topic" not in value:
        raise PayloadError("Charge utile enregistrée illisible : l'alerte doit être recomposée.")
    return value
