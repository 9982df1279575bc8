"""« Téléphone simulé »: what a subscribed phone shows, replacement, live updates, menus."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import QRect
from pytestqt.qtbot import QtBot

from stopcamb_desk.config import FcmSettings, load_settings
from stopcamb_desk.domain.roles import Principal, Role
from stopcamb_desk.push.payload import AlertPush, build_payload
from stopcamb_desk.push.simulation import SimulationGateway
from stopcamb_desk.services.container import Services, open_services
from stopcamb_desk.ui.context import ShellContext
from stopcamb_desk.ui.errors import ErrorHandler
from stopcamb_desk.ui.phone.timeline import card_time, phone_topics, received_when, timeline
from stopcamb_desk.ui.phone.window import WINDOW_FRAME, PhoneWindow, phone_geometry
from stopcamb_desk.ui.shell import MainWindow
from stopcamb_desk.ui.tasks import ImmediateTaskRunner

CHEF = Principal(1, "chef74", "Adj. Martin (CORG 74)", Role.CHEF_DE_QUART, ("74",))
OPP = Principal(2, "opp34", "Cne Garcia (OPP GGD34)", Role.OPP_NATIONAL)
MEYTHET = "MEYTHET, nombreux cambriolages dans les maisons, en fin de journée : soyez vigilants !"
SEYNOD = "SEYNOD, cambriolages de commerces la nuit dernière : vérifiez vos fermetures."
OTV = "Bientôt les vacances : inscrivez-vous à l'opération tranquillité vacances."


def push(
    gateway: SimulationGateway,
    alert_id: int,
    text: str,
    departement: str | None = "74",
    *,
    sequence: int | None = None,
    exercise: bool = False,
) -> None:
    kind = "prevention" if departement is None else "operationnel"
    gateway.send(
        build_payload(
            AlertPush(
                alert_id=alert_id,
                text=text,
                departement=departement,
                kind=kind,
                sequence=alert_id if sequence is None else sequence,
                exercise=exercise,
            )
        )
    )


@pytest.fixture
def gateway(tmp_path: Path) -> SimulationGateway:
    return SimulationGateway(tmp_path)


def make_phone(
    qtbot: QtBot, gateway: SimulationGateway, principal: Principal = CHEF
) -> PhoneWindow:
    window = PhoneWindow(gateway, principal)
    qtbot.addWidget(window)
    window.resize(520, 900)
    window.show()
    qtbot.waitExposed(window)
    return window


def card_bodies(window: PhoneWindow) -> list[str]:
    return [
        " ".join(card.card.fit.body.lines)
        for card in window.cards
        if card.isVisible() and card.delivery is not None
    ]


def test_a_new_push_replaces_the_previous_one_and_the_history_says_when(
    qtbot: QtBot, gateway: SimulationGateway
) -> None:
    window = make_phone(qtbot, gateway)
    assert window.empty.isVisible() and window.empty.text() == "Aucune notification affichée"
    assert window.notice.text().startswith("SIMULATION — aucun vrai téléphone")

    push(gateway, 1, MEYTHET)
    qtbot.waitUntil(lambda: window.shown_on("74") == ["1"], timeout=5_000)
    push(gateway, 2, SEYNOD)
    qtbot.waitUntil(lambda: window.shown_on("74") == ["2"], timeout=5_000)

    assert not window.empty.isVisible()
    assert [c.isVisible() for c in window.cards] == [True, False, False]
    assert card_bodies(window)[0].startswith("SEYNOD, cambriolages de commerces")
    assert window.cards[0].card.fit.title.lines[0].startswith("Gendarmerie — Haute-Sav")
    assert window.cards[0].caption.text().startswith("74 · n° 2 · reçue à ")
    lines = window.history_lines()
    assert lines[0].endswith(f"« {SEYNOD} »")
    assert "74 · n° 2 — AFFICHÉ en ce moment" in lines[0]
    at = window.events[0].delivery.at.astimezone().strftime("%H:%M")
    assert f"74 · n° 1 — remplacé à {at} par n° 2" in lines[1]


def test_the_phone_of_a_departement_also_shows_the_national_message_but_not_others(
    qtbot: QtBot, gateway: SimulationGateway
) -> None:
    push(gateway, 1, MEYTHET, "74")
    push(gateway, 2, OTV, None)
    push(gateway, 3, "LODÈVE, cambriolages de commerces : vigilance.", "34")
    push(gateway, 4, "Exercice : cambriolages à RUMILLY.", "74", exercise=True)
    window = make_phone(qtbot, gateway)

    assert [d.data["alert_id"] for d in window.shown] == ["2", "1"]  # newest first
    assert window.subscription.text() == ("Téléphone abonné à Haute-Savoie (74) et au national")
    window.exercise.setChecked(True)  # the test phone of exercises
    assert [d.data["alert_id"] for d in window.shown] == ["4"]
    assert window.cards[0].card.fit.title.lines[0].startswith("[EXERCICE]")
    assert window.phone_screen.property("exercise") is True


def test_an_older_push_arriving_late_is_ignored_like_the_app_must(
    qtbot: QtBot, gateway: SimulationGateway
) -> None:
    push(gateway, 2, SEYNOD, sequence=2)
    push(gateway, 1, MEYTHET, sequence=1)  # FCM does not guarantee order
    window = make_phone(qtbot, gateway)
    assert window.shown_on("74") == ["2"]
    assert "n° 1 — ignoré : arrivé après un message plus récent" in window.history_lines()[0]


def test_the_national_operator_chooses_national_or_any_departement(
    qtbot: QtBot, gateway: SimulationGateway
) -> None:
    push(gateway, 1, MEYTHET, "74")
    push(gateway, 2, OTV, None)
    window = make_phone(qtbot, gateway, OPP)
    assert window.departement.currentText().startswith("National")
    assert window.topics == ["national"]
    assert [d.data["alert_id"] for d in window.shown] == ["2"]
    window.set_departement("74")
    assert window.topics == ["dep_74", "national"]
    assert [d.data["alert_id"] for d in window.shown] == ["2", "1"]
    assert window.departement.count() == 102  # national + 101 départements


def test_deliveries_from_another_thread_reach_the_window_safely(
    qtbot: QtBot, gateway: SimulationGateway
) -> None:
    window = make_phone(qtbot, gateway)
    refreshed: list[bool] = []
    window._relay.changed.connect(lambda: refreshed.append(threading.current_thread() is main))
    main = threading.current_thread()
    worker = threading.Thread(target=lambda: [push(gateway, i, f"{SEYNOD} {i}") for i in (1, 2, 3)])
    worker.start()
    worker.join(10)
    qtbot.waitUntil(lambda: window.shown_on("74") == ["3"], timeout=5_000)
    assert refreshed and all(refreshed)  # the slot ran on the GUI thread


def test_closing_the_window_stops_listening(qtbot: QtBot, gateway: SimulationGateway) -> None:
    window = PhoneWindow(gateway, CHEF)
    assert len(gateway._listeners) == 1
    window.deleteLater()
    qtbot.waitUntil(lambda: not gateway._listeners, timeout=5_000)
    push(gateway, 1, MEYTHET)  # no error from a dead window


def test_timeline_and_card_time() -> None:
    now = datetime(2026, 3, 2, 3, 14, tzinfo=UTC)
    assert card_time(now - timedelta(seconds=20), now) == "maintenant"
    assert card_time(now - timedelta(minutes=4), now) == "il y a 4 min"
    assert card_time(now - timedelta(hours=5), now) == "il y a 5 h"
    today = datetime.now().astimezone().replace(hour=12, minute=0, second=0, microsecond=0)
    assert received_when(today - timedelta(minutes=4), today) == "à 11:56 (il y a 4 min)"
    assert received_when(today - timedelta(days=1), today) == "hier à 12:00"
    assert received_when(today - timedelta(days=3), today).startswith("le ")
    assert phone_topics("2a") == ["dep_2A", "national"]
    assert phone_topics(None, exercise=True) == ["exercice_national"]
    assert timeline([], ["dep_74"]) == []


# -- in the shell -------------------------------------------------------------------------------
@pytest.fixture
def services(sqlite_url: str) -> Iterator[Services]:
    opened = open_services(replace(load_settings(), database_url=sqlite_url))
    yield opened
    opened.close()


def shell(qtbot: QtBot, services: Services) -> MainWindow:
    ctx = ShellContext(services.settings, services, CHEF, ImmediateTaskRunner(), ErrorHandler())
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    return window


def test_affichage_menu_and_status_bar_open_the_phone_in_simulation(
    qtbot: QtBot, services: Services
) -> None:
    window = shell(qtbot, services)
    assert window.phone_action is not None
    assert window.phone_action.shortcut().toString() == "Ctrl+T"
    menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "&Affichage")
    assert "&Téléphone simulé" in [a.text() for a in menu.actions()]
    button = window.statusBar().phone_button
    assert button is not None and button.isVisible() and button.text() == "Téléphone simulé"
    button.click()
    phone = window.phone_window
    assert isinstance(phone, PhoneWindow) and phone.isVisible()
    assert phone.departement.currentData() == "74"
    phone.close()
    window.phone_action.trigger()  # reopens the same window
    assert window.phone_window is phone and phone.isVisible()


def test_no_phone_offered_when_firebase_is_configured(
    qtbot: QtBot, sqlite_url: str, tmp_path: Path
) -> None:
    fcm = FcmSettings(credentials=tmp_path / "absent-service-account.json")
    settings = replace(load_settings(), database_url=sqlite_url, fcm=fcm)
    services = open_services(settings)
    try:
        assert services.push_error  # broken credentials: no gateway at all, and no phone
        window = shell(qtbot, services)
        assert window.phone_action is None
        assert window.statusBar().phone_button is None
        assert window.show_phone() is None
    finally:
        services.close()


@pytest.mark.parametrize("task_bar", [0, 48])
def test_the_phone_window_fits_a_1000_pixel_high_screen(
    qtbot: QtBot, gateway: SimulationGateway, task_bar: int
) -> None:
    window = make_phone(qtbot, gateway)
    screen = QRect(0, task_bar, 1920, 1000 - task_bar)  # the usable area, task bar excluded
    placed = phone_geometry(screen, window.sizeHint())
    assert placed.top() - WINDOW_FRAME >= screen.top()  # its title bar is on the screen
    assert placed.bottom() <= screen.bottom()  # and so is its bottom edge
    assert placed.height() >= window.minimumSizeHint().height()  # nothing squeezed
    assert placed.right() <= screen.right()
