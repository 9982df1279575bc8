"""Background work: real worker threads, callbacks back on the GUI thread."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from stopcamb_desk.ui.tasks import ImmediateTaskRunner, QtTaskRunner


class RecordingRunner(QtTaskRunner):
    def __init__(self) -> None:
        self.unhandled: list[BaseException] = []
        super().__init__(on_unhandled=self.unhandled.append)


@pytest.fixture
def runner(qapp: object) -> Iterator[RecordingRunner]:
    tasks = RecordingRunner()
    yield tasks
    tasks.shutdown()


def test_db_work_runs_on_the_worker_and_the_result_lands_on_the_gui_thread(
    qtbot: QtBot, runner: RecordingRunner
) -> None:
    seen: dict[str, str] = {}

    def work() -> int:
        seen["work"] = threading.current_thread().name
        return 42

    def done(value: int) -> None:
        seen["callback"] = threading.current_thread().name
        seen["value"] = str(value)

    runner.run_db(work, done)
    qtbot.waitUntil(lambda: "value" in seen)
    assert seen["work"].startswith("stopcamb-db")
    assert seen["callback"] == threading.main_thread().name
    assert seen["value"] == "42"


def test_db_work_keeps_its_order_on_the_single_worker(
    qtbot: QtBot, runner: RecordingRunner
) -> None:
    order: list[int] = []
    for i in range(20):
        runner.run_db(lambda i=i: i, order.append)
    qtbot.waitUntil(lambda: len(order) == 20)
    assert order == list(range(20))


def test_failures_reach_the_failure_callback_or_the_error_handler(
    qtbot: QtBot, runner: RecordingRunner
) -> None:
    caught: list[BaseException] = []

    def boom() -> None:
        raise ValueError("cassé")

    runner.run_net(boom, on_failure=caught.append)
    runner.run_net(boom)  # no failure callback: goes to the application's handler
    qtbot.waitUntil(lambda: len(caught) == 1 and len(runner.unhandled) == 1)
    assert isinstance(caught[0], ValueError)
    assert str(runner.unhandled[0]) == "cassé"


def test_a_deleted_owner_gets_no_callback(qtbot: QtBot, runner: RecordingRunner) -> None:
    owner = QWidget()
    gate = threading.Event()
    calls: list[int] = []
    runner.run_db(lambda: gate.wait(5), lambda _ok: calls.append(1), owner=owner)
    owner.deleteLater()
    qtbot.waitUntil(lambda: not _alive(owner))
    gate.set()
    marker: list[int] = []
    runner.run_db(lambda: None, lambda _none: marker.append(1))  # queued after the first job
    qtbot.waitUntil(lambda: marker == [1])
    assert calls == []


def _alive(widget: QWidget) -> bool:
    from shiboken6 import isValid

    return isValid(widget)


@pytest.mark.parametrize("used_before", [False, True])
def test_work_asked_for_after_shutdown_is_dropped(
    qtbot: QtBot, runner: RecordingRunner, used_before: bool
) -> None:
    """A change notice that reaches a view while the desk closes asks for a refresh: nothing
    runs, nothing raises (the pools are not started again either)."""
    if used_before:
        done: list[int] = []
        runner.run_db(lambda: 1, done.append)
        qtbot.waitUntil(lambda: done == [1])
    runner.shutdown()
    ran: list[str] = []
    for run in (runner.run_db, runner.run_net):
        future = run(lambda: ran.append("ran"), lambda _r: ran.append("callback"))
        assert future.cancelled()
    assert ran == [] and runner.unhandled == []
    assert (runner._db is None) is not used_before


def test_immediate_runner_runs_work_and_callbacks_synchronously() -> None:
    results: list[int] = []
    failures: list[BaseException] = []
    tasks = ImmediateTaskRunner()
    future = tasks.run_db(lambda: 7, results.append)
    tasks.run_net(lambda: 1 / 0, on_failure=failures.append)
    assert results == [7] and future.result() == 7
    assert isinstance(failures[0], ZeroDivisionError)
