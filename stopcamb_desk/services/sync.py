"""Live sync between desks: be told when another desk changes an alert, without polling tables.

- PostgreSQL: the trigger of migration ``0002_notify`` sends ``NOTIFY stopcamb_alertes`` at the
  commit of every alert change; a listener thread holds its own connection (``LISTEN``) and
  calls ``on_change`` with the alert id, status and département.
- SQLite (one machine, several windows or processes): ``PRAGMA data_version`` changes when
  another connection commits; polling it costs one page read, not a query on the alerts. It
  says only « something changed »: a reader that must know which alert changed status (the
  notification banner, :mod:`stopcamb_desk.services.awareness`) reads the audit events
  written since its last look.

A lost connection is reported through ``on_state(False)``; the listener reconnects with
back-off and then calls ``on_state(True)`` and ``on_change(Change.everything())`` (changes made
while it was away are not replayed by PostgreSQL: the desk reloads what it shows).
Callbacks run on the listener thread; the desk publishes them on its change bus
(:mod:`stopcamb_desk.services.changes`), which the UI hands to the GUI thread.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy.engine import make_url

from stopcamb_desk.lazy import psycopg
from stopcamb_desk.services.changes import Change

log = logging.getLogger(__name__)

CHANNEL = "stopcamb_alertes"
APPLICATION_NAME = "stopcamb-desk-ecoute"
RECONNECT_DELAYS: tuple[float, ...] = (0.2, 0.5, 1.0, 2.0, 5.0)
# Without any notification for this long, check that the connection is still alive.
LIVENESS_SECONDS = 10.0
SQLITE_POLL_SECONDS = 0.25


OnChange = Callable[[Change], None]
OnState = Callable[[bool], None]


class ChangeListener:
    """Background listener for one database URL. ``start()``, then ``stop()`` when done."""

    def __init__(
        self,
        url: str,
        on_change: OnChange,
        on_state: OnState | None = None,
        *,
        reconnect_delays: Sequence[float] = RECONNECT_DELAYS,
        poll_seconds: float = SQLITE_POLL_SECONDS,
        liveness_seconds: float = LIVENESS_SECONDS,
    ) -> None:
        self._url = make_url(url)
        self._on_change = on_change
        self._on_state = on_state
        self._delays = tuple(reconnect_delays) or (1.0,)
        self._poll = poll_seconds
        self._liveness = liveness_seconds
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._connection: Any = None
        self.connected = threading.Event()  # set while listening; tests wait on it
        self._state: bool | None = None  # last state reported (None: not yet known)
        self.backend = self._url.get_backend_name()

    # -- life cycle -------------------------------------------------------------------------
    def start(self) -> ChangeListener:
        if self._thread is not None:
            return self
        target = self._run_postgresql if self.backend == "postgresql" else self._run_sqlite
        self._thread = threading.Thread(target=target, name="stopcamb-sync", daemon=True)
        self._thread.start()
        return self

    def stop(self, timeout: float = 5.0) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    # -- callbacks --------------------------------------------------------------------------
    def _emit(self, change: Change) -> None:
        try:
            self._on_change(change)
        except Exception:  # a faulty callback must not kill the listener
            log.exception("erreur dans le rappel de synchronisation")

    def _set_state(self, up: bool) -> None:
        if up is self._state:
            return
        self._state = up
        if up:
            self.connected.set()
        else:
            self.connected.clear()
        if self._on_state is not None:
            try:
                self._on_state(up)
            except Exception:
                log.exception("erreur dans le rappel d'état de connexion")

    def _backoff(self, failures: int) -> bool:
        """Wait before reconnecting; False when asked to stop meanwhile."""
        delay = self._delays[min(failures, len(self._delays) - 1)]
        return not self._stop.wait(delay)

    # -- PostgreSQL ---------------------------------------------------------------------------
    def _conninfo(self) -> str:
        return self._url.set(drivername="postgresql").render_as_string(hide_password=False)

    def _run_postgresql(self) -> None:
        failures = 0
        first = True
        while not self._stop.is_set():
            try:
                with psycopg.connect(
                    self._conninfo(),
                    autocommit=True,
                    connect_timeout=5,
                    application_name=APPLICATION_NAME,
                    keepalives=1,
                    keepalives_idle=5,
                    keepalives_interval=2,
                    keepalives_count=2,
                ) as conn:
                    conn.execute(f"LISTEN {CHANNEL}")
                    failures = 0
                    self._set_state(True)
                    if not first:
                        self._emit(Change.everything())  # catch up on what we missed
                    first = False
                    self._listen(conn)
            except psycopg.Error as exc:
                log.warning("écoute PostgreSQL interrompue : %s", exc.__class__.__name__)
                self._set_state(False)
                first = False
                if not self._backoff(failures):
                    return
                failures += 1
        self.connected.clear()

    def _listen(self, conn: Any) -> None:
        silent = 0.0
        step = min(0.5, self._liveness)
        while not self._stop.is_set():
            got = False
            for notify in conn.notifies(timeout=step):
                got = True
                self._emit(Change.from_payload(notify.payload))
            if got:
                silent = 0.0
                continue
            silent += step
            if silent >= self._liveness:
                conn.execute("SELECT 1")  # raises if the server or the network went away
                silent = 0.0

    # -- SQLite -------------------------------------------------------------------------------
    def _run_sqlite(self) -> None:
        path = self._url.database or ""
        failures = 0
        while not self._stop.is_set():
            try:
                conn = sqlite3.connect(path, timeout=5, check_same_thread=False)
            except sqlite3.Error:
                self._set_state(False)
                if not self._backoff(failures):
                    return
                failures += 1
                continue
            try:
                version = conn.execute("PRAGMA data_version").fetchone()[0]
                self._set_state(True)
                failures = 0
                while not self._stop.wait(self._poll):
                    current = conn.execute("PRAGMA data_version").fetchone()[0]
                    if current != version:
                        version = current
                        self._emit(Change.everything())
            except sqlite3.Error:
                self._set_state(False)
                if not self._backoff(failures):
                    return
                failures += 1
            finally:
                conn.close()
        self.connected.clear()
