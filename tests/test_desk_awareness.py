"""What a desk is told without looking: another desk's sends for my départements, my own sends'
outcome after I left the composer (banner + « Notifications » menu), and retractions named as
such in the history, on the map and on the simulated phone.

Two desks share one real database (a SQLite file, and PostgreSQL): each has its own services,
outbox and change listener, as two machines would.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import date

import pytest
from outbox_fixtures import MEYTHET, draft, sendable
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot
from sqlalchemy import select
from ui_helpers import main_windows

from stopcamb_desk.config import load_settings
from stopcamb_desk.domain.roles import Principal, Role
from stopcamb_desk.domain.status import PHONES_RETRACTION
from stopcamb_desk.models import Alert
from stopcamb_desk.services.container import Services, open_services
from stopcamb_desk.services.replacement import for_services
from stopcamb_desk.ui.history.detail import TECHNICAL_HEADING
from stopcamb_desk.ui.history.view import HistoryView
from stopcamb_desk.ui.map.legend import legend_rows
from stopcamb_desk.ui.map.view import MapView
from stopcamb_desk.ui.phone.window import PhoneWindow
from stopcamb_desk.ui.shell import MainWindow

WAIT_MS = 15_000


@pytest.fixture
def desks(db_url: str) -> Iterator[tuple[Services, Services]]:
    """Desk A (demo accounts seeded) and desk B, one database, one audit key (one data dir)."""
    settings = replace(load_settings().with_demo(), database_url=db_url, idle_lock_minutes=0.0)
    desk_a = open_services(settings)
    desk_b = open_services(replace(settings, demo=False))
    yield desk_a, desk_b
    desk_b.close()
    desk_a.close()


@pytest.fixture
def open_window(qtbot: QtBot) -> Iterator[Callable[[Services, Principal], MainWindow]]:
    """Desk A's main window, once its change listener is connected."""
    with main_windows(qtbot) as open_main:

        def make(services: Services, principal: Principal) -> MainWindow:
            window = open_main(services, principal, None)
            listener = window.ctx.changes.listener
            assert listener is not None and listener.connected.wait(WAIT_MS / 1000)
            return window

        yield make


def _chef74(services: Services) -> Principal:
    return services.accounts.authenticate("chef74", "demo-chef74")


def _second_chef74(services: Services) -> Principal:
    """Another officer of the 74, on desk B."""
    services.accounts.create(
        "chef74b", "mot-de-passe-b", Role.CHEF_DE_QUART, ("74",), nom="MDL Blanc (CORG 74)"
    )
    return services.accounts.authenticate("chef74b", "mot-de-passe-b")


LODEVE = (
    "LODÈVE, nombreux cambriolages dans les maisons, en fin de journée : prenez vos "
    "précautions et soyez vigilants, faites passer l'info !"
)


def _send(services: Services, principal: Principal, departement: str = "74") -> int:
    outbox = services.outbox
    assert outbox is not None
    text = LODEVE if departement == "34" else MEYTHET
    alert_id = outbox.enqueue(principal, *sendable(principal, draft(departement, text)))
    outcome = outbox.deliver(alert_id)
    assert outcome is not None
    return alert_id


def _retract(services: Services, principal: Principal, shown: int) -> int:
    """« Retirer » the alert ``shown`` and send the retraction at once."""
    service = for_services(services, today=date(2026, 3, 2))
    assert service is not None and services.outbox is not None
    retraction = service.retract(principal, shown, service.target(principal, shown).version)
    assert services.outbox.deliver(retraction) is not None
    return retraction


