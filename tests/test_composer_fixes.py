"""The checklist's one-click fixes and the « lieu » confirmation, driven like an operator."""

from __future__ import annotations

from composer_desk import Desk, fill_attestation, replace_text, type_text
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot
from ui_helpers import type_keys

from stopcamb_desk.domain.roles import Role
from stopcamb_desk.ui.composer.view import ComposerView
from stopcamb_desk.ui.context import ShellContext
from stopcamb_desk.ui.errors import ErrorHandler
from stopcamb_desk.ui.tasks import ImmediateTaskRunner

LODEVE = "Série de cambriolages dans les commerces de Lodève cette nuit : fermez vos rideaux."


def _click_fix(qtbot: QtBot, view: ComposerView, label: str) -> None:
    [button] = [b for b in view.checklist.fix_buttons if label in b.text()]
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def test_removing_a_victims_street_number_in_one_click(qtbot: QtBot, desk: Desk) -> None:
    view = desk.composer(qtbot)
    fill_attestation(qtbot, view)
    type_text(qtbot, view, "Cambriolage au 3 impasse des Oliviers à Annecy cette nuit.")
    assert view.send_bar.blocked and view.checklist.state_of("identification") == "✗"
    _click_fix(qtbot, view, "Retirer le numéro")
    assert view.text() == "Cambriolage impasse des Oliviers à Annecy cette nuit."
    assert view.checklist.state_of("identification") == "✓" and not view.send_bar.blocked
    qtbot.keyClick(view.editor, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert view.text() == "Cambriolage au 3 impasse des Oliviers à Annecy cette nuit."


def test_a_shop_named_by_its_sign_becomes_a_kind_of_shop(qtbot: QtBot, desk: Desk) -> None:
    view = desk.composer(qtbot)
    type_text(qtbot, view, "Vol dans le bar Le Central à Seynod cette nuit.")
    _click_fix(qtbot, view, "un bar")
    assert view.text() == "Vol dans un bar à Seynod cette nuit."


def test_a_suspect_description_turns_into_a_witness_appeal(qtbot: QtBot, desk: Desk) -> None:
    view = desk.composer(qtbot)
    fill_attestation(qtbot, view)
    type_text(qtbot, view, "Cambriolage à Annecy cette nuit : fuite en Peugeot 308 grise.")
    assert view.send_bar.blocked
    _click_fix(qtbot, view, "appel à témoins")
    assert view.text().startswith("Appel à témoins : Cambriolage à Annecy")
    assert view.attestation.parquet_enabled.isChecked()
    qtbot.waitUntil(view.attestation.parquet_ref.hasFocus)
    type_keys(qtbot, view.attestation.parquet_ref, "PQ-2025-118")
    assert view.checklist.state_of("identification") == "✓" and not view.send_bar.blocked


def test_a_commune_of_another_departement_blocks_until_confirmed(qtbot: QtBot, desk: Desk) -> None:
    view = desk.composer(qtbot)
    fill_attestation(qtbot, view)
    type_text(qtbot, view, LODEVE)
    assert view.send_bar.blocked and view.checklist.state_of("lieu") == "✗"
    assert "Hérault (34)" in view.send_bar.reason.text()
    assert not [b for b in view.checklist.fix_buttons if "Hérault" in b.text()]  # not theirs
    assert view.checklist.place_confirm.isVisible()
    qtbot.mouseClick(view.checklist.place_confirm, Qt.MouseButton.LeftButton)
    assert view.checklist.state_of("lieu") == "!" and not view.send_bar.blocked
    assert view.draft().place_confirmed
    # another commune elsewhere: the confirmation given for Lodève does not cover it
    replace_text(qtbot, view, LODEVE.replace("Lodève", "Montpellier"))
    assert not view.checklist.place_confirm.isChecked()
    assert view.send_bar.blocked and view.checklist.state_of("lieu") == "✗"


def test_switching_to_the_communes_departement_in_one_click(qtbot: QtBot, desk: Desk) -> None:
    desk.services.accounts.create(
        "chef7434", "mot-de-passe-7434", Role.CHEF_DE_QUART, ("74", "34"), "Adj. Roux"
    )
    principal = desk.services.accounts.authenticate("chef7434", "mot-de-passe-7434")
    errors = ErrorHandler(desk.presenter)
    ctx = ShellContext(desk.settings, desk.services, principal, ImmediateTaskRunner(), errors)
    view = ComposerView(ctx)
    qtbot.addWidget(view)
    view.show()
    view.departement.setCurrentIndex(view.departement.findData("74"))
    type_text(qtbot, view, LODEVE)
    _click_fix(qtbot, view, "Envoyer en Hérault (34)")
    assert view.current_departement() is not None
    assert view.current_departement().code == "34"  # type: ignore[union-attr]
    assert view.checklist.state_of("lieu") == "✓"
