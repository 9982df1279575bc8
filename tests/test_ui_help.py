"""Help inside the desk: the drafting rules and « Premiers pas », opened where a rule blocks."""

from __future__ import annotations

from composer_desk import Desk, type_text
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from stopcamb_desk.domain.roles import Role
from stopcamb_desk.domain.rules.catalog import RULE_IDS
from stopcamb_desk.services.help import first_steps_markdown, rule_sections, rules_markdown
from stopcamb_desk.ui.help.view import HelpView
from stopcamb_desk.ui.shell import MainWindow

FORBIDDEN = "Attention : véhicule ou personnes suspectes en repérage dans les zones artisanales..."


def _top_line(view: HelpView) -> str:
    """The text of the line at the top of the help page, as the operator sees it."""
    return view.browser.cursorForPosition(QPoint(30, 4)).block().text()


def _help(window: MainWindow) -> HelpView:
    page = window.view("aide")
    assert isinstance(page, HelpView)
    return page


def test_every_rule_of_the_checklist_has_its_section_in_the_shipped_help() -> None:
    sections = rule_sections()
    assert list(sections) == list(RULE_IDS)  # one section per rule, in checklist order
    assert sections["soupcon"].startswith("7. Pas de simple soupçon")
    assert rules_markdown().startswith("# Règles de rédaction")
    for role in Role:
        page = first_steps_markdown(role)
        assert page.startswith("# Premiers pas — ") and len(page.splitlines()) < 60


def test_a_click_on_a_blocking_rule_opens_its_section(qtbot: QtBot, desk: Desk) -> None:
    window = desk.window(qtbot)
    window.resize(1280, 800)
    composer = window.composer()
    type_text(qtbot, composer, FORBIDDEN)
    assert composer.checklist.state_of("soupcon") == "✗"
    title = composer.checklist.items["soupcon"].title
    assert "Clic ou F1" in title.toolTip()
    qtbot.mouseClick(title, Qt.MouseButton.LeftButton)
    assert window.current_view_key() == "aide"
    help_view = _help(window)
    qtbot.waitUntil(lambda: _top_line(help_view).startswith("7. Pas de simple soupçon"))
    assert help_view.topics.currentItem().text().strip() == "7. Pas de simple soupçon"


def test_f1_in_the_composer_opens_the_rule_that_blocks(qtbot: QtBot, desk: Desk) -> None:
    window = desk.window(qtbot)
    window.resize(1280, 800)
    with qtbot.waitActive(window):
        window.activateWindow()
    composer = window.composer()
    type_text(qtbot, composer, "Cambriolages à Annecy <b>cette nuit</b> dans les maisons.")
    assert composer.checklist.state_of("texte_brut") == "✗"
    qtbot.keyClick(QApplication.focusWidget() or window, Qt.Key.Key_F1)
    assert window.current_view_key() == "aide"
    help_view = _help(window)
    qtbot.waitUntil(lambda: _top_line(help_view).startswith("4. Texte brut"))
    # Every rule's section can be reached: its heading is at the top, or on screen at the end.
    for rule_id, section in rule_sections().items():
        help_view.show_topic(rule_id)
        found = help_view.browser.document().find(section)
        top = help_view.browser.cursorRect(found).top()
        bar = help_view.browser.verticalScrollBar()
        assert top < 8 or (bar.value() == bar.maximum() and top < bar.pageStep()), section


def test_each_role_reads_its_own_first_steps_from_the_help_menu(qtbot: QtBot, desk: Desk) -> None:
    expected = {"chef74": "chef de quart", "opp34": "OPP national", "admin": "administrateur"}
    for login, words in expected.items():
        window = desk.window(qtbot, login)
        menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "&Aide")
        actions = {a.text(): a for a in menu.actions()}
        assert {"&Premiers pas", "&Règles de rédaction", "À &propos"} <= set(actions)
        actions["&Premiers pas"].trigger()
        help_view = _help(window)
        assert window.current_view_key() == "aide"
        page = help_view.browser.toPlainText()
        assert page.startswith("Premiers pas — ") and words in page.splitlines()[0]
        actions["&Règles de rédaction"].trigger()
        assert help_view.browser.toPlainText().startswith("Règles de rédaction")
        window.close()