def test_another_desk_sending_for_my_departement_shows_a_banner_that_opens_the_alert(
    qtbot: QtBot, desks: tuple[Services, Services], open_window: Callable[..., MainWindow]
) -> None:
    desk_a, desk_b = desks
    window = open_window(desk_a, _chef74(desk_a))
    banner = window.notices
    assert not banner.isVisible()
    sent = _send(desk_b, _second_chef74(desk_b))  # desk B, another machine

    qtbot.waitUntil(banner.isVisible, timeout=WAIT_MS)
    assert banner.current is not None and banner.current.alert_id == sent
    text = banner.text.text()
    assert "Alerte envoyée par un autre poste" in text
    assert "abonnés du 74 — Haute-Savoie" in text and f"n° {sent}" in text
    assert "MDL Blanc (CORG 74)" in text
    assert window.current_view_key() == "composer"  # nothing modal, nothing taken away
    assert window.notices.menu.actions()[0].text().endswith(banner.current.text)

    qtbot.mouseClick(banner.open_button, Qt.MouseButton.LeftButton)
    history = window.view("historique")
    assert isinstance(history, HistoryView)
    assert window.current_view_key() == "historique"
    qtbot.waitUntil(lambda: f"n° {sent}" in history.detail.toPlainText(), timeout=WAIT_MS)
    assert not banner.isVisible()


def test_a_retraction_by_another_desk_is_announced_as_a_retraction(
    qtbot: QtBot, desks: tuple[Services, Services], open_window: Callable[..., MainWindow]
) -> None:
    desk_a, desk_b = desks
    officer_b = _second_chef74(desk_b)
    shown = _send(desk_b, officer_b)
    window = open_window(desk_a, _chef74(desk_a))
    retraction = _retract(desk_b, officer_b, shown)

    qtbot.waitUntil(
        lambda: (
            window.notices.current is not None and window.notices.current.alert_id == retraction
        ),
        timeout=WAIT_MS,
    )
    assert "Retrait envoyé par un autre poste" in window.notices.text.text()


def _demo_failed_alert(services: Services) -> int:
    """The demo history's failed alert of the 74 (SEYNOD, 48 minutes ago), still resendable."""
    with services.db.session() as session:
        failed = session.scalar(
            select(Alert.id).where(Alert.status == "echec", Alert.departement == "74")
        )
    assert failed is not None
    return failed


def test_another_desk_resending_an_old_failed_alert_is_announced_as_resent(
    qtbot: QtBot, desks: tuple[Services, Services], open_window: Callable[..., MainWindow]
) -> None:
    # « Renvoyer » puts an existing row back in the outbox: no new alert, no higher id. On
    # SQLite nothing names it (no NOTIFY), yet desk A must still be told it is on the phones.
    desk_a, desk_b = desks
    failed = _demo_failed_alert(desk_a)
    desk_a.accounts.create(
        "chef74b", "mot-de-passe-b", Role.CHEF_DE_QUART, ("74",), nom="MDL Blanc (CORG 74)"
    )
    window = open_window(desk_a, desk_a.accounts.authenticate("chef74b", "mot-de-passe-b"))
    banner = window.notices
    chef74_on_b = _chef74(desk_b)  # the alert's author, on the other desk
    assert desk_b.outbox is not None
    desk_b.outbox.resend(chef74_on_b, failed)
    assert desk_b.outbox.deliver(failed) is not None

    qtbot.waitUntil(banner.isVisible, timeout=WAIT_MS)
    assert banner.current is not None and banner.current.alert_id == failed
    text = banner.text.text()
    assert "Alerte renvoyée par un autre poste" in text
    assert "abonnés du 74 — Haute-Savoie" in text and f"n° {failed}" in text
    assert [n.alert_id for n in banner.notices] == [failed]  # once, though it moved twice


def test_my_failed_alert_resent_by_another_desk_is_announced_to_me(
    qtbot: QtBot, desks: tuple[Services, Services], open_window: Callable[..., MainWindow]
) -> None:
    desk_a, desk_b = desks
    failed = _demo_failed_alert(desk_a)
    window = open_window(desk_a, _chef74(desk_a))
    window.show_view("historique")  # away from the composer: my own sends are bannered
    colleague = _second_chef74(desk_b)
    assert desk_b.outbox is not None
    desk_b.outbox.resend(colleague, failed)
    assert desk_b.outbox.deliver(failed) is not None

    qtbot.waitUntil(window.notices.isVisible, timeout=WAIT_MS)
    assert window.notices.text.text().endswith(f"Votre alerte n° {failed} : Envoyée")


