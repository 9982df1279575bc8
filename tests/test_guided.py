"""« Rédaction guidée »: the form writes lawful texts; the composer inserts them (real widgets)."""

from __future__ import annotations

import itertools

from composer_desk import Desk
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot
from ui_helpers import type_keys

from stopcamb_desk.geo.places import ReferencePlaceFinder
from stopcamb_desk.services.composer import Draft, check_draft
from stopcamb_desk.services.guided import (
    ADVICE,
    MOMENTS,
    OFFENCES,
    PREMISES,
    QUANTITIES,
    GuidedForm,
    commune_choices,
    compose,
)

SEED = (
    "MEYTHET, nombreux cambriolages dans les maisons, en fin de journée : prenez vos "
    "précautions et soyez vigilants, faites passer l'info !"
)


def test_the_default_choices_write_the_doctrine_example() -> None:
    assert compose(GuidedForm("Meythet")).text == SEED


def test_every_choice_writes_a_text_the_checker_accepts() -> None:
    finder = ReferencePlaceFinder(prefer_departements=["74"])
    communes = ["Saint-Julien-en-Genevois", "Reignier-Ésery", "Chamonix-Mont-Blanc", "Rumilly", ""]
    combos = itertools.product(OFFENCES, PREMISES, ADVICE)
    for k, (offence, premises, advice) in enumerate(combos):
        form = GuidedForm(
            communes[k % len(communes)],
            offence.id,
            QUANTITIES[k % len(QUANTITIES)].id,
            premises.id,
            MOMENTS[k % len(MOMENTS)].id,
            advice.id,
        )
        written = compose(form)
        verdict = check_draft(Draft(written.text, departement="74"), finder, text_only=True)
        assert written.fits and written.length <= 160, written.text
        assert verdict.sendable, (written.text, [f.message for f in verdict.blocking])


def test_long_choices_fall_back_to_shorter_phrases() -> None:
    form = GuidedForm(
        "Saint-Julien-en-Genevois", "tentatives", "nombreux", "secondaires", "semaine"
    )
    written = compose(form)
    assert written.fits
    assert written.text.startswith("SAINT-JULIEN-EN-GENEVOIS, nombreuses tentatives de cambriolage")


def test_communes_are_proposed_within_the_target_departement() -> None:
    names = [c.nom for c in commune_choices("Mey", "74")]
    assert "Meythet" in names
    assert not commune_choices("Lodè", "74")
    assert [c.nom for c in commune_choices("Lodè", "34")] == ["Lodève"]


def test_the_guided_form_fills_the_editor_with_a_lawful_text(qtbot: QtBot, desk: Desk) -> None:
    view = desk.composer(qtbot)
    qtbot.mouseClick(view.guided_button, Qt.MouseButton.LeftButton)
    dialog = view.guided
    assert dialog is not None and dialog.isVisible()
    dialog.commune.setFocus()
    type_keys(qtbot, dialog.commune, "Rumi")
    popup = dialog.completer.popup()
    qtbot.waitUntil(popup.isVisible)
    assert dialog.completer.model().data(dialog.completer.model().index(0, 0)) == "Rumilly (74)"
    qtbot.keyClick(popup, Qt.Key.Key_Down)
    qtbot.keyClick(popup, Qt.Key.Key_Return)
    assert dialog.commune.text() == "Rumilly"
    dialog.offence.setCurrentIndex(dialog.offence.findData("tentatives"))
    dialog.premises.setCurrentIndex(dialog.premises.findData("commerces"))
    dialog.moment.setCurrentIndex(dialog.moment.findData("nuit"))
    dialog.advice.setCurrentIndex(dialog.advice.findData("commercants"))
    expected = (
        "RUMILLY, nombreuses tentatives de cambriolage dans les commerces, cette nuit : "
        "commerçants, vérifiez vos fermetures et votre alarme."
    )
    assert dialog.preview.text() == expected
    assert dialog.status.text().startswith("✓") and dialog.insert_button.isEnabled()
    qtbot.mouseClick(dialog.insert_button, Qt.MouseButton.LeftButton)
    assert view.text() == expected and view.guided is None
    assert view.checklist.state_of("fait_avere") == "✓"
    assert view.checklist.state_of("lieu") == "✓"
    # the operator edits on: the checker keeps running
    view.editor.setFocus()
    type_keys(qtbot, view.editor, " Des voleurs opéreraient encore.")
    assert view.checklist.state_of("soupcon") == "✗"


def test_the_guided_form_is_for_operational_alerts_only(qtbot: QtBot, desk: Desk) -> None:
    view = desk.composer(qtbot, "opp34")
    assert not view.guided_button.isEnabled()
