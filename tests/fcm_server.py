"""A loopback Firebase Cloud Messaging v1 + Google OAuth token server, for tests.

It speaks the two protocols a desk uses:

- ``POST /token``: the OAuth 2.0 JWT bearer grant (RFC 7523) of a Google service account. The
  assertion's RS256 signature is verified with the public half of the RSA key minted for the
  test (:meth:`FcmTestServer.write_service_account` writes the matching service-account JSON,
  ``token_uri`` pointing here); answers ``{"access_token", "expires_in", "token_type"}``.
- ``POST /v1/projects/{project}/messages:send``: checks the ``Bearer`` token, validates the body
  against the FCM v1 ``Message`` schema of the official discovery document shipped in
  google-api-python-client (``$ref``s resolved into JSON Schema), plus what the schema cannot
  express, then answers ``{"name": "projects/<p>/messages/<n>"}``.

Failures are scripted per request with :meth:`FcmTestServer.script` (one :class:`Step` per
request, then ``default``): HTTP status with FCM v1 error bodies and ``Retry-After``, token
revocation (a real 401 that a token refresh cures), delays (read timeouts) and connections
closed without an answer. Everything received is recorded for assertions.

The pieces live next to this module: :mod:`fcm_schema` (discovery document → JSON Schema,
:func:`validate_message`), :mod:`fcm_keys` (RSA keys, service-account files), :mod:`fcm_script`
(:class:`Step` and its helpers, :class:`Received`) and :mod:`fcm_handler` (the two endpoints).

Usage::

    with FcmTestServer() as server:
        creds = server.write_service_account(tmp_path / "sa.json")
        server.script(error(503, retry_after="7"))
        ...
        assert server.invalid == []
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from http.server import ThreadingHTTPServer
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric import rsa
from fcm_handler import FcmHandler
from fcm_keys import mint_service_account, shared_key
from fcm_script import (
    Received,
    Step,
)


@dataclass
class _State:
    steps: list[Step] = field(default_factory=list)
    token_steps: list[Step] = field(default_factory=list)
    tokens: set[str] = field(default_factory=set)  # currently valid
    all_tokens: list[str] = field(default_factory=list)  # ever issued
    received: list[Received] = field(default_factory=list)
    validated: list[Received] = field(default_factory=list)  # validate_only (dry runs)
    token_requests: int = 0
    token_errors: list[str] = field(default_factory=list)
    counter: int = 0


class FcmTestServer:
    """Threaded HTTP/1.1 server on 127.0.0.1:<free port>; use as a context manager."""

    def __init__(self, project_id: str = "stopcamb-test", key: rsa.RSAPrivateKey | None = None):
        self.project_id = project_id
        self.key = key or shared_key()
        self.public_key = self.key.public_key()
        self.default = Step()
        self.token_lifetime = 3600
        self._state = _State()
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # lifecycle
    def start(self) -> FcmTestServer:
        handler = type("Handler", (FcmHandler,), {"owner": self})
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def __enter__(self) -> FcmTestServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # addresses and files
    @property
    def base_url(self) -> str:
        assert self._httpd is not None, "server not started"
        return f"http://127.0.0.1:{self._httpd.server_address[1]}"

    @property
    def token_uri(self) -> str:
        return self.base_url + "/token"

    @property
    def send_path(self) -> str:
        return f"/v1/projects/{self.project_id}/messages:send"

    def write_service_account(self, path: Path, **kwargs: Any) -> Path:
        kwargs.setdefault("project_id", self.project_id)
        return mint_service_account(path, token_uri=self.token_uri, key=self.key, **kwargs)

    # scripting
    def script(self, *steps: Step) -> None:
        """Answer the next ``messages:send`` requests with ``steps``, then ``default``."""
        with self._lock:
            self._state.steps.extend(steps)

    def script_token(self, *steps: Step) -> None:
        with self._lock:
            self._state.token_steps.extend(steps)

    def revoke_all_tokens(self) -> None:
        with self._lock:
            self._state.tokens.clear()

    # observations
    @property
    def received(self) -> list[Received]:
        with self._lock:
            return list(self._state.received)

    @property
    def validated(self) -> list[Received]:
        """``validate_only`` requests (FCM dry runs: checked, never delivered)."""
        with self._lock:
            return list(self._state.validated)

    @property
    def accepted(self) -> list[Any]:
        """Messages answered 200 (what FCM would have delivered)."""
        return [r.message for r in self.received if r.answered == 200]

    @property
    def invalid(self) -> list[Received]:
        return [r for r in self.received + self.validated if r.errors]

    @property
    def token_requests(self) -> int:
        with self._lock:
            return self._state.token_requests

    @property
    def token_errors(self) -> list[str]:
        with self._lock:
            return list(self._state.token_errors)

    @property
    def issued_tokens(self) -> set[str]:
        """Access tokens currently valid."""
        with self._lock:
            return set(self._state.tokens)

    @property
    def all_tokens(self) -> list[str]:
        """Every access token issued, revoked or not."""
        with self._lock:
            return list(self._state.all_tokens)

    def _next_step(self, token: bool = False) -> Step:
        with self._lock:
            steps = self._state.token_steps if token else self._state.steps
            return steps.pop(0) if steps else (Step() if token else self.default)


def wait_until(predicate: Any, timeout: float = 5.0) -> bool:
    """Poll ``predicate`` (for background senders), without a fixed sleep."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.005)
    return bool(predicate())