def test_my_own_send_is_announced_once_i_left_the_composer(
    qtbot: QtBot, desks: tuple[Services, Services], open_window: Callable[..., MainWindow]
) -> None:
    desk_a, _desk_b = desks
    chef = _chef74(desk_a)
    window = open_window(desk_a, chef)
    # In the composer, its own success line says it: no banner, but the list keeps it.
    first = _send(desk_a, chef)
    qtbot.waitUntil(lambda: bool(window.notices.notices), timeout=WAIT_MS)
    assert not window.notices.isVisible()
    assert window.notices.notices[0].text == f"Votre alerte n° {first} : Envoyée"

    window.show_view("historique")
    second = _send(desk_a, chef)
    qtbot.waitUntil(window.notices.isVisible, timeout=WAIT_MS)
    assert window.notices.text.text().endswith(f"Votre alerte n° {second} : Envoyée")
    assert [n.alert_id for n in window.notices.notices[:2]] == [second, first]


def test_alerts_of_other_departements_are_not_announced(
    qtbot: QtBot, desks: tuple[Services, Services], open_window: Callable[..., MainWindow]
) -> None:
    desk_a, desk_b = desks
    window = open_window(desk_a, desk_a.accounts.authenticate("chef34", "demo-chef34"))
    sent = _send(desk_b, _second_chef74(desk_b))  # for the 74
    # Then one for the 34, from desk B too: once it is announced, the 74's would have been.
    chef34 = desk_b.accounts.authenticate("chef34", "demo-chef34")
    mine = _send(desk_b, chef34, "34")
    qtbot.waitUntil(lambda: bool(window.notices.notices), timeout=WAIT_MS)
    assert [n.alert_id for n in window.notices.notices] == [mine]
    assert sent not in [n.alert_id for n in window.notices.notices]


def test_a_retraction_is_named_as_such_in_the_history_the_map_and_the_phone(
    qtbot: QtBot, desks: tuple[Services, Services], open_window: Callable[..., MainWindow]
) -> None:
    desk_a, _desk_b = desks
    chef = _chef74(desk_a)
    shown = _send(desk_a, chef)
    retraction = _retract(desk_a, chef, shown)
    window = open_window(desk_a, chef)

    history = window.show_view("historique")
    assert isinstance(history, HistoryView)
    model = history.model
    qtbot.waitUntil(lambda: model.rowCount() >= 2, timeout=WAIT_MS)
    headers = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())]
    kind, status = headers.index("Type"), headers.index("Statut")

    def cells(row: int) -> tuple[str, str]:
        return (model.index(row, kind).data(), model.index(row, status).data())

    assert cells(0) == ("Retrait", "Retrait envoyé")  # newest first
    assert cells(1) == ("Opérationnelle", "Retirée")
    history.show_detail(retraction)
    qtbot.waitUntil(lambda: "Retrait n°" in history.detail.toPlainText(), timeout=WAIT_MS)
    operator_part = history.detail.toPlainText().split(TECHNICAL_HEADING)[0]
    assert "dep_" not in operator_part and "sujet" not in operator_part
    assert "abonnés du 74 — Haute-Savoie" in operator_part

    card_map = window.show_view("carte")
    assert isinstance(card_map, MapView)
    qtbot.waitUntil(lambda: "74" in card_map.phones, timeout=WAIT_MS)
    scene = card_map.scene()
    assert scene.shows_retraction("74")  # hatched, not the plain alert fill
    texts = [row.text for row in legend_rows(scene, brigades=False, nearest=False, mark=False)]
    assert PHONES_RETRACTION in texts

    phone = window.show_phone()
    assert isinstance(phone, PhoneWindow)
    caption = phone.cards[0].caption.text()
    assert f"Retrait n° {retraction} (message de retrait de l'alerte n° {shown})" in caption
    phone.close()
