"""Shift hand-over: « Verrouiller » (Ctrl+L), « Changer d'opérateur », the idle lock, and quitting
with sends in flight. Real demo SQLite desk, real sender thread, real widgets."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from outbox_fixtures import draft, sendable
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox, QPushButton, QWidget
from pytestqt.qtbot import QtBot
from sqlalchemy import select
from ui_helpers import log_in, main_windows, running_desk

from stopcamb_desk.config import Settings, load_settings
from stopcamb_desk.domain.roles import Principal
from stopcamb_desk.models import Alert, AuditEvent
from stopcamb_desk.services.container import Services, open_services
from stopcamb_desk.services.outbox import sends_in_flight
from stopcamb_desk.ui.app import Desk
from stopcamb_desk.ui.shell import MainWindow

WAIT_MS = 20_000


def _demo_settings(tmp_path: Path, **changes: object) -> Settings:
    settings = replace(load_settings().with_demo(), data_dir=tmp_path / "data")
    settings = replace(settings, database_url=f"sqlite:///{tmp_path / 'desk.sqlite3'}")
    return replace(settings, **changes)  # type: ignore[arg-type]


@pytest.fixture
def services(tmp_path: Path) -> Iterator[Services]:
    opened = open_services(_demo_settings(tmp_path, idle_lock_minutes=0.0))
    yield opened
    opened.close()


MakeWindow = Callable[..., MainWindow]


@pytest.fixture
def make_window(qtbot: QtBot, services: Services) -> Iterator[MakeWindow]:
    with main_windows(qtbot) as open_window:

        def make(login: str = "chef74", settings: Settings | None = None) -> MainWindow:
            principal = services.accounts.authenticate(login, f"demo-{login}")
            return open_window(services, principal, settings)

        yield make


def _focused(window: MainWindow) -> QWidget:
    return QApplication.focusWidget() or window


def _principal(window: MainWindow) -> Principal:
    return window.ctx.principal


def _unlock_with(qtbot: QtBot, window: MainWindow, login: str | None, password: str) -> None:
    assert window.lock_screen is not None
    form = window.lock_screen.login
    if login is not None:
        form.login_edit.clear()
        qtbot.keyClicks(form.login_edit, login)
    qtbot.keyClicks(form.password_edit, password)
    qtbot.mouseClick(form.submit_button, Qt.MouseButton.LeftButton)


def _enqueue(services: Services, window: MainWindow) -> int:
    assert services.outbox is not None
    principal = _principal(window)
    return services.outbox.enqueue(principal, *sendable(principal, draft("74")))


def test_ctrl_l_hides_the_desk_until_the_operators_password(
    qtbot: QtBot, make_window: MakeWindow, services: Services
) -> None:
    window = make_window()
    with qtbot.waitActive(window):
        window.activateWindow()
    qtbot.keyClick(_focused(window), Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    assert window.locked
    assert window.lock_screen is not None
    assert window.pages.currentWidget() is window.lock_screen  # the views are not shown
    assert not window.stack.isVisible()
    form = window.lock_screen.login
    assert form.login_edit.text() == "chef74" and form.password_edit.hasFocus()
    assert "Adj. Martin (CORG 74)" in form.subtitle.text()
    # Ctrl+2 does nothing under the lock.
    qtbot.keyClick(form.password_edit, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
    assert window.locked and window.current_view_key() == "composer"

    _unlock_with(qtbot, window, None, "pas-le-bon")
    assert window.locked
    assert form.error_label.text().startswith("Identifiant ou mot de passe incorrect.")
    assert "4 essai(s)" in form.error_label.text()  # the login's failure counter

    _unlock_with(qtbot, window, None, "demo-chef74")
    assert not window.locked and window.stack.isVisible()
    assert form.password_edit.text() == ""
    with services.db.session() as session:
        actions = list(session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))
    assert actions[-2:] == ["connexion_refusee", "connexion"]  # audited like a login


def test_five_wrong_passwords_on_the_lock_screen_lock_the_account(
    qtbot: QtBot, make_window: MakeWindow
) -> None:
    window = make_window("chef34")
    window.lock()
    assert window.lock_screen is not None
    for _ in range(5):
        _unlock_with(qtbot, window, None, "mauvais")
    assert "Compte verrouillé pour 15 minutes" in window.lock_screen.login.error_label.text()
    _unlock_with(qtbot, window, None, "demo-chef34")
    assert window.locked
    assert "réessayez dans" in window.lock_screen.login.error_label.text()


def test_the_desk_locks_itself_after_the_configured_idle_delay(
    qtbot: QtBot, make_window: MakeWindow, isolated_settings: Path, tmp_path: Path
) -> None:
    config = Path(load_settings().config_file)
    config.write_text("[interface]\nverrouillage_minutes = 0.003\n", encoding="utf-8")
    settings = replace(load_settings(), database_url=_demo_settings(tmp_path).database_url)
    assert settings.idle_lock_minutes == 0.003  # 180 ms
    window = make_window(settings=settings)
    qtbot.waitUntil(lambda: window.locked, timeout=5_000)
    _unlock_with(qtbot, window, None, "demo-chef74")
    assert not window.locked and window.idle_timer.isActive()  # counting again


def test_zero_disables_the_idle_lock(make_window: MakeWindow, services: Services) -> None:
    window = make_window(settings=replace(services.settings, idle_lock_minutes=0.0))
    assert not window.idle_timer.isActive()


def test_a_queued_send_goes_out_while_the_desk_is_locked(
    qtbot: QtBot, make_window: MakeWindow, services: Services
) -> None:
    window = make_window()
    services.start_sender()
    window.lock()
    alert_id = _enqueue(services, window)

    def status() -> str:
        with services.db.session() as session:
            alert = session.get(Alert, alert_id)
            assert alert is not None
            return alert.status

    qtbot.waitUntil(lambda: status() == "envoyee", timeout=WAIT_MS)
    assert window.locked


def _quit_box(window: MainWindow) -> QMessageBox:
    box = window.findChild(QMessageBox, "quitWithSends")
    assert isinstance(box, QMessageBox)
    return box


def _click(qtbot: QtBot, box: QMessageBox, text: str) -> None:
    button = next(b for b in box.findChildren(QPushButton) if b.text().replace("&", "") == text)
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def test_quitting_with_sends_in_flight_asks_and_says_what_becomes_of_them(
    qtbot: QtBot, make_window: MakeWindow, services: Services
) -> None:
    window = make_window()  # the sender is not started: the alert stays queued
    _enqueue(services, window)
    assert sends_in_flight(services.db) == 1
    with qtbot.waitActive(window):
        window.activateWindow()
    qtbot.keyClick(_focused(window), Qt.Key.Key_Q, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: window.findChild(QMessageBox, "quitWithSends") is not None)
    box = _quit_box(window)
    assert box.text() == "1 envoi n'est pas encore parti(s)."
    assert "stopcamb-desk outbox run" in box.informativeText()
    assert "le prochain poste ouvert" in box.informativeText()
    _click(qtbot, box, "Rester sur le poste")
    assert window.isVisible()
    window.close()
    qtbot.waitUntil(lambda: window.findChild(QMessageBox, "quitWithSends") is not None)
    _click(qtbot, _quit_box(window), "Quitter quand même")
    assert not window.isVisible()
    assert sends_in_flight(services.db) == 1  # still queued for the next sender


def test_quitting_without_sends_in_flight_is_immediate(
    qtbot: QtBot, make_window: MakeWindow, services: Services
) -> None:
    window = make_window()
    assert sends_in_flight(services.db) == 0
    with qtbot.waitActive(window):
        window.activateWindow()
    qtbot.keyClick(_focused(window), Qt.Key.Key_Q, Qt.KeyboardModifier.ControlModifier)
    assert not window.isVisible()
    assert window.findChild(QMessageBox, "quitWithSends") is None


@pytest.fixture
def desk(qtbot: QtBot) -> Iterator[Desk]:
    with running_desk(qtbot, load_settings().with_demo()) as desk:
        yield desk


def test_change_operator_reopens_the_desk_for_the_next_officer(qtbot: QtBot, desk: Desk) -> None:
    first = log_in(qtbot, desk)
    first.change_operator()
    assert first.locked and first.lock_screen is not None
    form = first.lock_screen.login
    assert form.login_edit.text() == "" and form.login_edit.hasFocus()
    qtbot.keyClicks(form.login_edit, "chef34")
    qtbot.keyClicks(form.password_edit, "demo-chef34")
    with qtbot.waitSignal(desk.shell_opened, timeout=WAIT_MS) as reopened:
        qtbot.keyClick(form.password_edit, Qt.Key.Key_Return)
    second = reopened.args[0]
    assert isinstance(second, MainWindow) and second is desk.window
    assert second.ctx.principal.login == "chef34"
    assert "chef34" not in first.windowTitle()
    assert second.isVisible() and not first.isVisible()
    assert "CORG 34" in second.statusBar().operator_label.text()
    assert second.findChild(QMessageBox, "quitWithSends") is None
