"""`make run` driven like an operator: demo database, login, compose, send, watch the phone.

Everything is real: the demo SQLite database and its seeded history, the worker threads, the
outbox sender thread and the SIMULATION gateway journal in the data directory.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot
from ui_helpers import log_in, running_desk, type_keys

from stopcamb_desk.config import load_settings
from stopcamb_desk.domain.rules.model import ProcedureType
from stopcamb_desk.push.simulation import JOURNAL_NAME, SimulationGateway
from stopcamb_desk.ui.app import Desk
from stopcamb_desk.ui.composer.view import ComposerView
from stopcamb_desk.ui.phone.window import PhoneWindow
from stopcamb_desk.ui.shell import MainWindow

FIRST = (
    "MEYTHET, nombreux cambriolages dans les maisons, en fin de journée : prenez vos "
    "précautions et soyez vigilants, faites passer l'info !"
)
SECOND = (
    "SEYNOD, cambriolages de commerces la nuit dernière : vérifiez vos fermetures et votre "
    "alarme, signalez tout fait au 17."
)
WAIT_MS = 20_000


@pytest.fixture
def desk(qtbot: QtBot) -> Iterator[Desk]:
    with running_desk(qtbot, load_settings().with_demo()) as desk:  # what `make run` does
        yield desk


def send_alert(qtbot: QtBot, window: MainWindow, text: str, numero: str) -> int:
    composer = window.composer()
    assert isinstance(composer, ComposerView)
    previous = composer.last_sent_id
    combo = composer.attestation.procedure
    combo.setFocus()
    qtbot.keyClick(combo, Qt.Key.Key_Down)
    assert combo.currentData() == ProcedureType.PLAINTE
    qtbot.keyClicks(composer.attestation.numero, numero)
    composer.editor.setFocus()
    type_keys(qtbot, composer.editor, text)
    assert composer.send_bar.button.isEnabled(), composer.send_bar.reason.text()
    qtbot.keyClick(composer.editor, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    dialog = composer.confirmation
    assert dialog is not None
    assert dialog.mode.text().startswith("SIMULATION")
    qtbot.mouseClick(dialog.send_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(
        lambda: composer.last_sent_id not in (None, previous), timeout=WAIT_MS
    )  # committed to the outbox on the database worker
    assert composer.last_sent_id is not None
    return composer.last_sent_id


def test_send_twice_in_simulation_and_watch_the_phone_replace_the_alert(
    qtbot: QtBot, desk: Desk
) -> None:
    window = log_in(qtbot, desk)
    qtbot.addWidget(window)
    services = desk.flow.services
    assert services is not None and services.outbox is not None
    outbox = services.outbox

    # The demo desk has a past: the phone of 74 shows a seeded alert already.
    button = window.statusBar().phone_button
    assert button is not None
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    phone = window.phone_window
    assert isinstance(phone, PhoneWindow) and phone.isVisible()
    assert phone.current_departement == "74"
    seeded = phone.shown_on("74")
    assert len(seeded) == 1

    first = send_alert(qtbot, window, FIRST, "2026/001234")
    qtbot.waitUntil(lambda: outbox.status(first)[0] == "envoyee", timeout=WAIT_MS)
    qtbot.waitUntil(lambda: phone.shown_on("74") == [str(first)], timeout=WAIT_MS)
    assert any(" ".join(card.card.fit.body.lines).startswith("MEYTHET") for card in phone.cards)

    second = send_alert(qtbot, window, SECOND, "2026/001240")
    qtbot.waitUntil(lambda: outbox.status(second)[0] == "envoyee", timeout=WAIT_MS)
    qtbot.waitUntil(lambda: phone.shown_on("74") == [str(second)], timeout=WAIT_MS)
    assert outbox.status(first)[0] == "remplacee"
    bodies = [" ".join(c.card.fit.body.lines) for c in phone.cards if c.isVisible()]
    assert not any(b.startswith("MEYTHET") for b in bodies)  # only the second one is shown
    assert any(b.startswith("SEYNOD") for b in bodies)
    lines = phone.history_lines()
    assert f"74 · n° {second} — AFFICHÉ en ce moment" in lines[0]
    assert f"74 · n° {first} — remplacé à " in lines[1]
    assert lines[1].split("\n")[0].endswith(f"par n° {second}")
    assert f"n° {seeded[0]} — remplacé à " in "\n".join(lines[2:])

    # What the phone shows is what the journal in the data directory says after a restart.
    journal = SimulationGateway(services.settings.data_dir)
    assert [d.data["alert_id"] for d in journal.displayed("dep_74")] == [str(second)]
    assert (services.settings.data_dir / JOURNAL_NAME).exists()

    # The history lists both, the first one replaced.
    history = window.show_view("historique")
    model = history.model  # type: ignore[attr-defined]
    qtbot.waitUntil(
        lambda: {first, second} <= {model.row_at(i).id for i in range(model.rowCount())},
        timeout=WAIT_MS,
    )
    statuses = {model.row_at(i).id: model.row_at(i).status for i in range(model.rowCount())}
    assert statuses[first] == "remplacee" and statuses[second] == "envoyee"
    phones = history.phones  # type: ignore[attr-defined]
    qtbot.waitUntil(lambda: any(e.alert.id == second for e in phones.entries), timeout=WAIT_MS)
    assert desk.presenter.shown == []  # type: ignore[attr-defined]
