"""The real gateway: Firebase Cloud Messaging HTTP v1 through firebase-admin.

What we take from firebase-admin: the service-account credential, a dedicated named ``App``
(never the default app, which other code might own), and its messaging service (URL, headers,
authorised session). What we change on that service, each in one function below:

- :func:`redirect_fcm`: THE one place that points firebase-admin at another base URL
  (``fcm.endpoint`` / ``STOPCAMB_FCM_ENDPOINT``: a relay, or the loopback test server).
  firebase-admin 7.7 has no public option: ``_MessagingService.__init__`` computes the instance
  attribute ``_fcm_url`` from the class attribute ``FCM_URL``. We rewrite the instance
  attribute of *our* app's service (no global mutation) and refuse to start if it is not what
  we expect, so an upgrade that changes this fails loudly instead of sending elsewhere.
- :func:`_no_retry_client`: firebase-admin mounts urllib3 retries (5xx retried 4 times, and
  ``Retry-After`` honoured by sleeping, possibly for hours) with a 120 s timeout. We replace
  its HTTP client by one with no retry, no sleep and a short timeout: the outbox schedules
  retries. The OAuth token session gets the same treatment; the session refreshes the token
  once on 401/403 and retries the request once.
- :func:`_disable_regional_access_boundary`: google-auth ≥ 2.4x starts a background lookup to
  iamcredentials.googleapis.com after using a token (2.62 defines the environment variable
  ``GOOGLE_AUTH_TRUST_BOUNDARY_ENABLED`` but never reads it). Nothing here needs it; offline
  desks and relays must not talk to Google behind our back, so it is switched off.

The access token and the private key are never logged nor put in an error message.
"""

from __future__ import annotations

import functools
import logging
import threading
import uuid
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from stopcamb_desk.push import fcm_errors
from stopcamb_desk.push.credentials import CredentialsInfo, check_credentials
from stopcamb_desk.push.gateway import PushConfigError, PushError, SendResult

log = logging.getLogger(__name__)

FCM_DEFAULT_BASE = "https://fcm.googleapis.com"
DEFAULT_TIMEOUT_SECONDS = 10.0
# Refresh the OAuth token once and retry once when FCM answers one of these.
REFRESH_STATUS_CODES = (401, 403)
# Sent with ``validate_only`` by prepare(): FCM checks token, project and permission and
# delivers nothing (and nobody subscribes to this topic anyway).
PREFLIGHT_MESSAGE = {"topic": "stopcamb_verification", "data": {"verification": "1"}}


def redirect_fcm(service: Any, endpoint: str | None) -> str:
    """Point ``service`` (firebase-admin's ``_MessagingService`` of one app) at ``endpoint``.

    Returns the send URL now in use. Raises PushConfigError when firebase-admin does not
    look like the version this was written for (7.x: instance attribute ``_fcm_url``).
    """
    from firebase_admin import messaging

    template = getattr(messaging._MessagingService, "FCM_URL", "")
    expected = template.format(getattr(service, "_project_id", "")) if template else ""
    if (
        not expected.startswith(FCM_DEFAULT_BASE + "/")
        or getattr(service, "_fcm_url", None) != expected
    ):
        raise PushConfigError(
            "Cette version de firebase-admin n'est pas prise en charge par stopcamb-desk "
            "(adresse d'envoi FCM introuvable) : réinstallez la version livrée avec "
            "l'application. Aucun message n'a été envoyé."
        )
    if endpoint:
        service._fcm_url = endpoint.rstrip("/") + expected[len(FCM_DEFAULT_BASE) :]
    return str(service._fcm_url)


def _no_retry_adapter() -> Any:
    import requests.adapters
    from urllib3.util.retry import Retry

    retry = Retry(total=0, read=False, respect_retry_after_header=False, raise_on_status=False)
    return requests.adapters.HTTPAdapter(max_retries=retry, pool_connections=2, pool_maxsize=4)


def _no_retry_client(credential: Any, timeout: float) -> Any:
    """A firebase-admin JsonHttpClient without urllib3 retries, sleeps or long timeouts."""
    import requests
    from firebase_admin import _http_client
    from google.auth.transport.requests import AuthorizedSession, Request

    token_session = requests.Session()
    for prefix in ("http://", "https://"):
        token_session.mount(prefix, _no_retry_adapter())
    session = AuthorizedSession(
        credential,
        refresh_status_codes=REFRESH_STATUS_CODES,
        max_refresh_attempts=1,
        refresh_timeout=timeout,
        auth_request=Request(token_session),
    )
    for prefix in ("http://", "https://"):
        session.mount(prefix, _no_retry_adapter())
    client = _http_client.JsonHttpClient(session=session, retries=False, timeout=timeout)
    client._stopcamb_token_session = token_session  # closed with the gateway
    return client


