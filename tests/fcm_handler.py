"""The HTTP side of the loopback FCM server: the OAuth token endpoint and ``messages:send``.

See :mod:`fcm_server` for the protocols; the state (scripted steps, issued tokens, received
requests) lives on the :class:`~fcm_server.FcmTestServer` that owns the handler.
"""

from __future__ import annotations

import contextlib
import json
import secrets
import urllib.parse
from http.server import BaseHTTPRequestHandler
from typing import TYPE_CHECKING, Any

import jwt
from fcm_schema import validate_message
from fcm_script import Received, Step, fcm_error_body

if TYPE_CHECKING:
    from fcm_server import FcmTestServer

GOOGLE_TOKEN_AUDIENCE = "https://oauth2.googleapis.com/token"
JWT_BEARER_GRANT = "urn:ietf:params:oauth:grant-type:jwt-bearer"
# FCM v1 accepts a token with either scope (firebase-admin asks for cloud-platform).
FCM_SCOPES = {
    "https://www.googleapis.com/auth/firebase.messaging",
    "https://www.googleapis.com/auth/cloud-platform",
}


class FcmHandler(BaseHTTPRequestHandler):
    """One connection to :class:`~fcm_server.FcmTestServer` (``owner``, set by the server)."""

    owner: FcmTestServer
    protocol_version = "HTTP/1.1"
    # Headers and body are two writes: without TCP_NODELAY, Nagle + delayed ACK add 40 ms
    # to every keep-alive request (the real FCM front ends do not behave like that).
    disable_nagle_algorithm = True

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def _reply(self, status: int, body: Any, headers: dict[str, str] | None = None) -> None:
        data = json.dumps(body).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=UTF-8")
        self.send_header("Content-Length", str(len(data)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    def _read_body(self) -> bytes:
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def do_POST(self) -> None:
        raw = self._read_body()
        path = urllib.parse.urlsplit(self.path).path
        if path == "/token":
            self._token(raw)
        elif path == self.owner.send_path:
            self._send(raw)
        else:
            self._reply(404, fcm_error_body(404, message=f"Unknown path {path}"))

    def _token(self, raw: bytes) -> None:
        owner = self.owner
        with owner._lock:
            owner._state.token_requests += 1
        step = owner._next_step(token=True)
        if step.close:
            self.close_connection = True
            return
        if step.status != 200:
            body = step.body or {"error": "invalid_grant", "error_description": "Scripted"}
            self._reply(step.status, body)
            return
        form = urllib.parse.parse_qs(raw.decode("utf-8"))
        problem = None
        if form.get("grant_type") != [JWT_BEARER_GRANT]:
            problem = "unsupported grant_type"
        else:
            try:
                claims = jwt.decode(
                    form.get("assertion", [""])[0],
                    owner.public_key,
                    algorithms=["RS256"],
                    audience=GOOGLE_TOKEN_AUDIENCE,
                    options={"require": ["iss", "aud", "iat", "exp"]},
                )
                if not str(claims["iss"]).endswith(".iam.gserviceaccount.com"):
                    problem = "unexpected issuer"
                elif not FCM_SCOPES & set(str(claims.get("scope", "")).split()):
                    problem = "no scope allowing FCM"
            except jwt.PyJWTError as exc:
                problem = f"invalid assertion: {exc}"
        if problem:
            with owner._lock:
                owner._state.token_errors.append(problem)
            self._reply(400, {"error": "invalid_grant", "error_description": problem})
            return
        token = "ya29.loopback-" + secrets.token_urlsafe(24)
        with owner._lock:
            owner._state.tokens.add(token)
            owner._state.all_tokens.append(token)
        self._reply(
            200,
            {"access_token": token, "expires_in": owner.token_lifetime, "token_type": "Bearer"},
        )

    def _send(self, raw: bytes) -> None:
        owner = self.owner
        headers = {k.lower(): v for k, v in self.headers.items()}
        try:
            body = json.loads(raw)
        except ValueError:
            body = None
        message = body.get("message") if isinstance(body, dict) else None
        errors = []
        if not isinstance(body, dict) or set(body) - {"message", "validate_only", "validateOnly"}:
            errors.append("request body must be {'message': …}")
        errors += validate_message(message)
        record = Received(body=body, message=message, headers=headers, errors=errors)
        dry_run = isinstance(body, dict) and bool(
            body.get("validate_only") or body.get("validateOnly")
        )
        with owner._lock:
            (owner._state.validated if dry_run else owner._state.received).append(record)
        step = Step() if dry_run else owner._next_step()
        if step.revoke_tokens:
            owner.revoke_all_tokens()
        auth = headers.get("authorization", "")
        with owner._lock:
            authorised = auth.startswith("Bearer ") and auth[7:] in owner._state.tokens
        if not authorised:
            record.answered = 401
            self._reply(401, fcm_error_body(401, message="Request had invalid credentials."))
            return
        if errors:
            record.answered = 400
            self._reply(400, fcm_error_body(400, message="; ".join(errors)[:500]))
            return
        if step.close:
            self.close_connection = True
            return
        if step.delay and owner._stopping.wait(step.delay):
            return
        if step.before_answer is not None:
            step.before_answer()
        if step.status != 200:
            extra = {"Retry-After": step.retry_after} if step.retry_after else {}
            record.answered = step.status
            body_out = step.body or fcm_error_body(step.status, step.fcm_code)
            self._reply(step.status, body_out, extra)
            return
        if dry_run:  # FCM answers a dry run with a placeholder id and delivers nothing
            record.answered = 200
            self._reply(200, {"name": f"projects/{owner.project_id}/messages/fake_message_id"})
            return
        with owner._lock:
            owner._state.counter += 1
            n = owner._state.counter
        record.answered = 200
        # OSError: the client gave up (read timeout); FCM may still have delivered it.
        with contextlib.suppress(OSError):
            self._reply(200, {"name": f"projects/{owner.project_id}/messages/{n}"})


__all__ = ["FCM_SCOPES", "GOOGLE_TOKEN_AUDIENCE", "JWT_BEARER_GRANT", "FcmHandler"]
