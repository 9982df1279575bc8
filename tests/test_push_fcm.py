"""The FCM gateway through firebase-admin, against a real loopback FCM v1 + OAuth server."""

from __future__ import annotations

import logging
import socket
import sys
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path
from types import SimpleNamespace

import pytest
from fcm_server import (
    FcmTestServer,
    Step,
    close,
    delay,
    error,
    mint_service_account,
    revoke_tokens,
)

from stopcamb_desk.push import PermanentPushError, PushConfigError, TransientPushError
from stopcamb_desk.push.fcm import FcmGateway, redirect_fcm
from stopcamb_desk.push.payload import AlertPush, build_message, build_payload

PAYLOAD = build_payload(AlertPush(alert_id=7, text="Cambriolages à Meythet.", departement="74"))

# Host names this process resolves (audit event, no patching): proves nothing goes to Google.
_RESOLVED: list[str] = []


def _audit(event: str, args: tuple[object, ...]) -> None:
    if event == "socket.getaddrinfo":
        _RESOLVED.append(str(args[0]))


sys.addaudithook(_audit)


@pytest.fixture
def server() -> Iterator[FcmTestServer]:
    with FcmTestServer(project_id="stopcamb-test") as srv:
        yield srv


@pytest.fixture
def gateway(server: FcmTestServer, tmp_path: Path) -> Iterator[FcmGateway]:
    sa = server.write_service_account(tmp_path / "sa.json")
    gw = FcmGateway(sa, endpoint=server.base_url, timeout=2.0)
    yield gw
    gw.close()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


# --- endpoint override, wire format ------------------------------------------------------


def test_send_goes_through_firebase_admin_to_the_overridden_endpoint(
    server: FcmTestServer, gateway: FcmGateway
) -> None:
    result = gateway.send(PAYLOAD)
    assert result.message_id == "projects/stopcamb-test/messages/1"
    assert result.gateway == "fcm" and not result.simulated
    (received,) = server.received
    assert received.errors == []
    assert received.body == {"message": PAYLOAD}  # the stored payload, byte for byte
    assert received.headers["authorization"].removeprefix("Bearer ") in server.issued_tokens
    assert received.headers["x-firebase-client"].startswith("fire-admin-python/")
    assert server.token_requests == 1


def test_firebase_admin_public_send_uses_the_same_redirected_service(
    server: FcmTestServer, gateway: FcmGateway
) -> None:
    """Fails if a firebase-admin upgrade stops honouring the one redirect in fcm.py."""
    from firebase_admin import messaging

    now = datetime.now(UTC)
    push = AlertPush(alert_id=8, text="Texte", departement="2B", sequence=3)
    name = messaging.send(build_message(push, now=now), app=gateway.app)
    gateway.send(build_payload(push, now=now))
    first, second = server.received
    assert name == "projects/stopcamb-test/messages/1"
    assert first.errors == [] and first.body == second.body


def test_redirect_refuses_an_unexpected_firebase_admin(gateway: FcmGateway) -> None:
    changed = SimpleNamespace(_project_id="p", _fcm_url="https://fcm.example/v2/p:send")
    with pytest.raises(PushConfigError, match="version de firebase-admin"):
        redirect_fcm(changed, "http://127.0.0.1:1")
    missing = SimpleNamespace(_project_id="p")
    with pytest.raises(PushConfigError):
        redirect_fcm(missing, None)


def test_without_override_the_url_is_googles(tmp_path: Path) -> None:
    sa = mint_service_account(tmp_path / "sa.json", token_uri="http://127.0.0.1:9/token")
    gw = FcmGateway(sa)
    try:
        assert gw.send_url == "https://fcm.googleapis.com/v1/projects/stopcamb-test/messages:send"
    finally:
        gw.close()


def test_each_gateway_has_its_own_named_app(server: FcmTestServer, tmp_path: Path) -> None:
    import firebase_admin

    sa = server.write_service_account(tmp_path / "sa.json")
    one, two = FcmGateway(sa, endpoint=server.base_url), FcmGateway(sa, endpoint=server.base_url)
    try:
        assert one.app.name != two.app.name != firebase_admin._DEFAULT_APP_NAME
        with pytest.raises(ValueError):
            firebase_admin.get_app()  # the default app is never created
    finally:
        one.close()
        two.close()


def test_prepare_fetches_the_token_so_the_first_send_is_one_request(
    server: FcmTestServer, gateway: FcmGateway
) -> None:
    gateway.prepare()
    assert server.token_requests == 1 and server.received == []
    (dry_run,) = server.validated  # connection opened and credentials checked, nothing sent
    assert dry_run.body["validate_only"] is True and dry_run.errors == []
    gateway.send(PAYLOAD)
    gateway.send(PAYLOAD)
    assert server.token_requests == 1
    assert len(server.accepted) == 2


