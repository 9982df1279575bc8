"""The background sender of one desk: prepares the gateway, then sends what is due.

One daemon thread per desk. It is the only place that waits for a retry time: the GUI thread
only commits (``Outbox.enqueue``); the change bus wakes the sender when an alert of this process
becomes due (queued, planned, « Renvoyer ») or was claimed when queued (« Envoyer maintenant »).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import datetime

from sqlalchemy.exc import SQLAlchemyError

from stopcamb_desk.push.gateway import PushError
from stopcamb_desk.services.changes import Change
from stopcamb_desk.services.outbox import Outbox

log = logging.getLogger(__name__)

IDLE_POLL_SECONDS = 5.0  # look for other desks' retries and crashed leases this often
DB_ERROR_PAUSE_SECONDS = 5.0
# Local changes that give the sender something to do (« envoi »: an alert claimed when it was
# queued here, handed to this sender).
WAKING_STATUSES = frozenset({"en_attente", "programmee", "envoi"})


class OutboxWorker:
    """``start()`` after login, ``stop()`` on exit; the outbox's change bus wakes it."""

    def __init__(
        self,
        outbox: Outbox,
        *,
        on_prepare_error: Callable[[PushError], None] | None = None,
        idle_poll: float = IDLE_POLL_SECONDS,
    ) -> None:
        self.outbox = outbox
        self.on_prepare_error = on_prepare_error
        self.idle_poll = idle_poll
        self.prepared = threading.Event()
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._unsubscribe = outbox.changes.subscribe(self._on_change)

    def start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="stopcamb-outbox", daemon=True)
            self._thread.start()

    def wake(self) -> None:
        self._wake.set()

    def _on_change(self, change: Change) -> None:
        if change.local and change.status in WAKING_STATUSES:
            self._wake.set()

    def stop(self, timeout: float = 15.0) -> None:
        self._unsubscribe()
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)
            if self._thread.is_alive():
                return  # still sending: its claims stay its own (their lease protects them)
            self._thread = None
        try:
            self.outbox.give_back_handed()
        except SQLAlchemyError:  # the lease runs out instead: « à vérifier » for an operator
            log.exception("File d'envoi : remise dans la file impossible à l'arrêt")

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def _prepare(self) -> None:
        try:
            self.outbox.gateway.prepare()
        except PushError as exc:
            log.warning("Préparation de la passerelle d'envoi : %s", exc.message)
            if self.on_prepare_error is not None:
                self.on_prepare_error(exc)
        finally:
            self.prepared.set()

    def _seconds_until(self, when: datetime | None) -> float:
        if when is None:
            return self.idle_poll
        delay = (when - self.outbox.clock()).total_seconds()
        return min(self.idle_poll, max(0.0, delay) + 0.01)

    def _run(self) -> None:
        self._prepare()
        while not self._stop.is_set():
            self._wake.clear()
            try:
                self.outbox.recover()
                self.outbox.release_due()
                if self.outbox.process_due():
                    continue
                wait = self._seconds_until(self.outbox.next_wakeup())
            except SQLAlchemyError:
                log.exception("File d'envoi : base de données indisponible")
                wait = DB_ERROR_PAUSE_SECONDS
            except Exception:
                log.exception("File d'envoi : erreur inattendue")
                wait = DB_ERROR_PAUSE_SECONDS
            self._wake.wait(wait)
