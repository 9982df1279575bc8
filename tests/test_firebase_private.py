"""Contract of the private firebase-admin / google-auth attributes the desk relies on.

Each test names the attribute of ``stopcamb_desk/push/firebase_private.py`` it guards: after an
upgrade of firebase-admin or google-auth, a failure here says which one moved, before the desk
stops sending. The last test checks that firebase-admin's own public ``messaging.send`` posts
what our gateway posts (body and headers), so the wire format has one source.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from fcm_server import FcmTestServer

from stopcamb_desk.push import firebase_private
from stopcamb_desk.push.fcm import FcmGateway
from stopcamb_desk.push.payload import AlertPush, build_message, build_payload


def _resolve(dotted: str) -> Any:
    """The object a dotted name of PRIVATE_ATTRIBUTES designates (module, then attributes)."""
    parts = dotted.split(".")
    for cut in range(len(parts), 0, -1):
        try:
            found: Any = importlib.import_module(".".join(parts[:cut]))
        except ImportError:
            continue
        for name in parts[cut:]:
            found = getattr(found, name)
        return found
    raise ImportError(dotted)


def test_the_list_is_the_modules_constants() -> None:
    assert firebase_private.PRIVATE_ATTRIBUTES == (
        firebase_private.ENCODER,
        firebase_private.RTDB_SESSION,
        firebase_private.RAB_LOOKUP,
    )


def test_encoder_exists_and_encodes() -> None:
    encode = _resolve(firebase_private.ENCODER)
    assert callable(encode), firebase_private.ENCODER
    push = AlertPush(alert_id=1, text="Cambriolages à Meythet.", departement="74")
    encoded = firebase_private.encode_message(build_message(push))
    assert encoded["topic"] == "dep_74" and encoded["android"]["collapse_key"]


def test_regional_access_boundary_hook_exists() -> None:
    hook = _resolve(firebase_private.RAB_LOOKUP)
    assert callable(hook), firebase_private.RAB_LOOKUP


def test_rtdb_reference_has_a_mountable_session(tmp_path: Path) -> None:
    """``Reference._client.session`` on an emulator app (no network: nothing is requested)."""
    import firebase_admin
    from firebase_admin import db
    from google.auth.credentials import AnonymousCredentials

    class _Anonymous(firebase_admin.credentials.Base):
        def get_credential(self) -> Any:
            return AnonymousCredentials()

    app = firebase_admin.initialize_app(
        _Anonymous(), {"databaseURL": "http://127.0.0.1:9/?ns=contrat"}, name="contrat-rtdb"
    )
    try:
        session = firebase_private.rtdb_session(db.reference("flux", app=app))
        assert hasattr(session, "mount"), firebase_private.RTDB_SESSION
    finally:
        firebase_admin.delete_app(app)


def test_a_missing_attribute_is_named_in_french() -> None:
    with pytest.raises(firebase_private.UnsupportedLibrary) as refused:
        firebase_private.rtdb_session(object())
    assert firebase_private.RTDB_SESSION in refused.value.message
    assert "firebase-admin n'est pas prise en charge" in refused.value.message


@pytest.fixture
def server() -> Iterator[FcmTestServer]:
    with FcmTestServer(project_id="stopcamb-test") as srv:
        yield srv


def test_firebase_admins_own_send_posts_what_the_gateway_posts(
    server: FcmTestServer, tmp_path: Path
) -> None:
    """firebase-admin's ``messaging.send`` is pointed at the loopback server through its
    private ``_fcm_url`` (here only, to compare): same body, same firebase headers."""
    import firebase_admin
    from firebase_admin import credentials, messaging

    sa = server.write_service_account(tmp_path / "sa.json")
    now = datetime.now(UTC)
    push = AlertPush(alert_id=8, text="Texte", departement="2B", sequence=3)
    app = firebase_admin.initialize_app(
        credentials.Certificate(str(sa)), {"projectId": "stopcamb-test"}, name="contrat-fcm"
    )
    gateway = FcmGateway(sa, endpoint=server.base_url, timeout=2.0)
    try:
        service = messaging._get_messaging_service(app)
        service._fcm_url = gateway.send_url
        name = messaging.send(build_message(push, now=now), app=app)
        gateway.send(build_payload(push, now=now))
    finally:
        gateway.close()
        firebase_admin.delete_app(app)
    theirs, ours = server.received
    assert name == "projects/stopcamb-test/messages/1"
    assert theirs.errors == [] and theirs.body == ours.body
    for header in ("x-goog-api-format-version", "x-firebase-client"):
        assert theirs.headers[header] == ours.headers[header], header