def _disable_regional_access_boundary(credential: Any) -> None:
    if hasattr(credential, "_is_regional_access_boundary_lookup_required"):
        credential._is_regional_access_boundary_lookup_required = lambda: False


class FcmGateway:
    """Sends through FCM v1 with a dedicated firebase-admin app; thread-safe."""

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
        self._lock = threading.Lock()
        self._app: Any = None
        self._service: Any = None
        self._client: Any = None

    @property
    def project_id(self) -> str:
        return self.info.project_id

    @property
    def send_url(self) -> str:
        return str(self._ensure()._fcm_url)

    @property
    def app(self) -> Any:
        """The dedicated firebase-admin App (for ``messaging.send(…, app=gateway.app)``)."""
        self._ensure()
        return self._app

    def _ensure(self) -> Any:
        with self._lock:
            if self._service is None:
                self._service = self._build()
            return self._service

    def _build(self) -> Any:
        import firebase_admin
        from firebase_admin import credentials, messaging

        try:
            cert = credentials.Certificate(str(self.info.path))
        except (ValueError, OSError) as exc:
            raise PushConfigError(
                f"Le fichier de compte de service {self.info.path} est inutilisable "
                f"({exc.__class__.__name__}) : téléchargez une nouvelle clé dans la console "
                "Firebase (Paramètres du projet › Comptes de service)."
            ) from None
        app = firebase_admin.initialize_app(
            cert,
            options={"projectId": self.info.project_id, "httpTimeout": self.timeout},
            name=f"stopcamb-desk-{uuid.uuid4().hex[:12]}",
        )
        try:
            service = messaging._get_messaging_service(app)
            _disable_regional_access_boundary(service._credential)
            redirect_fcm(service, self.endpoint)
            service._client = _no_retry_client(service._credential, self.timeout)
        except BaseException:
            firebase_admin.delete_app(app)
            raise
        self._app = app
        log.info("Passerelle FCM prête : projet %s, %s", self.project_id, service._fcm_url)
        return service

    def prepare(self) -> None:
        """Run in the background after login, so the operator's first send costs one request:
        build the messaging service, fetch the OAuth token, then a ``validate_only`` request
        (FCM's dry run: nothing is delivered) that opens the connection and checks the
        credentials and the project's permission now rather than at 3 a.m. on a real alert."""
        service = self._ensure()
        try:
            if not service._credential.valid:
                session = service._client.session
                request = functools.partial(session._auth_request, timeout=self.timeout)
                service._credential.refresh(request)
            service._client.body(
                "post",
                url=service._fcm_url,
                headers=dict(service._fcm_headers),
                json={"message": PREFLIGHT_MESSAGE, "validate_only": True},
            )
        except Exception as exc:
            raise self._map(exc, service) from None

    def send(self, message: Mapping[str, Any]) -> SendResult:
        """POST ``{"message": message}`` exactly as firebase-admin's ``send`` would."""
        service = self._ensure()
        try:
            response = service._client.body(
                "post",
                url=service._fcm_url,
                headers=dict(service._fcm_headers),
                json={"message": dict(message)},
            )
        except Exception as exc:
            raise self._map(exc, service) from None
        name = response.get("name") if isinstance(response, dict) else None
        return SendResult(message_id=str(name or ""), gateway=self.name)

    def _map(self, exc: Exception, service: Any) -> PushError:
        import google.auth.exceptions as gexc
        import requests

        if isinstance(exc, PushError):
            return exc
        if isinstance(exc, requests.HTTPError) and exc.response is not None:
            return fcm_errors.from_http_response(exc.response, project_id=self.project_id)
        if isinstance(exc, requests.RequestException):
            return fcm_errors.from_network_error(exc, url=service._fcm_url)
        if isinstance(exc, gexc.GoogleAuthError):
            return fcm_errors.from_auth_error(exc)
        if isinstance(exc, ValueError):  # e.g. a non-JSON answer from a misconfigured relay
            return fcm_errors.from_unexpected(exc, url=service._fcm_url)
        raise exc

    def close(self) -> None:
        import firebase_admin

        with self._lock:
            service, app, self._service, self._app = self._service, self._app, None, None
        if service is not None:
            token_session = getattr(service._client, "_stopcamb_token_session", None)
            service._client.close()
            if token_session is not None:
                token_session.close()
        if app is not None:
            firebase_admin.delete_app(app)
