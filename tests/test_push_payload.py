"""The exact FCM v1 message of an alert, checked against the official discovery schema."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from fcm_schema import validate_message

from stopcamb_desk.push.payload import (
    MAX_PAYLOAD_BYTES,
    AlertPush,
    PayloadError,
    build_message,
    build_payload,
    check_size,
    payload_from_json,
    payload_to_json,
    title_for,
)

NOW = datetime(2025, 3, 1, 2, 59, 0, tzinfo=UTC)
MEYTHET = (
    "MEYTHET, nombreux cambriolages dans les maisons, en fin de journée : prenez vos "
    "précautions et soyez vigilants, faites passer l'info !"
)


def test_operational_alert_payload_is_exactly_what_the_app_expects() -> None:
    push = AlertPush(alert_id=42, text=MEYTHET, departement="74", sequence=7, replaces_id=41)
    payload = build_payload(push, now=NOW)
    expiry = str(int(NOW.timestamp()) + 24 * 3600)
    assert payload == {
        "topic": "dep_74",
        "notification": {"title": "Gendarmerie — Haute-Savoie (74)", "body": MEYTHET},
        "android": {
            "priority": "high",
            "ttl": "86400s",
            "collapse_key": "stopcamb_dep_74",
            "notification": {"tag": "stopcamb_dep_74"},
        },
        "apns": {
            "headers": {
                "apns-priority": "10",
                "apns-push-type": "alert",
                "apns-collapse-id": "stopcamb_dep_74",
                "apns-expiration": expiry,
            }
        },
        "data": {
            "alert_id": "42",
            "kind": "operationnel",
            "departement": "74",
            "replaces": "41",
            "sequence": "7",
            "exercise": "0",
            "retraction": "0",
            "tag": "stopcamb_dep_74",
        },
    }
    assert validate_message(payload) == []


def test_national_and_exercise_messages() -> None:
    national = build_payload(
        AlertPush(
            alert_id=1, text="Partez tranquilles : OTV.", departement=None, kind="prevention"
        ),
        now=NOW,
    )
    assert national["topic"] == "national"
    assert national["notification"]["title"] == "Gendarmerie — message national"
    assert national["data"]["departement"] == ""
    assert national["data"]["kind"] == "prevention"
    assert national["data"]["replaces"] == ""

    exercise = build_payload(AlertPush(2, "Test", "2a", exercise=True), now=NOW)
    assert exercise["topic"] == "exercice_dep_2A"
    assert exercise["notification"]["title"] == "[EXERCICE] Gendarmerie — Corse-du-Sud (2A)"
    assert exercise["data"]["exercise"] == "1"
    assert exercise["android"]["notification"]["tag"] == "stopcamb_exercice_dep_2A"
    for payload in (national, exercise):
        assert validate_message(payload) == []


@pytest.mark.parametrize(("hours", "seconds"), [(1, 3600), (24, 86400), (72, 259200)])
def test_lifetime_sets_android_ttl_and_apns_expiration(hours: int, seconds: int) -> None:
    payload = build_payload(AlertPush(1, "x", "74", ttl_hours=hours), now=NOW)
    assert payload["android"]["ttl"] == f"{seconds}s"
    assert payload["apns"]["headers"]["apns-expiration"] == str(int(NOW.timestamp()) + seconds)


@pytest.mark.parametrize("hours", [0, 73, -1])
def test_lifetime_outside_1_to_72_hours_is_refused(hours: int) -> None:
    with pytest.raises(PayloadError, match="1 à 72 h"):
        build_payload(AlertPush(1, "x", "74", ttl_hours=hours))


def test_empty_text_and_unknown_kind_are_refused() -> None:
    with pytest.raises(PayloadError, match="vide"):
        build_payload(AlertPush(1, "  ", "74"))
    with pytest.raises(PayloadError, match="inconnu"):
        build_payload(AlertPush(1, "x", "74", kind="rumeur"))


def test_size_limit_4096_bytes_in_french() -> None:
    # 160 characters is far below the limit, even with 4-byte characters.
    assert check_size(build_payload(AlertPush(1, "🏠" * 160, "974"))) < MAX_PAYLOAD_BYTES
    with pytest.raises(PayloadError, match="trop volumineux pour FCM") as err:
        build_payload(AlertPush(1, "é" * 2100, "74"))
    assert "4096" in err.value.message and "Raccourcissez" in err.value.message


def test_firebase_admin_validation_still_applies() -> None:
    message = build_message(AlertPush(1, "x", "74"), now=NOW)
    message.topic = "/topics/dep 74"
    from stopcamb_desk.push.payload import encode_message

    with pytest.raises(PayloadError, match="firebase-admin"):
        encode_message(message)


def test_stored_json_round_trips() -> None:
    payload = build_payload(AlertPush(3, MEYTHET, "74"), now=NOW)
    text = payload_to_json(payload)
    assert "journée" in text  # readable accents in the database and --print-payload
    assert json.loads(text) == {"message": payload}  # the exact request body
    assert payload_from_json(text) == payload
    assert payload_from_json(json.dumps(payload)) == payload
    for bad in ("[]", "{", '{"message": {}}'):
        with pytest.raises(PayloadError, match="recomposée"):
            payload_from_json(bad)


def test_retraction_is_flagged_and_needs_the_withdrawn_alert() -> None:
    payload = build_payload(AlertPush(9, "Retiré", "74", replaces_id=8, retraction=True))
    assert payload["data"]["retraction"] == "1" and payload["data"]["replaces"] == "8"
    with pytest.raises(PayloadError, match="retire"):
        build_payload(AlertPush(9, "Retiré", "74", retraction=True))


def test_title_for() -> None:
    assert title_for("1") == "Gendarmerie — Ain (01)"
    assert title_for(None, exercise=True) == "[EXERCICE] Gendarmerie — message national"


# --- the validator used by the loopback server must itself be able to fail -------------


def _valid() -> dict:
    return build_payload(AlertPush(1, "x", "74"), now=NOW)


@pytest.mark.parametrize(
    ("mutate", "reason"),
    [
        (lambda m: m.update(token="abc"), "exactly one of token/topic/condition"),
        (lambda m: m.pop("topic"), "exactly one of token/topic/condition"),
        (lambda m: m.update(topic="dep 74"), "malformed topic"),
        (lambda m: m["data"].update(sequence=7), "is not of type 'string'"),
        (lambda m: m["android"].update(colapse_key="x"), "Additional properties"),
        (lambda m: m["android"].update(priority="urgent"), "does not match"),
        (lambda m: m["android"].update(ttl="24h"), "does not match"),
        (lambda m: m["android"].update(ttl="2419201s"), "outside 0..4 weeks"),
        (lambda m: m["apns"]["headers"].update({"apns-collapse-id": "k" * 65}), "64 bytes"),
        (
            lambda m: m["apns"]["headers"].update({"apns-expiration": "2025-03-02"}),
            "UNIX timestamp",
        ),
        (lambda m: m["data"].update({"google.x": "1"}), "reserved"),
        (lambda m: m["notification"].update(body="x" * 5000), "too big"),
    ],
)
def test_schema_validator_catches_what_fcm_refuses(mutate, reason: str) -> None:  # type: ignore[no-untyped-def]
    message = json.loads(json.dumps(_valid()))
    mutate(message)
    errors = validate_message(message)
    assert any(reason in e for e in errors), errors
