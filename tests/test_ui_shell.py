"""The main window: role-dependent navigation, keyboard shortcuts, status bar, geometry."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from stopcamb_desk.config import FcmSettings, Settings, load_settings
from stopcamb_desk.domain.roles import Principal, Role
from stopcamb_desk.services.container import Services, open_services
from stopcamb_desk.ui.context import ShellContext
from stopcamb_desk.ui.errors import ErrorHandler
from stopcamb_desk.ui.geometry import ui_settings
from stopcamb_desk.ui.shell import MainWindow
from stopcamb_desk.ui.statusbar import SIMULATION_TEXT
from stopcamb_desk.ui.tasks import ImmediateTaskRunner

CHEF = Principal(1, "chef74", "Adj. Martin (CORG 74)", Role.CHEF_DE_QUART, ("73", "74"))
OPP = Principal(2, "opp34", "Cne Garcia (OPP GGD34)", Role.OPP_NATIONAL)


@pytest.fixture
def services(sqlite_url: str) -> Iterator[Services]:
    opened = open_services(replace(load_settings(), database_url=sqlite_url))
    yield opened
    opened.close()


MakeWindow = Callable[..., MainWindow]


@pytest.fixture
def make_window(qtbot: QtBot, services: Services) -> MakeWindow:
    def make(principal: Principal = CHEF, settings: Settings | None = None) -> MainWindow:
        errors = ErrorHandler()
        ctx = ShellContext(
            settings or services.settings, services, principal, ImmediateTaskRunner(), errors
        )
        window = MainWindow(ctx)
        qtbot.addWidget(window)
        window.show()
        qtbot.waitExposed(window)
        return window

    return make


def _nav_titles(window: MainWindow) -> list[str]:
    return [window.navigation.item(i).text() for i in range(window.navigation.count())]


def test_opp_sees_national_and_a_chef_de_quart_does_not(make_window: MakeWindow) -> None:
    chef = make_window(CHEF)
    assert _nav_titles(chef) == [
        "Rédiger une alerte",
        "Historique",
        "Carte",
        "Brigades",
        "Modèles",
        "Aide",
    ]
    with pytest.raises(KeyError):
        chef.view("national")
    opp = make_window(OPP)
    assert _nav_titles(opp)[-4:] == ["National", "Modèles", "Tableau national", "Aide"]
    admin = make_window(Principal(3, "admin", "Administrateur", Role.ADMINISTRATEUR))
    assert "Tableau national" in _nav_titles(admin) and "National" not in _nav_titles(admin)
    with pytest.raises(KeyError):
        chef.view("tableau")


def test_ctrl_digits_switch_views(qtbot: QtBot, make_window: MakeWindow) -> None:
    window = make_window(OPP)
    with qtbot.waitActive(window):
        window.activateWindow()
    assert window.current_view_key() == "composer"
    qtbot.keyClick(_focused(window), Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
    assert window.current_view_key() == "historique"
    assert window.stack.currentWidget() is window.view("historique")
    qtbot.keyClick(_focused(window), Qt.Key.Key_5, Qt.KeyboardModifier.ControlModifier)
    assert window.current_view_key() == "national"
    qtbot.keyClick(_focused(window), Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier)
    assert window.current_view_key() == "composer"


def test_arrow_keys_in_the_navigation_switch_views(qtbot: QtBot, make_window: MakeWindow) -> None:
    window = make_window(CHEF)
    window.navigation.setFocus()
    qtbot.keyClick(window.navigation, Qt.Key.Key_Down)
    assert window.current_view_key() == "historique"


def test_status_bar_shows_simulation_database_and_operator(make_window: MakeWindow) -> None:
    window = make_window(CHEF)
    bar = window.statusBar()
    assert bar.push_label.text() == SIMULATION_TEXT
    assert bar.push_label.objectName() == "pushModeSimulation"
    assert bar.push_label.isVisible()
    assert bar.database_label.text().startswith("Base — SQLite : ")
    assert bar.database_label.text().endswith("desk.sqlite3")
    assert bar.operator_label.text() == "Adj. Martin (CORG 74) · Chef de quart · dépts 73, 74"
    bar.showMessage("message passager")
    assert bar.push_label.isVisible()  # a transient message never hides the push mode
    assert "[SIMULATION]" in window.windowTitle()


def test_status_bar_names_the_real_fcm_project(
    tmp_path: Path, make_window: MakeWindow, services: Services
) -> None:
    credentials = tmp_path / "service-account.json"
    credentials.write_text(json.dumps({"type": "service_account", "project_id": "stop-camb-74"}))
    settings = replace(services.settings, fcm=FcmSettings(credentials=credentials))
    window = make_window(CHEF, settings)
    assert window.statusBar().push_label.text() == "FCM réel — projet stop-camb-74"
    assert window.statusBar().push_label.objectName() == "pushModeReal"


def test_geometry_is_restored_on_the_next_start(qtbot: QtBot, make_window: MakeWindow) -> None:
    first = make_window(CHEF)
    first.resize(720, 530)  # smaller than the 800x600 offscreen screen
    qtbot.waitUntil(lambda: (first.width(), first.height()) == (720, 530))
    first.close()
    second = make_window(CHEF)
    assert (second.width(), second.height()) == (720, 530)
    ini = Path(second.ctx.settings.data_dir) / "interface.ini"
    assert ini.exists()


def test_composer_accepts_text(make_window: MakeWindow) -> None:
    window = make_window(CHEF)
    composer = window.composer()
    composer.set_text("Série de cambriolages à Lodève cette nuit.")  # type: ignore[attr-defined]
    assert composer.text() == "Série de cambriolages à Lodève cette nuit."  # type: ignore[attr-defined]


def test_every_view_is_a_french_page_reachable_from_the_keyboard(
    qtbot: QtBot, make_window: MakeWindow
) -> None:
    window = make_window(OPP)
    for key in window.view_keys:
        page = window.show_view(key)
        assert page.isVisible()
    assert window.navigation.focusPolicy() & Qt.FocusPolicy.TabFocus
    assert all(window.navigation.item(i).toolTip() for i in range(window.navigation.count()))
    ui_settings(window.ctx.settings.data_dir)  # the store lives in the data dir


def _focused(window: MainWindow) -> QWidget:
    return QApplication.focusWidget() or window


def test_a_click_on_the_map_chooses_the_composers_departement(
    qtbot: QtBot, make_window: MakeWindow
) -> None:
    window = make_window(CHEF)
    composer = window.composer()
    assert composer.departement.currentData() == "73"  # type: ignore[attr-defined]
    carte = window.show_view("carte")
    canvas = carte.canvas  # type: ignore[attr-defined]
    canvas.resize(700, 500)
    annecy = canvas.to_screen(6.1294, 45.8992)
    qtbot.mouseClick(canvas, Qt.MouseButton.LeftButton, pos=annecy.toPoint())
    assert composer.departement.currentData() == "74"  # type: ignore[attr-defined]
    assert window.current_view_key() == "carte"  # the operator keeps the map in front
    bourg = canvas.to_screen(5.2258, 46.2052)  # Ain: not theirs
    qtbot.mouseClick(canvas, Qt.MouseButton.LeftButton, pos=bourg.toPoint())
    assert composer.departement.currentData() == "74"  # type: ignore[attr-defined]
    assert "n'est pas le vôtre" in carte.message.text()  # type: ignore[attr-defined]


def test_window_titles_leave_the_application_name_to_the_window_system(
    make_window: MakeWindow,
) -> None:
    """Qt adds « — Stop Cambriolages » (the display name) to every title: ours must not say it
    again (« Stop Cambriolages — Adj. Martin — Stop Cambriolages »)."""
    from stopcamb_desk.ui.login import LoginDialog

    window = make_window(CHEF)
    assert window.windowTitle() == "Adj. Martin (CORG 74) [SIMULATION]"
    login = LoginDialog()
    assert login.windowTitle() == "Connexion"
    login.deleteLater()
    for widget in QApplication.topLevelWidgets():
        assert "Stop Cambriolages" not in widget.windowTitle()
