"""The real gateway: Firebase Cloud Messaging HTTP v1, with firebase-admin's credentials.

What we take from firebase-admin: the service-account credential
(``credentials.Certificate(...).get_credential()``, public) and its message encoder (through
:mod:`.firebase_private`, see :mod:`.payload`). The request itself is the documented FCM v1
REST call, ``POST {base}/v1/projects/{project}/messages:send`` with ``{"message": …}`` and the
headers firebase-admin's own ``send`` sets, through google-auth's public ``AuthorizedSession``:

- the base URL is ``fcm.endpoint`` / ``STOPCAMB_FCM_ENDPOINT`` (a relay, or the loopback test
  server), else ``https://fcm.googleapis.com``: no private attribute to redirect;
- no hidden retries: firebase-admin mounts urllib3 retries (5xx retried 4 times, and
  ``Retry-After`` honoured by sleeping, possibly for hours) with a 120 s timeout; our session
  and its OAuth token session have no retry, no sleep and a short timeout (the outbox
  schedules retries); the session refreshes the token once on 401/403 and retries once;
- google-auth's background regional access boundary lookup is switched off
  (:func:`~.firebase_private.disable_regional_access_boundary`);
- the proxy and certificate settings of the environment are read once, when the session is
  built (:func:`read_environment_once`).

``tests/test_firebase_private.py`` checks that firebase-admin's public ``messaging.send``
posts the same body and headers as this gateway. The access token and the private key are
never logged nor put in an error message.
"""

from __future__ import annotations

import functools
import logging
import os
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from stopcamb_desk.lazy import (
    firebase_admin,
    firebase_credentials,
    google_auth_errors,
    google_requests,
    requests,
    requests_adapters,
    urllib3_retry,
)
from stopcamb_desk.push import fcm_errors
from stopcamb_desk.push.credentials import CredentialsInfo, check_credentials
from stopcamb_desk.push.firebase_private import disable_regional_access_boundary
from stopcamb_desk.push.gateway import PushConfigError, PushError, SendResult

log = logging.getLogger(__name__)

FCM_DEFAULT_BASE = "https://fcm.googleapis.com"
DEFAULT_TIMEOUT_SECONDS = 10.0
# Refresh the OAuth token once and retry once when FCM answers one of these.
REFRESH_STATUS_CODES = (401, 403)
# Sent with ``validate_only`` by prepare(): FCM checks token, project and permission and
# delivers nothing (and nobody subscribes to this topic anyway).
PREFLIGHT_MESSAGE = {"topic": "stopcamb_verification", "data": {"verification": "1"}}


def send_url(endpoint: str | None, project_id: str) -> str:
    """The FCM v1 ``messages:send`` URL of ``project_id`` at ``endpoint`` (default: Google)."""
    base = (endpoint or FCM_DEFAULT_BASE).rstrip("/")
    return f"{base}/v1/projects/{project_id}/messages:send"


def fcm_headers() -> dict[str, str]:
    """The headers firebase-admin's ``messaging.send`` sets (API format, client version)."""
    return {
        "X-GOOG-API-FORMAT-VERSION": "2",
        "X-FIREBASE-CLIENT": f"fire-admin-python/{firebase_admin.__version__}",
    }


def no_retry_adapter() -> Any:
    """A ``requests`` adapter without urllib3 retries nor ``Retry-After`` sleeps."""
    retry = urllib3_retry.Retry(
        total=0, read=False, respect_retry_after_header=False, raise_on_status=False
    )
    return requests_adapters.HTTPAdapter(max_retries=retry, pool_connections=2, pool_maxsize=4)


def read_environment_once(session: Any, url: str) -> None:
    """``session`` reaches ``url`` through the proxy and with the certificate authorities
    that the environment names (``HTTPS_PROXY``, ``NO_PROXY``, ``REQUESTS_CA_BUNDLE``…), read
    now as ``requests`` reads them: not again before every request (a tenth of a millisecond
    each time on the desk's machines), nor a ``.netrc`` password in place of the token."""
    session.proxies = requests.utils.get_environ_proxies(url)
    bundle = os.environ.get("REQUESTS_CA_BUNDLE") or os.environ.get("CURL_CA_BUNDLE")
    if bundle:
        session.verify = bundle
    session.trust_env = False


