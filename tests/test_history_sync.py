"""Live sync: what desk A commits reaches desk B's listener; a lost connection comes back."""

from __future__ import annotations

import queue
import threading

import pytest
from desk import desk_db
from history_fixtures import add_alert, add_operator
from sqlalchemy import text

from stopcamb_desk.domain.roles import Role
from stopcamb_desk.models import Alert
from stopcamb_desk.services.changes import Change
from stopcamb_desk.services.sync import APPLICATION_NAME, ChangeListener

WAIT = 10.0


class Recorder:
    def __init__(self) -> None:
        self.changes: queue.Queue[Change] = queue.Queue()
        self.states: queue.Queue[bool] = queue.Queue()

    def change(self, change: Change) -> None:
        self.changes.put(change)

    def state(self, up: bool) -> None:
        self.states.put(up)

    def next_change(self) -> Change:
        return self.changes.get(timeout=WAIT)


@pytest.fixture
def desks(db_url: str):  # type: ignore[no-untyped-def]
    desk_a, desk_b = desk_db(db_url), desk_db(db_url)
    yield desk_a, desk_b
    desk_a.dispose()
    desk_b.dispose()


def test_commit_on_desk_a_reaches_desk_b(desks) -> None:  # type: ignore[no-untyped-def]
    desk_a, desk_b = desks
    chef = add_operator(desk_a, "chef74", Role.CHEF_DE_QUART, ("74",))
    recorder = Recorder()
    listener = ChangeListener(desk_b.url, recorder.change, recorder.state).start()
    try:
        assert listener.connected.wait(WAIT)
        assert recorder.states.get(timeout=WAIT) is True
        alert_id = add_alert(desk_a, chef, status="en_attente")
        change = recorder.next_change()
        if listener.backend == "postgresql":
            assert change == Change(alert_id, "en_attente", "74", "INSERT")
        else:
            assert change.alert_id is None  # SQLite only knows that something changed
        with desk_a.session() as session:
            session.get(Alert, alert_id).status = "envoyee"  # type: ignore[union-attr]
        change = recorder.next_change()
        assert change.alert_id in (alert_id, None)
        if listener.backend == "postgresql":
            assert change.status == "envoyee"
    finally:
        listener.stop()
    assert not listener.running


@pytest.mark.postgres
def test_rolled_back_change_is_not_announced(pg_url: str) -> None:
    desk = desk_db(pg_url)
    chef = add_operator(desk, "chef74", Role.CHEF_DE_QUART, ("74",))
    recorder = Recorder()
    listener = ChangeListener(pg_url, recorder.change).start()
    try:
        assert listener.connected.wait(WAIT)
        first_id = add_alert(desk, chef)
        assert recorder.next_change().alert_id == first_id
        session = desk.sessions()
        session.execute(text("UPDATE alerts SET status = 'echec'"))
        session.rollback()
        session.close()
        second_id = add_alert(desk, chef, minutes=1)
        # The rolled-back UPDATE produced nothing: the next notification is the new alert.
        assert recorder.next_change().alert_id == second_id
    finally:
        listener.stop()
        desk.dispose()


@pytest.mark.postgres
def test_listener_reconnects_after_connection_loss(pg_url: str) -> None:
    desk = desk_db(pg_url)
    chef = add_operator(desk, "chef74", Role.CHEF_DE_QUART, ("74",))
    recorder = Recorder()
    listener = ChangeListener(
        pg_url, recorder.change, recorder.state, reconnect_delays=(0.1,), liveness_seconds=0.5
    ).start()
    try:
        assert recorder.states.get(timeout=WAIT) is True
        with desk.engine.connect() as conn:
            killed = (
                conn.execute(
                    text(
                        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                        "WHERE application_name = :app AND datname = current_database()"
                    ),
                    {"app": APPLICATION_NAME},
                )
                .scalars()
                .all()
            )
        assert killed == [True]
        assert recorder.states.get(timeout=WAIT) is False  # shown in the status bar
        assert recorder.states.get(timeout=WAIT) is True  # recovered without any action
        assert recorder.next_change() == Change.everything()  # desk reloads what it shows
        alert_id = add_alert(desk, chef)
        assert recorder.next_change().alert_id == alert_id
    finally:
        listener.stop()
        desk.dispose()


def test_stop_is_prompt_even_while_disconnected(tmp_path) -> None:  # type: ignore[no-untyped-def]
    done = threading.Event()
    listener = ChangeListener(
        "postgresql+psycopg://postgres@127.0.0.1:1/nulle_part",
        lambda change: None,
        lambda up: done.set(),
        reconnect_delays=(30.0,),
    ).start()
    assert done.wait(WAIT)  # connection refused → reported down
    assert not listener.connected.is_set()
    listener.stop(timeout=WAIT)
    assert not listener.running
