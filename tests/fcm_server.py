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

Usage::

    with FcmTestServer() as server:
        creds = server.write_service_account(tmp_path / "sa.json")
        server.script(error(503, retry_after="7"))
        ...
        assert server.invalid == []
"""

from __future__ import annotations

import contextlib
import functools
import json
import re
import secrets
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import jsonschema
import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

GOOGLE_TOKEN_AUDIENCE = "https://oauth2.googleapis.com/token"
JWT_BEARER_GRANT = "urn:ietf:params:oauth:grant-type:jwt-bearer"
# FCM v1 accepts a token with either scope (firebase-admin asks for cloud-platform).
FCM_SCOPES = {
    "https://www.googleapis.com/auth/firebase.messaging",
    "https://www.googleapis.com/auth/cloud-platform",
}
TOPIC_RE = re.compile(r"[a-zA-Z0-9\-_.~%]+")
MAX_TTL_SECONDS = 28 * 24 * 3600
MAX_MESSAGE_BYTES = 4096
FCM_ERROR_TYPE = "type.googleapis.com/google.firebase.fcm.v1.FcmError"
_GOOGLE_STATUS = {
    400: "INVALID_ARGUMENT",
    401: "UNAUTHENTICATED",
    403: "PERMISSION_DENIED",
    404: "NOT_FOUND",
    429: "RESOURCE_EXHAUSTED",
    500: "INTERNAL",
    503: "UNAVAILABLE",
}


# --- schema -----------------------------------------------------------------------------


def discovery_document_path() -> Path:
    import googleapiclient

    return Path(googleapiclient.__file__).parent / "discovery_cache" / "documents" / "fcm.v1.json"


def _snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


_FORMAT_PATTERNS = {
    "google-duration": r"^-?\d+(\.\d{1,9})?s$",
    "google-datetime": r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$",
    "int64": r"^-?\d+$",
}
_DROP = {"description", "id", "enumDescriptions", "deprecated", "readOnly"}


def _convert(node: Any) -> Any:
    """Discovery schema → JSON Schema (draft 2020-12).

    - ``{"$ref": "X"}`` → ``{"$ref": "#/$defs/X"}``;
    - objects with ``properties`` reject unknown fields (FCM answers 400 « Unknown name »);
    - each field is also accepted under its proto name (``collapse_key`` for
      ``collapseKey``): the proto3 JSON parser accepts both, and firebase-admin sends the
      snake_case form;
    - enums are matched case-insensitively (firebase-admin sends ``"high"`` for ``HIGH``);
    - string formats become patterns; ``"type": "any"`` (discovery only) accepts anything.
    """
    if isinstance(node, list):
        return [_convert(item) for item in node]
    if not isinstance(node, dict):
        return node
    out: dict[str, Any] = {}
    for key, value in node.items():
        if key in _DROP or (key == "type" and value == "any"):
            continue
        if key == "$ref":
            out["$ref"] = f"#/$defs/{value}"
        elif key == "properties":
            props: dict[str, Any] = {}
            for name, sub in value.items():
                props[name] = _convert(sub)
                props.setdefault(_snake(name), props[name])
            out["properties"] = props
        elif key == "enum":
            alternatives = "|".join(re.escape(v) for v in value)
            out["pattern"] = f"^(?i:{alternatives})$"
        elif key == "format":
            if value in _FORMAT_PATTERNS:
                out["pattern"] = _FORMAT_PATTERNS[value]
        else:
            out[key] = _convert(value)
    if "properties" in out and "additionalProperties" not in node:
        out["additionalProperties"] = False
    return out


@functools.cache
def message_schema() -> dict[str, Any]:
    """JSON Schema of the FCM v1 ``Message`` resource."""
    doc = json.loads(discovery_document_path().read_text(encoding="utf-8"))
    defs = {name: _convert(schema) for name, schema in doc["schemas"].items()}
    schema = {"$schema": "https://json-schema.org/draft/2020-12/schema", "$defs": defs}
    schema["$ref"] = "#/$defs/Message"
    jsonschema.Draft202012Validator.check_schema(schema)
    return schema


def _extra_checks(message: dict[str, Any]) -> list[str]:
    """What FCM enforces beyond the discovery schema."""
    errors: list[str] = []
    targets = [k for k in ("token", "topic", "condition") if message.get(k)]
    if len(targets) != 1:
        errors.append(f"exactly one of token/topic/condition required, got {targets}")
    topic = message.get("topic")
    if isinstance(topic, str) and not TOPIC_RE.fullmatch(topic):
        errors.append(f"malformed topic name {topic!r}")
    data = message.get("data") or {}
    if isinstance(data, dict):
        for k, v in data.items():
            if not isinstance(v, str):
                errors.append(f"data[{k!r}] is not a string")
            if k in ("from", "message_type") or k.startswith(("google.", "gcm.")):
                errors.append(f"data key {k!r} is reserved")
    android = message.get("android") or {}
    ttl = android.get("ttl") if isinstance(android, dict) else None
    if (
        isinstance(ttl, str)
        and re.fullmatch(_FORMAT_PATTERNS["google-duration"], ttl)
        and not 0 <= float(ttl[:-1]) <= MAX_TTL_SECONDS
    ):
        errors.append(f"android.ttl {ttl} outside 0..4 weeks")
    apns = message.get("apns") or {}
    headers = apns.get("headers") or {} if isinstance(apns, dict) else {}
    collapse = headers.get("apns-collapse-id")
    if collapse is not None and len(str(collapse).encode("utf-8")) > 64:
        errors.append("apns-collapse-id longer than 64 bytes")
    expiration = headers.get("apns-expiration")
    if expiration is not None and not (
        isinstance(expiration, str) and expiration.isdigit() and int(expiration) > 10**9
    ):
        errors.append(f"apns-expiration {expiration!r} is not a UNIX timestamp")
    if "apns-priority" in headers and headers["apns-priority"] not in ("5", "10"):
        errors.append("apns-priority must be 5 or 10")
    if "apns-push-type" in headers and headers["apns-push-type"] not in (
        "alert",
        "background",
        "voip",
        "complication",
        "fileprovider",
        "mdm",
        "liveactivity",
        "location",
        "pushtotalk",
        "controls",
        "widgets",
    ):
        errors.append("unknown apns-push-type")
    size = len(json.dumps(message, ensure_ascii=False, separators=(",", ":")).encode())
    if size > MAX_MESSAGE_BYTES:
        errors.append(f"message too big ({size} bytes)")
    return errors


def validate_message(message: Any) -> list[str]:
    """All the reasons FCM would refuse ``message`` with 400 (empty list: valid)."""
    validator = jsonschema.Draft202012Validator(message_schema())
    errors = [
        f"{'/'.join(str(p) for p in e.absolute_path) or '<message>'}: {e.message}"
        for e in validator.iter_errors(message)
    ]
    if isinstance(message, dict) and not errors:
        errors.extend(_extra_checks(message))
    return errors


# --- keys and service-account files -----------------------------------------------------


@functools.cache
def _shared_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def new_private_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def private_key_pem(key: rsa.RSAPrivateKey) -> str:
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode("ascii")


def mint_service_account(
    path: Path,
    *,
    token_uri: str,
    project_id: str = "stopcamb-test",
    key: rsa.RSAPrivateKey | None = None,
    mode: int = 0o600,
    **overrides: Any,
) -> Path:
    """Write a Google service-account JSON with its own RSA key; returns ``path``."""
    key = key or _shared_key()
    info: dict[str, Any] = {
        "type": "service_account",
        "project_id": project_id,
        "private_key_id": secrets.token_hex(20),
        "private_key": private_key_pem(key),
        "client_email": f"stopcamb-desk@{project_id}.iam.gserviceaccount.com",
        "client_id": str(secrets.randbelow(10**20)),
        "auth_uri": "https://accounts.google.com/o/oauth2/auth",
        "token_uri": token_uri,
        "universe_domain": "googleapis.com",
    }
    info.update(overrides)
    info = {k: v for k, v in info.items() if v is not None}
    path.write_text(json.dumps(info, indent=2), encoding="utf-8")
    path.chmod(mode)
    return path


# --- scripted behaviour -----------------------------------------------------------------


@dataclass(frozen=True)
class Step:
    """How the server answers one request."""

    status: int = 200
    fcm_code: str | None = None
    retry_after: str | None = None
    delay: float = 0.0  # seconds before answering (longer than the client timeout = timeout)
    close: bool = False  # close the connection without any answer
    revoke_tokens: bool = False  # forget issued tokens first: the request gets a real 401
    body: dict[str, Any] | None = None  # raw JSON answer (token endpoint errors…)


def ok() -> Step:
    return Step()


def error(status: int, fcm_code: str | None = None, *, retry_after: str | None = None) -> Step:
    return Step(status=status, fcm_code=fcm_code, retry_after=retry_after)


def delay(seconds: float) -> Step:
    return Step(delay=seconds)


def close() -> Step:
    return Step(close=True)


def revoke_tokens() -> Step:
    return Step(revoke_tokens=True)


def fcm_error_body(status: int, fcm_code: str | None = None, message: str = "") -> dict[str, Any]:
    error_obj: dict[str, Any] = {
        "code": status,
        "message": message or f"Scripted error {status}",
        "status": _GOOGLE_STATUS.get(status, "UNKNOWN"),
    }
    if fcm_code:
        error_obj["details"] = [{"@type": FCM_ERROR_TYPE, "errorCode": fcm_code}]
    return {"error": error_obj}


@dataclass
class Received:
    """One ``messages:send`` request as the server saw it."""

    body: Any
    message: Any
    headers: dict[str, str]
    errors: list[str]
    answered: int | None = None  # HTTP status sent back, None if the connection was closed


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
        self.key = key or _shared_key()
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
        handler = type("Handler", (_Handler,), {"owner": self})
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


class _Handler(BaseHTTPRequestHandler):
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


def wait_until(predicate: Any, timeout: float = 5.0) -> bool:
    """Poll ``predicate`` (for background senders), without a fixed sleep."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.005)
    return bool(predicate())
