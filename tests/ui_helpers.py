"""Helpers shared by the widget tests: typing like a French keyboard, recording error pop-ups."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from stopcamb_desk.config import Settings, load_settings
from stopcamb_desk.services.accounts import AccountService
from stopcamb_desk.services.container import Services
from stopcamb_desk.services.outbox_journal import AcceptJournal
from stopcamb_desk.ui.context import ShellContext
from stopcamb_desk.ui.errors import ErrorHandler
from stopcamb_desk.ui.tasks import ImmediateTaskRunner, TaskRunner

if TYPE_CHECKING:
    from stopcamb_desk.domain.roles import Principal
    from stopcamb_desk.models.db import Database
    from stopcamb_desk.ui.app import Desk
    from stopcamb_desk.ui.shell import MainWindow


def type_keys(qtbot: QtBot, widget: QWidget, text: str) -> None:
    """Type ``text`` key by key. QTest only knows ASCII keys (it aborts on « é »), so other
    characters are sent as the key events a French keyboard produces: key code + text."""
    for ch in text:
        if ch.isascii():
            qtbot.keyClicks(widget, ch)
            continue
        key = ord(ch.upper()) if ord(ch) < 0x100 else Qt.Key.Key_unknown
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            QApplication.sendEvent(widget, QKeyEvent(kind, key, Qt.KeyboardModifier.NoModifier, ch))


@dataclass
class RecordingPresenter:
    """Stands in for the error dialogs: records what the operator would have been shown."""

    expected: list[str] = field(default_factory=list)
    unexpected: list[str] = field(default_factory=list)
    shown: list[str] = field(default_factory=list)  # both kinds, in order

    def show_expected(self, message: str) -> None:
        self.expected.append(message)
        self.shown.append(message)

    def show_unexpected(self, details: str) -> None:
        self.unexpected.append(details)
        self.shown.append(details)


def shell_context(
    db: Database,
    principal: Principal,
    *,
    tasks: TaskRunner | None = None,
    presenter: RecordingPresenter | None = None,
    settings: Settings | None = None,
) -> ShellContext:
    """The context a view gets from the shell, over ``db`` (no push gateway: nothing is sent);
    background work runs at once unless ``tasks`` is given, error pop-ups go to ``presenter``."""
    settings = replace(settings or load_settings(), database_url=db.url)
    journal = AcceptJournal(settings.journal_path, db.identity)
    services = Services(settings=settings, db=db, accounts=AccountService(db), journal=journal)
    errors = ErrorHandler(presenter or RecordingPresenter())
    runner = tasks or ImmediateTaskRunner(on_unhandled=errors.report)
    return ShellContext(settings, services, principal, runner, errors)


DESK_WAIT_MS = 20_000


@contextmanager
def running_desk(qtbot: QtBot, settings: Settings) -> Iterator[Desk]:
    """A whole desk as ``stopcamb-desk gui`` starts it (real worker threads), login window up;
    ``desk.presenter`` records the error pop-ups. Closed (threads joined) on exit."""
    from stopcamb_desk.ui.app import Desk
    from stopcamb_desk.ui.tasks import QtTaskRunner

    presenter = RecordingPresenter()
    errors = ErrorHandler(presenter)
    desk = Desk(settings, QtTaskRunner(on_unhandled=errors.report), errors)
    desk.presenter = presenter  # type: ignore[attr-defined]
    desk.start()
    qtbot.waitExposed(desk.login)
    try:
        yield desk
    finally:
        qtbot.waitUntil(lambda: not desk.flow.opening, timeout=DESK_WAIT_MS)
        desk.close()
        desk.login.deleteLater()


def log_in(qtbot: QtBot, desk: Desk, login: str = "chef74", password: str = "") -> MainWindow:
    """Type the login and password (demo password by default), Entrée: the main window."""
    from stopcamb_desk.ui.shell import MainWindow

    qtbot.keyClicks(desk.login.login_edit, login)
    qtbot.keyClicks(desk.login.password_edit, password or f"demo-{login}")
    with qtbot.waitSignal(desk.shell_opened, timeout=DESK_WAIT_MS) as opened:
        qtbot.keyClick(desk.login.password_edit, Qt.Key.Key_Return)
    window = opened.args[0]
    assert isinstance(window, MainWindow)
    return window


OpenWindow = Callable[["Services", "Principal", "Settings | None"], "MainWindow"]


@contextmanager
def main_windows(qtbot: QtBot) -> Iterator[OpenWindow]:
    """Opens main windows (``principal`` over ``services``, background work run at once, error
    pop-ups recorded); on exit they close as the desk closes them when it ends."""
    from stopcamb_desk.ui.shell import MainWindow

    windows: list[MainWindow] = []

    def open_window(
        services: Services, principal: Principal, settings: Settings | None = None
    ) -> MainWindow:
        errors = ErrorHandler(RecordingPresenter())
        tasks = ImmediateTaskRunner(on_unhandled=errors.report)
        ctx = ShellContext(settings or services.settings, services, principal, tasks, errors)
        window = MainWindow(ctx)
        window.show()
        qtbot.waitExposed(window)
        windows.append(window)
        return window

    try:
        yield open_window
    finally:
        for window in windows:
            window.quit_now()
            window.deleteLater()