@dataclass(frozen=True, slots=True)
class _Connection:
    """The authorised session of one gateway, its token session and credential."""

    session: Any  # google.auth.transport.requests.AuthorizedSession
    token_session: Any  # requests.Session
    token_request: Any  # google.auth.transport.requests.Request
    credential: Any  # google.oauth2.service_account.Credentials
    headers: dict[str, str]

    def close(self) -> None:
        self.session.close()
        self.token_session.close()


class FcmGateway:
    """Sends through FCM v1 with the service account's credential; thread-safe."""

    name = "fcm"
    simulated = False

    def __init__(
        self,
        credentials_path: Path | str,
        *,
        endpoint: str | None = None,
        timeout: float = DEFAULT_TIMEOUT_SECONDS,
    ) -> None:
        self.info: CredentialsInfo = check_credentials(Path(credentials_path))
        self.endpoint = endpoint.rstrip("/") if endpoint else None
        self.timeout = timeout
        self.send_url = send_url(self.endpoint, self.info.project_id)
        self._lock = threading.Lock()
        self._connection: _Connection | None = None

    @property
    def project_id(self) -> str:
        return self.info.project_id

    def _ensure(self) -> _Connection:
        with self._lock:
            if self._connection is None:
                self._connection = self._build()
            return self._connection

    def _build(self) -> _Connection:
        try:
            credential = firebase_credentials.Certificate(str(self.info.path)).get_credential()
        except (ValueError, OSError) as exc:
            raise PushConfigError(
                f"Le fichier de compte de service {self.info.path} est inutilisable "
                f"({exc.__class__.__name__}) : téléchargez une nouvelle clé dans la console "
                "Firebase (Paramètres du projet › Comptes de service)."
            ) from None
        disable_regional_access_boundary(credential)
        token_session = requests.Session()
        for prefix in ("http://", "https://"):
            token_session.mount(prefix, no_retry_adapter())
        token_request = google_requests.Request(token_session)
        session = google_requests.AuthorizedSession(
            credential,
            refresh_status_codes=REFRESH_STATUS_CODES,
            max_refresh_attempts=1,
            refresh_timeout=self.timeout,
            auth_request=token_request,
        )
        for prefix in ("http://", "https://"):
            session.mount(prefix, no_retry_adapter())
        read_environment_once(session, self.send_url)
        log.info("Passerelle FCM prête : projet %s, %s", self.project_id, self.send_url)
        return _Connection(session, token_session, token_request, credential, fcm_headers())

    def prepare(self) -> None:
        """Run in the background after login, so the operator's first send costs one request:
        build the session, fetch the OAuth token, then a ``validate_only`` request (FCM's dry
        run: nothing is delivered) that opens the connection and checks the credentials and
        the project's permission now rather than at 3 a.m. on a real alert."""
        connection = self._ensure()
        try:
            if not connection.credential.valid:
                connection.credential.refresh(
                    functools.partial(connection.token_request, timeout=self.timeout)
                )
            self._post(connection, {"message": PREFLIGHT_MESSAGE, "validate_only": True})
        except Exception as exc:
            raise self._map(exc) from None

    def send(self, message: Mapping[str, Any]) -> SendResult:
        """POST ``{"message": message}`` exactly as firebase-admin's ``send`` would."""
        connection = self._ensure()
        try:
            response = self._post(connection, {"message": dict(message)})
        except Exception as exc:
            raise self._map(exc) from None
        name = response.get("name") if isinstance(response, dict) else None
        return SendResult(message_id=str(name or ""), gateway=self.name)

    def _post(self, connection: _Connection, body: dict[str, Any]) -> Any:
        response = connection.session.post(
            self.send_url, json=body, headers=connection.headers, timeout=self.timeout
        )
        response.raise_for_status()
        return response.json()

    def _map(self, exc: Exception) -> PushError:
        if isinstance(exc, PushError):
            return exc
        if isinstance(exc, requests.HTTPError) and exc.response is not None:
            return fcm_errors.from_http_response(exc.response, project_id=self.project_id)
        if isinstance(exc, requests.RequestException):
            return fcm_errors.from_network_error(exc, url=self.send_url)
        if isinstance(exc, google_auth_errors.GoogleAuthError):
            return fcm_errors.from_auth_error(exc)
        if isinstance(exc, ValueError):  # e.g. a non-JSON answer from a misconfigured relay
            return fcm_errors.from_unexpected(exc, url=self.send_url)
        raise exc

    def close(self) -> None:
        with self._lock:
            connection, self._connection = self._connection, None
        if connection is not None:
            connection.close()
