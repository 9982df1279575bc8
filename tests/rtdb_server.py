"""A loopback Firebase Realtime Database (REST protocol), for tests.

It speaks what firebase-admin's ``db`` module sends, as documented for the REST API
(https://firebase.google.com/docs/reference/rest/database):

- ``GET|PUT|PATCH|POST|DELETE /<path>.json`` with JSON bodies; ``PUT`` of ``null`` deletes;
  ``PATCH`` updates the listed children (``null`` deletes one); ``POST`` adds a child under a
  generated key and answers ``{"name": key}``; ``DELETE`` answers ``null``;
- ``?print=silent``: ``204 No Content`` instead of the written value;
- ``?ns=<name>``: the database namespace (emulator mode); another name is a 404;
- keys may not contain ``. $ # [ ]`` nor control characters, in the path or in the child
  paths of a ``PATCH`` (the whole update is refused); errors are ``{"error": "…"}``;
- ``Authorization: Bearer <token>``: firebase-admin sends ``owner`` to an emulator; any other
  token is a ``401 {"error": "Unauthorized request."}``.

The database is a JSON tree in memory (``server.tree``; :meth:`RtdbTestServer.value` reads a
path). Empty nodes vanish, as in the real database. Failures are scripted per request with
:meth:`RtdbTestServer.script` (one :class:`Step` each, then normal answers): an HTTP error with
its error body, a delay (to trigger the client's read timeout), a connection closed without
an answer, or a write held until the test releases it (it lands late). Every request is
recorded in ``server.requests``.

Usage::

    with RtdbTestServer() as server:
        feed = RtdbNewsFeed(server.database_url)
        server.script(Step(status=503))
        ...
        assert server.value("/flux_actualite") == {...}
"""

from __future__ import annotations

import json
import secrets
import threading
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

NAMESPACE = "stopcamb-test"
EMULATOR_TOKEN = "owner"
_INVALID_KEY_CHARS = set(".$#[]") | {chr(c) for c in range(32)} | {"\x7f"}
_REASONS = {
    400: "Bad Request",
    401: "Unauthorized request.",
    403: "Permission denied",
    404: "Not Found",
    500: "Internal server error.",
    503: "Service Unavailable",
}


@dataclass(frozen=True)
class Step:
    """What to do with one request instead of (or before) answering it normally."""

    status: int | None = None  # answer this HTTP status with {"error": message}
    message: str | None = None
    delay: float = 0.0  # wait before answering (the client may time out)
    close: bool = False  # close the connection without any answer
    # apply the write only once this is set (« a write that lands late »: the client has timed
    # out, the desk has moved on), then answer
    hold: threading.Event | None = None
    # run once the write is applied, before the answer (« the desk's database goes away while
    # the feed answers »)
    after: Callable[[], None] | None = None


@dataclass
class Recorded:
    method: str
    path: str
    query: dict[str, list[str]]
    body: Any
    authorization: str


