"""Replace, retract and resend from the « Historique » like an operator: the real main window,
real outbox and sender thread (SIMULATION, and once the loopback FCM server), database work on
the shell's worker thread."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from fcm_server import FcmTestServer
from outbox_fixtures import MEYTHET, add_operator, alert_row
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from stopcamb_desk.config import DEFAULT_RETRACTION_TEXT, load_settings
from stopcamb_desk.domain.roles import Principal, Role
from stopcamb_desk.domain.rules.model import Attestation, ProcedureType
from stopcamb_desk.push.payload import payload_from_json
from stopcamb_desk.services.composer import Draft, validate_for_send
from stopcamb_desk.services.container import Services, open_services
from stopcamb_desk.services.replacement import for_services
from stopcamb_desk.ui.context import ShellContext
from stopcamb_desk.ui.errors import ErrorHandler
from stopcamb_desk.ui.shell import MainWindow
from stopcamb_desk.ui.tasks import QtTaskRunner

CORRECTION = (
    "ANNECY, nombreux cambriolages dans les maisons, en fin de journée : prenez vos "
    "précautions et soyez vigilants, faites passer l'info !"
)
WAIT = 15_000


def _draft(text: str = MEYTHET) -> Draft:
    fact = Attestation(ProcedureType.PLAINTE, "2026/00777", date.today())
    return Draft(text=text, departement="74", attestation=fact)


@pytest.fixture
def services(sqlite_url: str) -> Iterator[Services]:
    opened = open_services(replace(load_settings(), database_url=sqlite_url))
    yield opened
    opened.close()


Desk = Callable[[Services, Principal], MainWindow]


@pytest.fixture
def desk(qtbot: QtBot) -> Iterator[Desk]:
    runners: list[QtTaskRunner] = []
    windows: list[MainWindow] = []

    def make(services: Services, principal: Principal) -> MainWindow:
        runner = QtTaskRunner()
        runners.append(runner)
        ctx = ShellContext(services.settings, services, principal, runner, ErrorHandler())
        window = MainWindow(ctx)
        qtbot.addWidget(window)
        window.show()
        windows.append(window)
        services.start_sender()
        return window

    yield make
    for window in windows:
        window.ctx.changes.stop()
        window.ctx.services.close()  # the sender thread stops before the runner
        window.quit_now()  # as the desk does when the application ends
    for runner in runners:
        runner.shutdown()


def delivered(services: Services, principal: Principal, text: str = MEYTHET) -> int:
    assert services.outbox is not None
    d = _draft(text)
    alert_id = services.outbox.enqueue(principal, d, validate_for_send(principal, d))
    outcome = services.outbox.deliver(alert_id)
    assert outcome is not None and outcome.status == "envoyee"
    return alert_id


def status_of(services: Services, alert_id: int) -> str:
    return alert_row(services.db, alert_id).status


def open_in_history(qtbot: QtBot, window: MainWindow, alert_id: int) -> Any:
    history: Any = window.show_view("historique")
    qtbot.waitUntil(lambda: history.model.row_of(alert_id) >= 0, timeout=WAIT)
    with qtbot.waitSignal(history.detail_shown, timeout=WAIT):
        history.table.selectRow(history.model.row_of(alert_id))
    return history


def send_from_composer(qtbot: QtBot, composer: Any) -> None:
    composer.send_bar.button.click()
    assert composer.confirmation is not None
    composer.confirmation.send_button.click()


def test_replace_from_the_history(qtbot: QtBot, services: Services, desk: Desk) -> None:
    chef = add_operator(services.db, "chef74", Role.CHEF_DE_QUART, ("74",))
    first = delivered(services, chef)
    window = desk(services, chef)
    history = open_in_history(qtbot, window, first)
    actions = history.alert_actions
    assert actions.replace_button.isEnabled() and actions.retract_button.isEnabled()
    assert not actions.resend_button.isEnabled()
    assert "échec ou à vérifier" in actions.resend_button.toolTip()

    actions.replace_button.click()
    qtbot.waitUntil(lambda: window.current_view_key() == "composer", timeout=WAIT)
    composer: Any = window.composer()
    banner = composer.replacement_banner
    assert banner.isVisible() and banner.title.text() == f"Remplacement de l'alerte n° {first}"
    assert "Annuler le remplacement" in banner.links.text()
    assert composer.text() == MEYTHET
    assert composer.departement.currentData() == "74" and not composer.departement.isEnabled()
    assert composer.attestation.numero.text() == "2026/00777"  # the same established fact

    composer.editor.selectAll()
    composer.editor.insertPlainText(CORRECTION)  # typed over the selection
    send_from_composer(qtbot, composer)
    qtbot.waitUntil(lambda: composer.last_sent_id is not None, timeout=WAIT)
    new_id = composer.last_sent_id
    assert "Remplacement de l'alerte" in composer.status.text()
    assert not banner.isVisible() and composer.departement.isEnabled()
    qtbot.waitUntil(lambda: status_of(services, new_id) == "envoyee", timeout=WAIT)

    new, old = alert_row(services.db, new_id), alert_row(services.db, first)
    assert new.replaces_id == first and old.status == "remplacee"
    before, after = payload_from_json(old.payload_json), payload_from_json(new.payload_json)
    assert after["notification"]["body"] == CORRECTION
    assert after["android"]["notification"]["tag"] == before["android"]["notification"]["tag"]
    assert (
        after["apns"]["headers"]["apns-collapse-id"]
        == before["apns"]["headers"]["apns-collapse-id"]
    )
    # Back in the history: the old alert can no longer be replaced, and says why.
    history = open_in_history(qtbot, window, first)
    assert not history.alert_actions.replace_button.isEnabled()
    assert f"l'alerte n° {new_id} a pris sa place" in history.alert_actions.replace_button.toolTip()


def test_cancel_replacement_sends_nothing(qtbot: QtBot, services: Services, desk: Desk) -> None:
    chef = add_operator(services.db, "chef74", Role.CHEF_DE_QUART, ("74",))
    first = delivered(services, chef)
    window = desk(services, chef)
    history = open_in_history(qtbot, window, first)
    history.alert_actions.replace_button.click()
    composer: Any = window.composer()
    qtbot.waitUntil(lambda: composer.replacement_banner.isVisible(), timeout=WAIT)
    composer.replacement_banner.links.linkActivated.emit("cancel")
    assert not composer.replacement_banner.isVisible() and composer.text() == ""
    assert "annulé : rien n'est parti" in composer.status.text()
    assert composer.model.replacing is None


def test_retract_after_one_confirmation(qtbot: QtBot, services: Services, desk: Desk) -> None:
    chef = add_operator(services.db, "chef74", Role.CHEF_DE_QUART, ("74",))
    first = delivered(services, chef)
    window = desk(services, chef)
    history = open_in_history(qtbot, window, first)
    actions = history.alert_actions
    actions.retract_button.click()
    qtbot.waitUntil(lambda: actions.confirmation is not None, timeout=WAIT)
    box: QMessageBox = actions.confirmation
    text = box.text()
    assert DEFAULT_RETRACTION_TEXT in text and MEYTHET in text
    assert "département 74 — Haute-Savoie" in text and "SIMULATION" in text
    assert box.defaultButton().text() == "Annuler"
    box.findChild(type(box.defaultButton()), "confirmRetractButton").click()

    qtbot.waitUntil(lambda: status_of(services, first) == "retiree", timeout=WAIT)
    qtbot.waitUntil(lambda: "Retrait de l'alerte" in history.message.text(), timeout=WAIT)
    with services.db.session() as session:
        from sqlalchemy import select

        from stopcamb_desk.models import Alert

        withdrawal = session.scalars(select(Alert).where(Alert.replaces_id == first)).one()
    assert withdrawal.status == "envoyee"
    body = payload_from_json(withdrawal.payload_json)
    assert body["notification"]["body"] == DEFAULT_RETRACTION_TEXT
    assert body["data"]["retraction"] == "1"


def test_stale_replacement_shows_the_conflict_and_the_new_head(
    qtbot: QtBot, services: Services, desk: Desk
) -> None:
    chef = add_operator(services.db, "chef74", Role.CHEF_DE_QUART, ("74",))
    colleague = add_operator(services.db, "chef74b", Role.CHEF_DE_QUART, ("74",))
    with services.db.session() as session:
        from stopcamb_desk.models import Operator

        op = session.get(Operator, colleague.operator_id)
        assert op is not None
        op.nom = "Adj. Durand"
    first = delivered(services, chef)
    window = desk(services, chef)
    history = open_in_history(qtbot, window, first)
    history.alert_actions.replace_button.click()
    composer: Any = window.composer()
    qtbot.waitUntil(lambda: composer.replacement_banner.isVisible(), timeout=WAIT)

    # Meanwhile, another desk withdraws the same alert.
    other_desk = for_services(services)
    assert other_desk is not None
    winner = other_desk.retract(colleague, first, other_desk.actions(colleague, first).version)

    composer.editor.selectAll()
    composer.editor.insertPlainText(CORRECTION)  # typed over the selection
    send_from_composer(qtbot, composer)
    banner = composer.replacement_banner
    qtbot.waitUntil(lambda: banner.conflict.isVisible(), timeout=WAIT)
    assert "déjà été retirée par Adj. Durand (chef74b) le " in banner.conflict.text()
    assert f"Sur les téléphones : « {DEFAULT_RETRACTION_TEXT} »" in banner.conflict.text()
    assert f"Voir l'alerte n° {winner}" in banner.links.text()
    assert composer.text() == CORRECTION  # the operator's work is kept
    assert composer.status.text().startswith("Rien n'est parti")
    banner.links.linkActivated.emit(f"show:{winner}")
    assert window.current_view_key() == "historique"
    qtbot.waitUntil(lambda: f"Retrait n° {winner}" in history.detail.toPlainText(), timeout=WAIT)
    assert DEFAULT_RETRACTION_TEXT in history.detail.toPlainText()


def test_stale_button_in_history_says_who(qtbot: QtBot, services: Services, desk: Desk) -> None:
    chef = add_operator(services.db, "chef74", Role.CHEF_DE_QUART, ("74",))
    colleague = add_operator(services.db, "chef74b", Role.CHEF_DE_QUART, ("74",))
    first = delivered(services, chef)
    window = desk(services, chef)
    history = open_in_history(qtbot, window, first)
    assert history.alert_actions.retract_button.isEnabled()
    other_desk = for_services(services)
    assert other_desk is not None
    winner = other_desk.replace(
        colleague, first, other_desk.actions(colleague, first).version, _draft(CORRECTION)
    )
    history.alert_actions.retract_button.click()  # the button still showed the old state
    qtbot.waitUntil(lambda: "déjà été remplacée par" in history.message.text(), timeout=WAIT)
    qtbot.waitUntil(lambda: f"Alerte n° {winner}" in history.detail.toPlainText(), timeout=WAIT)
    assert history.alert_actions.confirmation is None  # nothing was offered to send


def test_resend_a_failed_alert(qtbot: QtBot, services: Services, desk: Desk) -> None:
    chef = add_operator(services.db, "chef74", Role.CHEF_DE_QUART, ("74",))
    assert services.outbox is not None
    d = _draft()
    failed = services.outbox.enqueue(chef, d, validate_for_send(chef, d))
    with services.db.session() as session:
        from stopcamb_desk.models import Alert

        row = session.get(Alert, failed)
        assert row is not None
        row.status, row.last_error = "echec", "Firebase injoignable"
    window = desk(services, chef)
    history = open_in_history(qtbot, window, failed)
    actions = history.alert_actions
    assert actions.resend_button.isEnabled()
    assert not actions.replace_button.isEnabled()
    assert "n'a pas été remise" in actions.replace_button.toolTip()
    actions.resend_button.click()
    qtbot.waitUntil(lambda: status_of(services, failed) == "envoyee", timeout=WAIT)
    assert "remise dans la file d'envoi" in history.message.text()


def test_replace_through_fcm(
    qtbot: QtBot,
    desk: Desk,
    sqlite_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    with FcmTestServer() as server:
        monkeypatch.setenv(
            "STOPCAMB_FCM_CREDENTIALS", str(server.write_service_account(tmp_path / "sa.json"))
        )
        monkeypatch.setenv("STOPCAMB_FCM_ENDPOINT", server.base_url)
        services = open_services(replace(load_settings(), database_url=sqlite_url))
        try:
            chef = add_operator(services.db, "chef74", Role.CHEF_DE_QUART, ("74",))
            first = delivered(services, chef)
            window = desk(services, chef)
            history = open_in_history(qtbot, window, first)
            history.alert_actions.replace_button.click()
            composer: Any = window.composer()
            qtbot.waitUntil(lambda: composer.replacement_banner.isVisible(), timeout=WAIT)
            composer.editor.selectAll()
            composer.editor.insertPlainText(CORRECTION)  # typed over the selection
            send_from_composer(qtbot, composer)
            qtbot.waitUntil(lambda: len(server.accepted) == 2, timeout=WAIT)
            qtbot.waitUntil(lambda: status_of(services, first) == "remplacee", timeout=WAIT)
        finally:
            services.close()
    before, after = server.accepted
    assert after["notification"]["body"] == CORRECTION
    assert after["android"]["notification"]["tag"] == before["android"]["notification"]["tag"]
    apns = "apns-collapse-id"
    assert after["apns"]["headers"][apns] == before["apns"]["headers"][apns] == "stopcamb_dep_74"
    assert after["data"]["replaces"] == str(first)
    assert server.invalid == []