def test_no_background_call_to_google(server: FcmTestServer, gateway: FcmGateway) -> None:
    """google-auth's regional access boundary lookup (iamcredentials.googleapis.com) is off."""
    _RESOLVED.clear()
    gateway.prepare()
    gateway.send(PAYLOAD)
    gateway.send(PAYLOAD)
    names = [t.__class__.__name__ for t in threading.enumerate()]
    assert "_RegionalAccessBoundaryRefreshThread" not in names
    assert [h for h in _RESOLVED if "googleapis" in h] == []


# --- error matrix -------------------------------------------------------------------------


def _fails(gateway: FcmGateway, kind: type[Exception]) -> Exception:
    with pytest.raises(kind) as err:
        gateway.send(PAYLOAD)
    return err.value


def test_400_invalid_argument_is_permanent(server: FcmTestServer, gateway: FcmGateway) -> None:
    server.script(error(400, "INVALID_ARGUMENT"))
    exc = _fails(gateway, PermanentPushError)
    assert exc.http_status == 400 and exc.fcm_code == "INVALID_ARGUMENT"
    assert "mal formé" in exc.message and "renvoyer ne changera rien" in exc.message
    assert len(server.received) == 1


def test_401_once_then_ok_after_one_token_refresh(
    server: FcmTestServer, gateway: FcmGateway
) -> None:
    gateway.prepare()
    server.script(revoke_tokens())  # the token FCM knew is no longer valid: a real 401
    result = gateway.send(PAYLOAD)
    assert result.message_id.endswith("/1")
    assert [r.answered for r in server.received] == [401, 200]
    assert server.token_requests == 2
    assert len(server.accepted) == 1


def test_401_always_is_permanent_after_one_refresh(
    server: FcmTestServer, gateway: FcmGateway
) -> None:
    server.default = error(401)
    exc = _fails(gateway, PermanentPushError)
    assert exc.http_status == 401
    assert "Identifiants Firebase refusés" in exc.message
    assert "vérifiez le fichier de compte de service" in exc.message
    assert len(server.received) == 2 and server.token_requests == 2


def test_403_sender_id_mismatch_is_permanent_after_one_refresh(
    server: FcmTestServer, gateway: FcmGateway
) -> None:
    server.default = error(403, "SENDER_ID_MISMATCH")
    exc = _fails(gateway, PermanentPushError)
    assert exc.http_status == 403 and exc.fcm_code == "SENDER_ID_MISMATCH"
    assert "n'a pas le droit d'envoyer pour le projet Firebase « stopcamb-test »" in (exc.message)
    assert len(server.received) == 2 and server.token_requests == 2


def test_403_then_ok_after_refresh(server: FcmTestServer, gateway: FcmGateway) -> None:
    server.script(error(403))
    assert gateway.send(PAYLOAD).message_id.endswith("/1")
    assert len(server.accepted) == 1


@pytest.mark.parametrize("code", ["UNREGISTERED", None])
def test_404_is_permanent(server: FcmTestServer, gateway: FcmGateway, code: str | None) -> None:
    server.script(error(404, code))
    exc = _fails(gateway, PermanentPushError)
    assert exc.http_status == 404
    assert "introuvable" in exc.message and "fcm.endpoint" in exc.message
    assert len(server.received) == 1


def test_apns_auth_error_is_explained(server: FcmTestServer, gateway: FcmGateway) -> None:
    server.script(error(401, "THIRD_PARTY_AUTH_ERROR"), error(401, "THIRD_PARTY_AUTH_ERROR"))
    exc = _fails(gateway, PermanentPushError)
    assert "Apple (APNs)" in exc.message


def test_429_with_retry_after_is_transient_and_not_slept_on(
    server: FcmTestServer, gateway: FcmGateway
) -> None:
    server.script(error(429, "QUOTA_EXCEEDED", retry_after="3600"))
    exc = _fails(gateway, TransientPushError)
    assert exc.retry_after == 3600.0 and exc.http_status == 429
    assert "Quota d'envoi Firebase dépassé" in exc.message and "3600 s" in exc.message
    assert len(server.received) == 1  # no urllib3 retry, no sleep


def test_retry_after_as_http_date(server: FcmTestServer, gateway: FcmGateway) -> None:
    when = datetime.now(UTC) + timedelta(seconds=120)
    server.script(error(503, retry_after=format_datetime(when, usegmt=True)))
    exc = _fails(gateway, TransientPushError)
    assert exc.retry_after is not None and 100 < exc.retry_after <= 120


@pytest.mark.parametrize(("status", "code"), [(500, "INTERNAL"), (503, "UNAVAILABLE")])
def test_5xx_is_transient_without_hidden_retries(
    server: FcmTestServer, gateway: FcmGateway, status: int, code: str
) -> None:
    server.script(error(status, code))
    exc = _fails(gateway, TransientPushError)
    assert exc.http_status == status and exc.retry_after is None
    assert "momentanément indisponible" in exc.message
    assert len(server.received) == 1  # firebase-admin alone would have tried 5 times
    assert gateway.send(PAYLOAD).message_id  # then OK on the next (outbox) attempt


