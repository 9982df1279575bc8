"""The login window, driven like an operator: real demo database, real worker threads."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox
from pytestqt.qtbot import QtBot
from ui_helpers import RecordingPresenter

from stopcamb_desk.config import load_settings
from stopcamb_desk.ui.app import Desk
from stopcamb_desk.ui.errors import ErrorHandler
from stopcamb_desk.ui.shell import MainWindow
from stopcamb_desk.ui.tasks import QtTaskRunner

MakeDesk = Callable[..., Desk]


@pytest.fixture
def make_desk(qtbot: QtBot) -> Iterator[MakeDesk]:
    desks: list[Desk] = []

    def make(demo: bool = True) -> Desk:
        settings = load_settings().with_demo(demo)
        presenter = RecordingPresenter()
        errors = ErrorHandler(presenter)
        desk = Desk(settings, QtTaskRunner(on_unhandled=errors.report), errors)
        desk.presenter = presenter  # type: ignore[attr-defined]
        desk.start()  # not qtbot.addWidget: pytest-qt would delete it before our teardown
        qtbot.waitExposed(desk.login)
        desks.append(desk)
        return desk

    yield make
    for desk in desks:
        # Let a still-running database opening finish before the files disappear.
        qtbot.waitUntil(lambda desk=desk: not desk.flow.opening, timeout=20_000)
        desk.close()
        desk.login.deleteLater()


def _type_credentials(qtbot: QtBot, desk: Desk, login: str, password: str) -> None:
    desk.login.login_edit.clear()
    qtbot.keyClicks(desk.login.login_edit, login)
    desk.login.password_edit.clear()
    qtbot.keyClicks(desk.login.password_edit, password)


def _wait_idle(qtbot: QtBot, desk: Desk) -> None:
    qtbot.waitUntil(lambda: desk.login.submit_button.isEnabled(), timeout=20_000)


def test_login_opens_the_shell_showing_the_operator(qtbot: QtBot, make_desk: MakeDesk) -> None:
    desk = make_desk()
    assert desk.login.focusWidget() is desk.login.login_edit  # first empty field
    _type_credentials(qtbot, desk, "chef74", "demo-chef74")
    with qtbot.waitSignal(desk.shell_opened, timeout=20_000) as opened:
        qtbot.mouseClick(desk.login.submit_button, Qt.MouseButton.LeftButton)
    window = opened.args[0]
    assert isinstance(window, MainWindow)
    qtbot.addWidget(window)
    assert window.isVisible() and not desk.login.isVisible()
    assert "Adj. Martin (CORG 74)" in window.statusBar().operator_label.text()
    assert "Chef de quart" in window.statusBar().operator_label.text()
    assert window.current_view_key() == "composer"


def test_wrong_password_shows_the_french_error_inline(qtbot: QtBot, make_desk: MakeDesk) -> None:
    desk = make_desk()
    _type_credentials(qtbot, desk, "chef74", "pas-le-bon")
    qtbot.keyClick(desk.login.password_edit, Qt.Key.Key_Return)  # Entrée submits
    qtbot.waitUntil(lambda: desk.login.error_label.isVisible(), timeout=20_000)
    assert desk.login.error_label.text().startswith("Identifiant ou mot de passe incorrect.")
    assert "4 essai(s)" in desk.login.error_label.text()
    assert desk.login.password_edit.text() == "" and desk.login.password_edit.hasFocus()
    assert not [w for w in QApplication.topLevelWidgets() if isinstance(w, QMessageBox)]
    assert desk.window is None


def test_five_wrong_passwords_lock_the_account(qtbot: QtBot, make_desk: MakeDesk) -> None:
    desk = make_desk()
    for _ in range(5):
        _wait_idle(qtbot, desk)
        _type_credentials(qtbot, desk, "chef34", "mauvais-mdp")
        qtbot.mouseClick(desk.login.submit_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: desk.login.error_label.isVisible(), timeout=20_000)
    assert "Compte verrouillé pour 15 minutes" in desk.login.error_label.text()
    # Even the right password is now refused.
    _wait_idle(qtbot, desk)
    _type_credentials(qtbot, desk, "chef34", "demo-chef34")
    qtbot.keyClick(desk.login.password_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "réessayez dans" in desk.login.error_label.text(), timeout=20_000)
    assert desk.window is None


def test_demo_box_lists_the_accounts_and_a_click_fills_the_form(
    qtbot: QtBot, make_desk: MakeDesk
) -> None:
    desk = make_desk()
    box = desk.login.demo_box
    assert box is not None and box.isVisible()
    assert "DÉMONSTRATION" in box.findChild(type(desk.login.error_label), "demoTitle").text()
    logins = [box.table.item(r, 0).text() for r in range(box.table.rowCount())]
    assert logins == ["chef74", "chef34", "opp34", "admin"]
    rect = box.table.visualRect(box.table.model().index(2, 0))
    qtbot.mouseClick(box.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert desk.login.login_edit.text() == "opp34"
    assert desk.login.password_edit.text() == "demo-opp34"
    with qtbot.waitSignal(desk.shell_opened, timeout=20_000) as opened:
        qtbot.keyClick(desk.login.password_edit, Qt.Key.Key_Return)
    qtbot.addWidget(opened.args[0])
    assert "national" in opened.args[0].view_keys


def test_no_demo_box_outside_demo_mode(make_desk: MakeDesk) -> None:
    desk = make_desk(demo=False)
    assert desk.login.demo_box is None


def test_unreachable_database_shows_the_french_message_and_retry(
    qtbot: QtBot, make_desk: MakeDesk, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("STOPCAMB_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:1/x")
    desk = make_desk()
    _type_credentials(qtbot, desk, "chef74", "demo-chef74")
    qtbot.mouseClick(desk.login.submit_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: desk.login.retry_button.isVisible(), timeout=20_000)
    message = desk.login.error_label.text()
    assert message.startswith("Base de données injoignable (PostgreSQL : 127.0.0.1:1/x)")
    assert "réessayez" in message
    qtbot.mouseClick(desk.login.retry_button, Qt.MouseButton.LeftButton)
    assert not desk.login.error_label.isVisible()
    qtbot.waitUntil(lambda: desk.login.retry_button.isVisible(), timeout=20_000)
    assert desk.login.error_label.text() == message
    assert desk.presenter.shown == []  # type: ignore[attr-defined]


def test_escape_does_not_close_the_login_window(qtbot: QtBot, make_desk: MakeDesk) -> None:
    desk = make_desk()
    qtbot.keyClick(desk.login.login_edit, Qt.Key.Key_Escape)
    assert desk.login.isVisible()
