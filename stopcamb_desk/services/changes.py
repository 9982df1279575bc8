"""The desk's one change bus (in the spirit of Anki's ``operation_did_execute``).

Whatever changes an alert publishes a :class:`Change` here: this process's own commits (the
outbox, the schedule, the replacement service: ``local=True``, at once) and the other desks'
(:class:`~stopcamb_desk.services.sync.ChangeListener`: PostgreSQL ``NOTIFY`` at their commit,
SQLite ``PRAGMA data_version``). Subscribers are the background sender (woken when there is
something to send), ``stopcamb-desk outbox run`` (its progress lines) and, through the Qt
adapter ``ui/changes.py``, every view. Qt-free and thread-safe; callbacks run on the
publishing thread and must be quick (the Qt adapter only posts a queued signal).
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Change:
    """One changed alert, or ``alert_id=None``: « something may have changed, reload »."""

    alert_id: int | None
    status: str | None = None
    departement: str | None = None
    operation: str | None = None
    local: bool = False  # committed by this process (else: another desk, or unknown)

    @classmethod
    def everything(cls) -> Change:
        return cls(None)

    @classmethod
    def from_payload(cls, payload: str) -> Change:
        """A ``NOTIFY stopcamb_alertes`` payload (migration 0002's trigger)."""
        try:
            data = json.loads(payload)
            return cls(int(data["id"]), data.get("statut"), data.get("departement"), data.get("op"))
        except (ValueError, KeyError, TypeError):
            return cls.everything()


Subscriber = Callable[[Change], None]


class ChangeHub:
    """Publish/subscribe for alert changes; ``wait`` blocks until the next publication."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._changed = threading.Condition(self._lock)
        self._subscribers: list[Subscriber] = []

    def subscribe(self, callback: Subscriber) -> Callable[[], None]:
        """Call ``callback(change)`` for every publication; returns the unsubscribe function."""
        with self._lock:
            self._subscribers.append(callback)

        def unsubscribe() -> None:
            with self._lock:
                if callback in self._subscribers:
                    self._subscribers.remove(callback)

        return unsubscribe

    def publish(self, change: Change) -> None:
        with self._changed:
            subscribers = list(self._subscribers)
            self._changed.notify_all()
        for callback in subscribers:
            try:
                callback(change)
            except Exception:  # one faulty subscriber must not stop the others nor the sender
                log.exception("erreur dans un abonné du bus des changements")

    def wait(self, timeout: float) -> None:
        """Block until something is published, or ``timeout`` seconds."""
        with self._changed:
            self._changed.wait(timeout)
