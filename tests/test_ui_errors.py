"""One error handler: French sentence for expected refusals, details for bugs, any thread."""

from __future__ import annotations

import logging
import threading

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QPushButton
from pytestqt.qtbot import QtBot
from ui_helpers import RecordingPresenter

from stopcamb_desk.domain.roles import PermissionDenied
from stopcamb_desk.ui.error_dialogs import UNEXPECTED_TITLE, ErrorDialog
from stopcamb_desk.ui.errors import ErrorHandler


@pytest.fixture
def handler(qapp: object) -> tuple[ErrorHandler, RecordingPresenter]:
    presenter = RecordingPresenter()
    return ErrorHandler(presenter), presenter


def test_expected_error_shows_only_its_french_message(
    handler: tuple[ErrorHandler, RecordingPresenter],
) -> None:
    errors, presenter = handler
    errors.report(PermissionDenied("Seul un chef de quart peut envoyer une alerte opérationnelle."))
    assert presenter.expected == ["Seul un chef de quart peut envoyer une alerte opérationnelle."]
    assert presenter.unexpected == []


def test_bug_shows_details_and_is_logged(
    handler: tuple[ErrorHandler, RecordingPresenter], caplog: pytest.LogCaptureFixture
) -> None:
    errors, presenter = handler
    try:
        {}["absent"]
    except KeyError as exc:
        with caplog.at_level(logging.ERROR, logger="stopcamb_desk"):
            errors.report(exc)
    assert presenter.expected == []
    assert "KeyError" in presenter.unexpected[0] and "Traceback" in presenter.unexpected[0]
    assert any("Erreur inattendue" in r.getMessage() for r in caplog.records)


def test_exception_in_a_plain_thread_reaches_the_gui_thread(
    qtbot: QtBot, handler: tuple[ErrorHandler, RecordingPresenter]
) -> None:
    errors, presenter = handler
    seen_on: list[str] = []
    original = presenter.show_unexpected

    def record(details: str) -> None:
        seen_on.append(threading.current_thread().name)
        original(details)

    presenter.show_unexpected = record  # type: ignore[method-assign]
    errors.install()
    try:

        def crash() -> None:
            raise RuntimeError("fil de travail en panne")

        thread = threading.Thread(target=crash, name="worker")
        thread.start()
        thread.join()
        qtbot.waitUntil(lambda: bool(presenter.unexpected))
    finally:
        errors.uninstall()
    assert "fil de travail en panne" in presenter.unexpected[0]
    assert seen_on == [threading.main_thread().name]


def test_install_and_uninstall_restore_previous_hooks(
    handler: tuple[ErrorHandler, RecordingPresenter],
) -> None:
    import sys

    errors, _ = handler
    before = (sys.excepthook, threading.excepthook)
    errors.install()
    assert sys.excepthook != before[0]
    errors.uninstall()
    assert (sys.excepthook, threading.excepthook) == before


def test_error_dialog_copies_details(qtbot: QtBot) -> None:
    dialog = ErrorDialog("Traceback: détails du bogue")
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.windowTitle() == UNEXPECTED_TITLE
    copy = next(b for b in dialog.findChildren(QPushButton) if "Copier" in b.text())
    qtbot.mouseClick(copy, Qt.MouseButton.LeftButton)
    assert QGuiApplication.clipboard().text() == "Traceback: détails du bogue"