@dataclass
class RtdbTestServer:
    namespace: str = NAMESPACE
    tree: dict[str, Any] = field(default_factory=dict)
    requests: list[Recorded] = field(default_factory=list)
    tokens: set[str] = field(default_factory=lambda: {EMULATOR_TOKEN})

    def __post_init__(self) -> None:
        self._lock = threading.Lock()
        self._steps: list[Step] = []
        self._stopping = threading.Event()
        server = self

        class Handler(_Handler):
            rtdb = server

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)

    # -- life cycle ---------------------------------------------------------------------------
    def start(self) -> RtdbTestServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop answering: later connections are refused (the port is closed)."""
        self._stopping.set()
        if self._thread.is_alive():
            self._httpd.shutdown()
        self._httpd.server_close()

    def __enter__(self) -> RtdbTestServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def port(self) -> int:
        return int(self._httpd.server_address[1])

    @property
    def database_url(self) -> str:
        """The URL to give firebase-admin (``databaseURL``): per-app emulator mode."""
        return f"http://127.0.0.1:{self.port}/?ns={self.namespace}"

    # -- scripting and assertions -----------------------------------------------------------
    def script(self, *steps: Step) -> None:
        with self._lock:
            self._steps.extend(steps)

    def next_step(self) -> Step | None:
        with self._lock:
            return self._steps.pop(0) if self._steps else None

    def value(self, path: str = "/") -> Any:
        with self._lock:
            node: Any = self.tree
            for key in _segments(path):
                if not isinstance(node, dict) or key not in node:
                    return None
                node = node[key]
            return json.loads(json.dumps(node)) if node != {} else None

    def writes(self) -> list[Recorded]:
        return [r for r in self.requests if r.method != "GET"]

    # -- the database -----------------------------------------------------------------------
    def apply(self, method: str, segments: list[str], body: Any) -> Any:
        with self._lock:
            if method == "GET":
                return self._get(segments)
            if method == "PUT":
                self._set(segments, body)
                return body
            if method == "DELETE":
                self._set(segments, None)
                return None
            if method == "PATCH":
                for child, value in body.items():
                    self._set(segments + _segments(child), value)
                return body
            if method == "POST":
                key = f"-N{secrets.token_hex(9)}"
                self._set([*segments, key], body)
                return {"name": key}
            raise ValueError(method)

    def _get(self, segments: list[str]) -> Any:
        node: Any = self.tree
        for key in segments:
            if not isinstance(node, dict) or key not in node:
                return None
            node = node[key]
        return node

    def _set(self, segments: list[str], value: Any) -> None:
        if not segments:
            self.tree = value if isinstance(value, dict) else {}
            return
        node = self.tree
        parents: list[tuple[dict[str, Any], str]] = []
        for key in segments[:-1]:
            child = node.get(key)
            if not isinstance(child, dict):
                if value is None:
                    return
                child = node[key] = {}
            parents.append((node, key))
            node = child
        if value is None or value == {}:
            node.pop(segments[-1], None)
        else:
            node[segments[-1]] = value
        for parent, key in reversed(parents):  # empty nodes do not exist
            if parent.get(key) == {}:
                del parent[key]


def _segments(path: str) -> list[str]:
    return [urllib.parse.unquote(s) for s in path.strip("/").split("/") if s]


class _Handler(BaseHTTPRequestHandler):
    rtdb: RtdbTestServer
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        self._handle("GET")

    def do_PUT(self) -> None:
        self._handle("PUT")

    def do_PATCH(self) -> None:
        self._handle("PATCH")

    def do_POST(self) -> None:
        self._handle("POST")

    def do_DELETE(self) -> None:
        self._handle("DELETE")

    def _handle(self, method: str) -> None:
        server = self.rtdb
        url = urllib.parse.urlsplit(self.path)
        query = urllib.parse.parse_qs(url.query)
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        try:
            body = json.loads(raw) if raw else None
        except ValueError:
            body = _INVALID
        server.requests.append(
            Recorded(
                method,
                url.path,
                query,
                None if body is _INVALID else body,
                self.headers.get("Authorization", ""),
            )
        )
        step = server.next_step()
        if step is not None:
            if step.delay and server._stopping.wait(step.delay):
                return
            while step.hold is not None and not step.hold.wait(0.05):
                if server._stopping.is_set():
                    return
            if step.close:
                self.close_connection = True
                self.connection.close()
                return
            if step.status is not None:
                self._error(step.status, step.message or _REASONS.get(step.status, "Error"))
                return
        if query.get("ns") != [server.namespace]:
            self._error(404, f"Namespace {query.get('ns')} not found.")
            return
        auth = self.headers.get("Authorization", "")
        if not auth.startswith("Bearer ") or auth[7:] not in server.tokens:
            self._error(401, "Unauthorized request.")
            return
        if not url.path.endswith(".json"):
            self._error(404, "Not Found: paths end with .json")
            return
        segments = _segments(url.path[: -len(".json")])
        if any(_INVALID_KEY_CHARS & set(s) for s in segments):
            self._error(400, "Invalid path: Invalid token in path")
            return
        if body is _INVALID:
            self._error(400, "Invalid data; couldn't parse JSON object, array, or value.")
            return
        if method in ("PUT", "POST") and body is None and not raw:
            self._error(400, "No data supplied.")
            return
        if method == "PATCH" and not isinstance(body, dict):
            self._error(400, "Invalid data; couldn't parse JSON object.")
            return
        if method == "PATCH" and any(
            _INVALID_KEY_CHARS & set(s) for child in body for s in _segments(child)
        ):  # one bad child path refuses the whole update
            self._error(400, "Invalid data; couldn't parse key beginning at 1:2.")
            return
        result = server.apply(method, segments, body)
        if step is not None and step.after is not None:
            step.after()
        if method != "GET" and query.get("print") == ["silent"]:
            self._send(204, None)
            return
        self._send(200, json.dumps(result).encode())

    def _error(self, status: int, message: str) -> None:
        self._send(status, json.dumps({"error": message}).encode())

    def _send(self, status: int, payload: bytes | None) -> None:
        self.send_response(status)
        if payload is None:
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)


_INVALID = object()
