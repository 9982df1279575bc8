"""Banner preview: where each phone cuts the alert, and how the cut is shown to the operator."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from pytestqt.qtbot import QtBot

from stopcamb_desk.ui.preview.banner import CUT_RED
from stopcamb_desk.ui.preview.layout import (
    ANDROID_COLLAPSED,
    ANDROID_EXPANDED,
    ELLIPSIS,
    IOS_BANNER,
    IOS_LOCK_SCREEN,
    fit_banner,
)
from stopcamb_desk.ui.preview.panel import PreviewPanel

TITLE = "Gendarmerie — Haute-Savoie (74)"
SEED = (
    "MEYTHET, nombreux cambriolages dans les maisons, en fin de journée : prenez vos "
    "précautions et soyez vigilants, faites passer l'info !"
)
TEXT_160 = (
    "Série de cambriolages dans les maisons du quartier des Fins à Annecy cette nuit : "
    "fermez portes et fenêtres, signalez tout fait au 17. Merci de faire suivre ce."
)


def test_texts_have_the_lengths_the_tests_rely_on() -> None:
    assert len(TEXT_160) == 160
    assert len(SEED) == 134


def test_seed_example_fits_the_ios_lock_screen(qapp: object) -> None:
    fit = fit_banner(IOS_LOCK_SCREEN, TITLE, SEED)
    assert not fit.body.truncated
    assert 2 <= len(fit.body.lines) <= 4
    assert " ".join(fit.body.lines) == SEED


def test_android_collapsed_line_cuts_a_160_character_text_after_40_to_49(qapp: object) -> None:
    fit = fit_banner(ANDROID_COLLAPSED, TITLE, TEXT_160)
    assert fit.body.truncated
    assert 40 <= fit.body.visible <= 49
    assert len(fit.body.lines) == 1
    (line,) = fit.body.lines
    assert line.endswith(ELLIPSIS)
    assert line[:-1] == TEXT_160[: fit.body.cut]


def test_android_expanded_shows_the_whole_text(qapp: object) -> None:
    fit = fit_banner(ANDROID_EXPANDED, TITLE, TEXT_160)
    assert not fit.body.truncated
    assert fit.body.visible == 160


def test_ios_top_banner_shows_two_lines_about_80_characters(qapp: object) -> None:
    fit = fit_banner(IOS_BANNER, TITLE, TEXT_160)
    assert fit.body.truncated
    assert len(fit.body.lines) == 2
    assert 60 <= fit.body.visible <= 90
    assert fit.body.lines[-1].endswith(ELLIPSIS)


def test_truncation_is_measured_not_counted(qapp: object) -> None:
    """Wide capitals are cut much earlier than narrow letters of the same count."""
    wide = fit_banner(ANDROID_COLLAPSED, TITLE, "W" * 80)
    narrow = fit_banner(ANDROID_COLLAPSED, TITLE, "i" * 80)
    assert wide.body.visible < narrow.body.visible


def test_panel_marks_the_cut_and_updates_with_the_text(qtbot: QtBot) -> None:
    panel = PreviewPanel()
    qtbot.addWidget(panel)
    panel.resize(900, 700)
    panel.show()
    panel.set_message(TITLE, SEED)
    collapsed = panel.banners[ANDROID_COLLAPSED.key]
    lock = panel.banners[IOS_LOCK_SCREEN.key]
    assert "Coupé ici" in collapsed.caption.text()
    assert f"/ {len(SEED)} caractères visibles" in collapsed.caption.text()
    assert "Texte entier visible" in lock.caption.text()

    panel.set_message(TITLE, "Cambriolages à Annecy.")
    assert "Texte entier visible" in collapsed.caption.text()
    assert collapsed.fit.body.lines == ("Cambriolages à Annecy.",)


def _has_cut_red(image: object) -> bool:
    from PySide6.QtGui import QImage

    assert isinstance(image, QImage)
    red = QColor(CUT_RED)
    for y in range(0, image.height(), 1):
        for x in range(0, image.width(), 2):
            c = image.pixelColor(x, y)
            if abs(c.red() - red.red()) < 30 and c.green() < 40 and c.blue() < 40:
                return True
    return False


def test_the_cut_is_painted_in_red_only_when_the_text_is_cut(qtbot: QtBot) -> None:
    panel = PreviewPanel()
    qtbot.addWidget(panel)
    panel.show()
    panel.set_message(TITLE, "Cambriolages à Annecy.")
    card = panel.banners[ANDROID_COLLAPSED.key].card
    assert not _has_cut_red(card.grab().toImage())
    panel.set_message(TITLE, TEXT_160)
    assert _has_cut_red(card.grab().toImage())


def test_dark_theme_is_reachable_from_the_keyboard(qtbot: QtBot) -> None:
    panel = PreviewPanel()
    qtbot.addWidget(panel)
    panel.show()
    panel.set_message(TITLE, SEED)
    card = panel.banners[IOS_LOCK_SCREEN.key].card
    light = card.grab().toImage().pixelColor(card.width() // 2, card.height() // 2)
    panel.dark_toggle.setFocus()
    qtbot.keyClick(panel.dark_toggle, Qt.Key.Key_Space)
    assert panel.dark
    dark = card.grab().toImage().pixelColor(card.width() // 2, card.height() // 2)
    assert dark.lightness() < light.lightness() - 100
