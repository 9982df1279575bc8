"""The change bus: every view of a shell hears another desk's alert through one listener thread,
which stops when the last view listening is gone, and this desk's own commits at once."""

from __future__ import annotations

import threading

import shiboken6
from desk import desk_db, desk_journal
from history_fixtures import add_alert, add_operator
from outbox_fixtures import draft, sendable
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from stopcamb_desk.domain.roles import Role
from stopcamb_desk.push.simulation import SimulationGateway
from stopcamb_desk.services.changes import ChangeHub
from stopcamb_desk.services.outbox import Outbox
from stopcamb_desk.services.outbox_worker import OutboxWorker
from stopcamb_desk.ui.changes import ChangeBus


def sync_threads() -> int:
    return sum(1 for t in threading.enumerate() if t.name == "stopcamb-sync" and t.is_alive())


def test_views_share_one_listener_that_stops_with_the_last(qtbot: QtBot, sqlite_url: str) -> None:
    other_desk = desk_db(sqlite_url)
    bus = ChangeBus(ChangeHub(), sqlite_url)
    history, carte = QWidget(), QWidget()
    heard: dict[str, int] = {"historique": 0, "carte": 0}

    def hear(name: str) -> None:
        heard[name] += 1

    before = sync_threads()
    try:
        bus.subscribe(history, lambda: hear("historique"))
        bus.subscribe(carte, lambda: hear("carte"))
        assert sync_threads() == before + 1
        listener = bus.listener
        assert listener is not None
        qtbot.waitUntil(listener.connected.is_set, timeout=10_000)

        chef = add_operator(other_desk, "chef74", Role.CHEF_DE_QUART, ("74",))
        add_alert(other_desk, chef)
        qtbot.waitUntil(lambda: heard["historique"] > 0 and heard["carte"] > 0, timeout=10_000)

        shiboken6.delete(history)
        assert bus.listener is listener and listener.running  # the map still listens
        shiboken6.delete(carte)
        assert bus.listener is None and not listener.running
        assert sync_threads() == before
    finally:
        bus.stop()
        other_desk.dispose()


def test_this_desks_own_commits_reach_the_views_at_once(qtbot: QtBot, sqlite_url: str) -> None:
    """An alert this process queues is published on the hub by the outbox: the views hear it
    without waiting for the database listener, and the background sender is woken."""
    db = desk_db(sqlite_url)
    hub = ChangeHub()
    bus = ChangeBus(hub, sqlite_url)
    view = QWidget()
    heard: list[int] = []
    gateway = SimulationGateway()
    outbox = Outbox(db, gateway, journal=desk_journal(db), changes=hub)
    worker = OutboxWorker(outbox, idle_poll=60.0)
    try:
        bus.subscribe(view, lambda: heard.append(1))
        worker.start()
        qtbot.waitUntil(worker.prepared.is_set)
        chef = add_operator(db, "chef74", Role.CHEF_DE_QUART, ("74",))
        alert_id = outbox.enqueue(chef, *sendable(chef, draft("74")))
        qtbot.waitUntil(lambda: len(heard) > 0, timeout=5_000)
        # Only the bus can wake the sender this early (its idle poll is a minute).
        qtbot.waitUntil(lambda: outbox.status(alert_id)[0] == "envoyee", timeout=10_000)
    finally:
        worker.stop()
        bus.stop()
        shiboken6.delete(view)
        db.dispose()
