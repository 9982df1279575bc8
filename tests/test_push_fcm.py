"""The FCM gateway (firebase-admin credentials), against a real loopback FCM v1 + OAuth server."""

from __future__ import annotations

import http.client
import http.server
import logging
import socket
import sys
import threading
import urllib.parse
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path

import pytest
from fcm_keys import mint_service_account
from fcm_script import Step, close, delay, error, revoke_tokens
from fcm_server import FcmTestServer

from stopcamb_desk.push.fcm import FcmGateway
from stopcamb_desk.push.gateway import PermanentPushError, TransientPushError
from stopcamb_desk.push.payload import AlertPush, build_payload

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


def test_send_goes_to_the_overridden_endpoint_as_firebase_admin_would(
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


class _ForwardProxy(http.server.ThreadingHTTPServer):
    """A loopback HTTP proxy (RFC 9112 absolute-form requests, as a site's proxy sees them):
    forwards each POST to its target and keeps the URLs it was asked for."""

    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _ProxyHandler)
        self.seen: list[str] = []
        self.url = f"http://127.0.0.1:{self.server_address[1]}"


class _ProxyHandler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _ForwardProxy

    def do_POST(self) -> None:
        self.server.seen.append(self.path)
        target = urllib.parse.urlsplit(self.path)
        body = self.rfile.read(int(self.headers["Content-Length"]))
        skipped = {"host", "connection", "proxy-connection", "content-length"}
        headers = {k: v for k, v in self.headers.items() if k.lower() not in skipped}
        upstream = http.client.HTTPConnection(target.hostname, target.port, timeout=5)
        upstream.request("POST", target.path, body, headers)
        answer = upstream.getresponse()
        data = answer.read()
        upstream.close()
        self.send_response(answer.status)
        for name, value in answer.getheaders():
            if name.lower() not in {"connection", "content-length", "transfer-encoding"}:
                self.send_header(name, value)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *_args: object) -> None:
        pass


@pytest.fixture
def proxy() -> Iterator[_ForwardProxy]:
    found = _ForwardProxy()
    thread = threading.Thread(target=found.serve_forever, daemon=True)
    thread.start()
    yield found
    found.shutdown()
    found.server_close()


def test_the_sites_proxy_is_used_as_the_environment_says(
    server: FcmTestServer, proxy: _ForwardProxy, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A CORG reaching Google through its site's proxy (HTTP_PROXY / HTTPS_PROXY), or not for
    the hosts NO_PROXY lists: the environment as it was when the gateway was built."""
    sa = server.write_service_account(tmp_path / "sa.json")
    monkeypatch.setenv("HTTP_PROXY", proxy.url)
    through = FcmGateway(sa, endpoint=server.base_url, timeout=2.0)
    assert through.send(PAYLOAD).message_id == "projects/stopcamb-test/messages/1"
    assert through.send_url in proxy.seen
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    direct = FcmGateway(sa, endpoint=server.base_url, timeout=2.0)
    seen = len(proxy.seen)
    assert direct.send(PAYLOAD).message_id == "projects/stopcamb-test/messages/2"
    assert len(proxy.seen) == seen  # straight to the server
    assert through.send(PAYLOAD).message_id == "projects/stopcamb-test/messages/3"
    assert proxy.seen.count(through.send_url) == 2  # read once, when built: still the proxy
    assert len(server.received) == 3 and not any(r.errors for r in server.received)
    through.close()
    direct.close()


def test_without_override_the_url_is_googles(tmp_path: Path) -> None:
    sa = mint_service_account(tmp_path / "sa.json", token_uri="http://127.0.0.1:9/token")
    gw = FcmGateway(sa)
    try:
        assert gw.send_url == "https://fcm.googleapis.com/v1/projects/stopcamb-test/messages:send"
    finally:
        gw.close()


def test_gateways_create_no_firebase_admin_app(server: FcmTestServer, tmp_path: Path) -> None:
    """Sending needs only the credential: no firebase-admin app (other code may own the
    default one), nothing global."""
    import firebase_admin

    sa = server.write_service_account(tmp_path / "sa.json")
    one, two = FcmGateway(sa, endpoint=server.base_url), FcmGateway(sa, endpoint=server.base_url)
    try:
        one.send(PAYLOAD)
        two.send(PAYLOAD)
        assert len(server.accepted) == 2
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
    from fcm_keys import new_private_key

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
