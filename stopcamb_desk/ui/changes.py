"""The Qt end of the desk's change bus (:mod:`stopcamb_desk.services.changes`).

Every view subscribes here; no view owns a thread. The bus relays the hub's publications —
this desk's own commits at once, the other desks' through one
:class:`stopcamb_desk.services.sync.ChangeListener` (LISTEN/NOTIFY on PostgreSQL,
``PRAGMA data_version`` on SQLite) that publishes into the same hub. The listener starts with
the first subscriber and stops when the last one is destroyed, the window closes or the
application quits. Callbacks reach the views on the GUI thread (queued signals).
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QApplication

from stopcamb_desk.services.changes import Change, ChangeHub
from stopcamb_desk.services.sync import ChangeListener


class _Relay(QObject):
    """A subscriber's end of the bus: a child of the view, so it dies (and Qt drops its
    connections) with it."""

    changed = Signal()
    change = Signal(object)
    state = Signal(bool)


class ChangeBus(QObject):
    """``changed``: something may have changed, reload what you show. ``change``: the same,
    with the :class:`Change` (which alert, when the database says). ``connection``: the
    listener lost (False) or regained (True) the database."""

    changed = Signal()
    change = Signal(object)  # Change
    connection = Signal(bool)

    def __init__(self, hub: ChangeHub, url: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._hub = hub
        self._url = url
        self._listener: ChangeListener | None = None
        self._unsubscribe: Callable[[], None] | None = None
        self._subscribers = 0

    @property
    def listener(self) -> ChangeListener | None:
        return self._listener

    def subscribe(
        self,
        receiver: QObject,
        on_change: Callable[[], None],
        on_state: Callable[[bool], None] | None = None,
        on_alert: Callable[[Change], None] | None = None,
    ) -> None:
        """Call ``on_change`` (and ``on_state``, ``on_alert`` with the change itself) on the GUI
        thread for as long as ``receiver`` lives; starts listening if nobody did yet."""
        relay = _Relay(receiver)
        self.changed.connect(relay.changed)
        relay.changed.connect(on_change)
        if on_alert is not None:
            self.change.connect(relay.change)
            relay.change.connect(on_alert)
        if on_state is not None:
            self.connection.connect(relay.state)
            relay.state.connect(on_state)
        self._subscribers += 1
        relay.destroyed.connect(self._unsubscribed)
        self.start()

    def start(self) -> None:
        if self._unsubscribe is None:
            self._unsubscribe = self._hub.subscribe(self._relay)
        if self._listener is not None and self._listener.running:
            return
        self._listener = ChangeListener(self._url, self._hub.publish, self.connection.emit).start()
        app = QApplication.instance()
        if app is not None:
            app.aboutToQuit.connect(self.stop)

    def _relay(self, change: Change) -> None:
        # From any thread: queued to the views' (GUI) thread.
        self.change.emit(change)
        self.changed.emit()

    def stop(self) -> None:
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None
        if self._listener is not None:
            self._listener.stop()
            self._listener = None

    def _unsubscribed(self) -> None:
        self._subscribers -= 1
        if self._subscribers <= 0:
            self.stop()


# Alerts change in bursts (en attente → envoi → envoyée): one reload per burst.
RELOAD_DELAY_MS = 250


class LiveReload(QObject):
    """Reloads a view when alerts change, through the bus: subscribed once, bursts coalesced.

    A child of the view: the subscription ends with it."""

    def __init__(
        self, parent: QObject, reload: Callable[[], None], delay_ms: int = RELOAD_DELAY_MS
    ) -> None:
        super().__init__(parent)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(delay_ms)
        self._timer.timeout.connect(reload)
        self._following = False

    def soon(self) -> None:
        """Reload after the delay (typing a date, a burst of changes)."""
        self._timer.start()

    def follow(self, bus: ChangeBus) -> None:
        if not self._following:
            self._following = True
            bus.subscribe(self, self.soon)
