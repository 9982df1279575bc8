"""The composer driven like an operator: typing, fixing, choosing, confirming (real widgets)."""

from __future__ import annotations

import json

from composer_desk import Desk, fill_attestation, replace_text, type_text
from PySide6.QtCore import Qt
from PySide6.QtGui import QStandardItemModel
from pytestqt.qtbot import QtBot

from stopcamb_desk.domain.rules.charset import sms_info
from stopcamb_desk.domain.rules.model import GaugeLevel, MessageKind
from stopcamb_desk.services.composer_model import WAITING_FOR_TEXT
from stopcamb_desk.ui.composer.view import PLACEHOLDERS
from stopcamb_desk.ui.preview.layout import ANDROID_COLLAPSED

FORBIDDEN = "Attention : véhicule ou personnes suspectes en repérage dans les zones artisanales..."
SEED = (
    "MEYTHET, nombreux cambriolages dans les maisons, en fin de journée : prenez vos "
    "précautions et soyez vigilants, faites passer l'info !"
)


def test_typing_the_forbidden_seed_text_disables_sending_and_says_why(
    qtbot: QtBot, desk: Desk
) -> None:
    view = desk.composer(qtbot)
    fill_attestation(qtbot, view)
    type_text(qtbot, view, FORBIDDEN)

    assert view.text() == FORBIDDEN
    assert not view.send_bar.button.isEnabled()
    reason = view.send_bar.reason.text()
    assert reason.startswith("Envoi impossible : ")
    assert "suspectes" in reason and "soupçon" in reason
    assert view.checklist.state_of("soupcon") == "✗"
    assert "« suspectes »" in view.checklist.problems_text()

    # The word is underlined as blocking and explained on hover.
    start = FORBIDDEN.index("suspectes")
    underlined = {FORBIDDEN[f.start : f.end] for f in view.editor.findings}
    assert {"suspectes", "repérage"} <= underlined
    tooltip = view.editor.tooltip_at(start + 3)
    assert tooltip is not None and "Bloquant" in tooltip and "soupçon" in tooltip
    assert view.editor.tooltip_at(0) is None
    selections = view.editor.extraSelections()
    assert any(s.cursor.selectedText() == "suspectes" for s in selections)

    # Ctrl+Entrée does not open the confirmation of a blocked text.
    qtbot.keyClick(view.editor, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert view.confirmation is None
    assert desk.sent == []


def test_the_hover_tooltip_follows_the_mouse_position(qtbot: QtBot, desk: Desk) -> None:
    view = desk.composer(qtbot)
    type_text(qtbot, view, FORBIDDEN)
    start = FORBIDDEN.index("suspectes")
    cursor = view.editor.textCursor()
    cursor.setPosition(start + 4)
    rect = view.editor.cursorRect(cursor)
    assert view.editor.position_at(rect.center()) in range(start, start + len("suspectes"))


def test_fixing_the_text_and_the_attestation_enables_sending(qtbot: QtBot, desk: Desk) -> None:
    view = desk.composer(qtbot)
    type_text(qtbot, view, FORBIDDEN)
    assert not view.send_bar.button.isEnabled()

    replace_text(qtbot, view, SEED)
    assert view.checklist.state_of("soupcon") == "✓"
    # Still blocked: no established offence recorded yet, and the screen says so.
    assert not view.send_bar.button.isEnabled()
    assert "procédure" in view.send_bar.reason.text()
    assert view.checklist.state_of("attestation") == "✗"

    fill_attestation(qtbot, view)
    assert view.send_bar.button.isEnabled()
    assert view.send_bar.reason.text().startswith("✓ Prêt à envoyer")
    assert view.checklist.state_of("attestation") == "✓"


def test_a_chef_de_quart_only_picks_their_departement_and_not_the_national_kind(
    qtbot: QtBot, desk: Desk
) -> None:
    view = desk.composer(qtbot, "chef74")
    items = [view.departement.itemText(i) for i in range(view.departement.count())]
    assert items == ["74 — Haute-Savoie"]

    model = view.kind.model()
    assert isinstance(model, QStandardItemModel)
    prevention = view.kind.findData(str(MessageKind.PREVENTION))
    assert prevention >= 0
    assert not model.item(prevention).isEnabled()
    view.kind.setFocus()
    qtbot.keyClick(view.kind, Qt.Key.Key_Down)
    qtbot.keyClick(view.kind, Qt.Key.Key_End)
    assert view.current_kind() is MessageKind.OPERATIONNEL
    assert view.draft().departement == "74"


def test_the_opp_national_sends_prevention_to_the_whole_country(qtbot: QtBot, desk: Desk) -> None:
    view = desk.composer(qtbot, "opp34")
    assert view.current_kind() is MessageKind.PREVENTION
    assert view.departement.currentText() == "National (tous départements)"
    assert not view.departement.isEnabled()
    assert not view.attestation.isEnabled()
    type_text(qtbot, view, "Vacances : pensez à l'opération tranquillité vacances, inscrivez-vous.")
    assert view.send_bar.button.isEnabled(), view.send_bar.reason.text()
    lock = view.preview.banners["ios_lock"].fit
    assert lock.title.lines[0].startswith("Gendarmerie")


def test_gauge_shows_161_over_160_and_blocks(qtbot: QtBot, desk: Desk) -> None:
    view = desk.composer(qtbot)
    fill_attestation(qtbot, view)
    text = (SEED + " Fermez bien portes et fenêtres.")[:161]
    assert len(text) == 161
    type_text(qtbot, view, text)
    assert view.gauge.label.text() == "161 / 160"
    assert view.gauge.level is GaugeLevel.DEPASSE
    assert not view.send_bar.button.isEnabled()
    assert "161 caractères" in view.send_bar.reason.text()
    assert view.checklist.state_of("longueur") == "✗"

    qtbot.keyClick(view.editor, Qt.Key.Key_Backspace)
    assert view.gauge.label.text() == "160 / 160"
    assert view.gauge.level is GaugeLevel.PROCHE
    assert view.send_bar.button.isEnabled(), view.send_bar.reason.text()


def test_preview_follows_typing_marks_the_cut_and_shows_the_exercise_prefix(
    qtbot: QtBot, desk: Desk
) -> None:
    view = desk.composer(qtbot)
    collapsed = view.preview.banners[ANDROID_COLLAPSED.key]
    type_text(qtbot, view, "Cambriolages à Annecy")
    assert collapsed.fit.body.lines == ("Cambriolages à Annecy",)
    assert "Texte entier visible" in collapsed.caption.text()
    assert collapsed.fit.title.lines == ("Gendarmerie — Haute-Savoie (74)",)

    type_text(qtbot, view, " cette nuit dans les maisons du centre : fermez vos portes.")
    assert collapsed.fit.body.truncated
    assert "Coupé ici" in collapsed.caption.text()
    assert collapsed.fit.body.lines[0].endswith("…")

    view.exercise.setFocus()
    qtbot.keyClick(view.exercise, Qt.Key.Key_Space)
    assert view.exercise_banner.isVisibleTo(view)
    assert collapsed.fit.body.lines[0].startswith("EXERCICE")
    assert view.preview.exercise_badge.isVisibleTo(view)


def test_ctrl_enter_confirmation_restates_departement_kind_text_and_mode(
    qtbot: QtBot, desk: Desk
) -> None:
    view = desk.composer(qtbot)
    fill_attestation(qtbot, view)
    type_text(qtbot, view, SEED)
    qtbot.keyClick(view.editor, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    dialog = view.confirmation
    assert dialog is not None and dialog.isVisible()
    assert dialog.target.text() == "74 — Haute-Savoie"
    assert dialog.kind.text() == "Alerte opérationnelle"
    assert dialog.text.text() == SEED
    assert "SIMULATION" in dialog.mode.text()
    assert dialog.cancel_button.isDefault() and not dialog.send_button.isDefault()
    assert desk.sent == []  # nothing leaves before the explicit confirmation

    qtbot.mouseClick(dialog.send_button, Qt.MouseButton.LeftButton)
    [alert] = desk.sent
    assert (alert.status, alert.departement, alert.text) == (
        "envoi",
        "74",
        SEED,
    )  # claimed at once, handed to the sender
    assert alert.procedure_number == "2024/001234"
    assert json.loads(alert.verdict_json)["sendable"]
    assert "confiée à l'envoi (74 — Haute-Savoie)" in view.status.text()
    assert view.text() == ""


def test_cancelling_the_confirmation_sends_nothing(qtbot: QtBot, desk: Desk) -> None:
    view = desk.composer(qtbot)
    fill_attestation(qtbot, view)
    type_text(qtbot, view, SEED)
    qtbot.mouseClick(view.send_bar.button, Qt.MouseButton.LeftButton)
    dialog = view.confirmation
    assert dialog is not None
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert desk.sent == []
    assert view.text() == SEED


def test_templates_of_the_departement_fill_the_editor(qtbot: QtBot, desk: Desk) -> None:
    view = desk.composer(qtbot)
    names = [view.templates.itemText(i) for i in range(view.templates.count())]
    assert "Cambriolages en fin de journée (74)" in names
    assert not any("Vols par ruse" in n for n in names)  # a template of the Hérault
    assert not any("Vacances d'été" in n for n in names)  # national prevention: the OPP's
    index = names.index("Cambriolages en fin de journée (74)")
    view.templates.setFocus()
    view.templates.setCurrentIndex(index)
    view.templates.activated.emit(index)
    assert view.text() == SEED
    assert view.preview.banners["ios_lock"].fit.body.visible == len(SEED)


def test_everything_is_reachable_from_the_keyboard(qtbot: QtBot, desk: Desk) -> None:
    view = desk.composer(qtbot)
    with qtbot.waitActive(view):
        view.activateWindow()
    # Mnemonics (Alt+letter) reach each field.
    for key, widget in (
        (Qt.Key.Key_D, view.departement),
        (Qt.Key.Key_T, view.editor),
        (Qt.Key.Key_M, view.templates),
        (Qt.Key.Key_P, view.attestation.procedure),
    ):
        qtbot.keyClick(view, key, Qt.KeyboardModifier.AltModifier)
        assert view.focusWidget() is widget, key
    # Tab leaves the editor (no tab character typed in the alert): to « Envoyer… » when it
    # is enabled, else to the attestation.
    view.editor.setFocus()
    qtbot.keyClick(view.editor, Qt.Key.Key_Tab)
    assert view.focusWidget() is view.attestation.procedure
    assert "\t" not in view.text()
    # Ctrl+Entrée from an attestation field opens the confirmation too.
    fill_attestation(qtbot, view)
    view.set_text(SEED)
    view.attestation.numero.setFocus()
    qtbot.keyClick(view.attestation.numero, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert view.confirmation is not None
    view.confirmation.reject()
    view.editor.setFocus()
    qtbot.keyClick(view.editor, Qt.Key.Key_Tab)
    assert view.focusWidget() is view.send_bar.button


def test_confirmed_alert_goes_to_the_durable_outbox(qtbot: QtBot, desk: Desk) -> None:
    outbox, worker = desk.services.outbox, desk.services.outbox_worker
    assert outbox is not None and worker is not None
    worker.idle_poll = 60.0  # only the composer's wake-up can make it send within the test
    desk.services.start_sender()
    qtbot.waitUntil(worker.prepared.is_set)
    view = desk.composer(qtbot)
    fill_attestation(qtbot, view, "PV 2025/77")
    type_text(qtbot, view, SEED)
    view.open_confirmation()
    assert view.confirmation is not None
    qtbot.mouseClick(view.confirmation.send_button, Qt.MouseButton.LeftButton)

    alert_id = view.last_sent_id
    assert alert_id is not None
    assert f"Alerte n° {alert_id} enregistrée" in view.status.text()
    [alert] = desk.sent
    assert (alert.id, alert.departement, alert.text) == (alert_id, "74", SEED)
    assert alert.procedure_number == "PV 2025/77"
    qtbot.waitUntil(lambda: outbox.status(alert_id)[0] == "envoyee", timeout=10_000)
    assert desk.presenter.unexpected == []


# -- what a tired officer read wrong (issue 12) --------------------------------------------------
def test_after_a_send_the_empty_composer_shows_a_hint_not_a_red_refusal(
    qtbot: QtBot, desk: Desk
) -> None:
    view = desk.composer(qtbot)
    assert view.send_bar.reason.text() == WAITING_FOR_TEXT  # nothing typed: nothing is wrong
    assert view.send_bar.reason.property("blocked") == "hint"
    fill_attestation(qtbot, view)
    type_text(qtbot, view, SEED)
    view.open_confirmation()
    assert view.confirmation is not None
    qtbot.mouseClick(view.confirmation.send_button, Qt.MouseButton.LeftButton)
    assert view.status.isVisible() and "enregistrée" in view.status.text()
    assert view.text() == ""
    reason = view.send_bar.reason
    assert not reason.text().startswith("Envoi impossible")
    assert reason.text() == WAITING_FOR_TEXT and reason.property("blocked") == "hint"
    assert not view.send_bar.button.isEnabled()
    assert view.checklist.state_of("vide") == "–" and view.checklist.problems_text() == ""
    type_text(qtbot, view, "x")  # a real refusal is red again
    assert view.send_bar.reason.property("blocked") == "true"


def test_the_sms_line_of_the_checklist_agrees_with_its_detail(qtbot: QtBot, desk: Desk) -> None:
    view = desk.composer(qtbot)
    fill_attestation(qtbot, view)
    type_text(qtbot, view, SEED)
    item = view.checklist.items["gsm7"]
    assert (item.title.text(), view.checklist.state_of("gsm7")) == ("Compatible SMS (GSM-7)", "✓")
    unicode_text = SEED.replace("l'info", "l’info")  # the typographic apostrophe is not GSM-7
    replace_text(qtbot, view, unicode_text)
    info = sms_info(unicode_text)
    assert info.encoding == "UCS-2" and info.segments > 1
    assert item.title.text() == f"SMS : Unicode (UCS-2), {info.segments} SMS"
    assert view.checklist.state_of("gsm7") != "✓"
    assert f"{info.segments} SMS" in item.title.toolTip()
    assert "UCS-2" in item.title.toolTip()


def test_the_refusal_counts_the_other_points_as_the_checklist_lists_them(
    qtbot: QtBot, desk: Desk
) -> None:
    view = desk.composer(qtbot)
    fill_attestation(qtbot, view)
    type_text(qtbot, view, FORBIDDEN)
    listed = [line for line in view.checklist.problems_text().splitlines() if "✗" in line]
    assert len(listed) == 2  # « Pas de soupçon » and « Fait avéré »
    assert view.send_bar.reason.text().endswith("(et 1 autre point bloquant)")


def test_the_opp_composer_suggests_a_national_prevention_example(qtbot: QtBot, desk: Desk) -> None:
    opp = desk.composer(qtbot, "opp34")
    assert opp.editor.placeholderText() == PLACEHOLDERS[MessageKind.PREVENTION]
    assert "tranquillité vacances" in opp.editor.placeholderText()
    chef = desk.composer(qtbot)
    assert "MEYTHET" in chef.editor.placeholderText()