def test_read_timeout_is_transient_and_maybe_delivered(
    server: FcmTestServer, tmp_path: Path
) -> None:
    sa = server.write_service_account(tmp_path / "sa.json")
    gw = FcmGateway(sa, endpoint=server.base_url, timeout=0.3)
    try:
        gw.prepare()
        server.script(delay(30))
        exc = _fails(gw, TransientPushError)
        assert exc.maybe_delivered
        assert "Pas de réponse" in exc.message and "sans doublon visible" in exc.message
        assert len(server.received) == 1
    finally:
        gw.close()


def test_connection_closed_without_answer(server: FcmTestServer, gateway: FcmGateway) -> None:
    gateway.prepare()
    server.script(close())
    exc = _fails(gateway, TransientPushError)
    assert exc.maybe_delivered and "coupé la connexion" in exc.message
    assert len(server.received) == 1


def test_connection_refused(server: FcmTestServer, tmp_path: Path) -> None:
    sa = server.write_service_account(tmp_path / "sa.json")
    port = _free_port()
    gw = FcmGateway(sa, endpoint=f"http://127.0.0.1:{port}", timeout=2.0)
    try:
        with pytest.raises(TransientPushError, match="Connexion impossible"):
            gw.prepare()  # said at login, before any alert
        assert server.token_requests == 1  # the token was fetched anyway
        exc = _fails(gw, TransientPushError)
        assert not exc.maybe_delivered
        assert f"Connexion impossible au service d'envoi (127.0.0.1:{port})" in exc.message
    finally:
        gw.close()


def test_prepare_reports_a_refused_project_before_any_alert(
    server: FcmTestServer, tmp_path: Path
) -> None:
    sa = server.write_service_account(tmp_path / "sa.json", project_id="autre-projet")
    gw = FcmGateway(sa, endpoint=server.base_url)
    try:
        with pytest.raises(PermanentPushError, match="introuvable"):
            gw.prepare()
    finally:
        gw.close()


def test_token_endpoint_refusal_is_permanent(server: FcmTestServer, gateway: FcmGateway) -> None:
    server.script_token(Step(status=400, body={"error": "invalid_grant", "error_description": "x"}))
    exc = _fails(gateway, PermanentPushError)
    assert "Identifiants Firebase refusés par le serveur d'authentification" in exc.message
    assert "(invalid_grant)" in exc.message
    assert server.received == []


def test_token_signed_with_another_key_is_refused(server: FcmTestServer, tmp_path: Path) -> None:
    from fcm_server import new_private_key

    sa = mint_service_account(
        tmp_path / "sa.json", token_uri=server.token_uri, key=new_private_key()
    )
    gw = FcmGateway(sa, endpoint=server.base_url)
    try:
        with pytest.raises(PermanentPushError, match="Identifiants Firebase refusés"):
            gw.prepare()
        assert server.token_errors and "invalid assertion" in server.token_errors[0]
    finally:
        gw.close()


def test_token_endpoint_unreachable_is_transient(server: FcmTestServer, tmp_path: Path) -> None:
    sa = mint_service_account(
        tmp_path / "sa.json", token_uri=f"http://127.0.0.1:{_free_port()}/token"
    )
    gw = FcmGateway(sa, endpoint=server.base_url)
    try:
        with pytest.raises(TransientPushError, match="jeton d'accès Firebase"):
            gw.send(PAYLOAD)
        assert server.received == []
    finally:
        gw.close()


# --- secrets ------------------------------------------------------------------------------


def test_no_secret_in_logs_or_messages(
    server: FcmTestServer, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    import json

    sa = server.write_service_account(tmp_path / "sa.json")
    info = json.loads(sa.read_text())
    google = logging.getLogger("google")  # google-auth stops propagation to the root logger
    google.addHandler(caplog.handler)
    caplog.set_level(logging.DEBUG)
    google.setLevel(logging.DEBUG)
    messages = []
    try:
        gw = FcmGateway(sa, endpoint=server.base_url)
        gw.prepare()
        gw.send(PAYLOAD)
        server.script(revoke_tokens())
        gw.send(PAYLOAD)
        for step in (error(401), error(401), error(503), error(400)):
            server.script(step)
        for _ in range(3):
            try:
                gw.send(PAYLOAD)
            except (PermanentPushError, TransientPushError) as exc:
                messages.append(exc.message)
        gw.close()
    finally:
        google.removeHandler(caplog.handler)
        google.setLevel(logging.NOTSET)
    assert len(messages) == 3
    text = caplog.text + "\n".join(messages)
    assert len(server.all_tokens) >= 2
    for token in server.all_tokens:
        assert token not in text
    key_body = "".join(info["private_key"].splitlines()[1:-1])
    for i in range(0, len(key_body) - 32, 32):
        assert key_body[i : i + 32] not in text.replace("\n", "")
    assert info["private_key_id"] not in text
