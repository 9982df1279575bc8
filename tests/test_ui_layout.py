"""Every screen at 1280×800 and 1366×768: no label, button or combo narrower than its text.

Each view of each role is rendered in the real main window with the desk's theme; a visible
QLabel, QAbstractButton or QComboBox fails the test when it is narrower than the width its
text needs, or when part of it is hidden by a parent (the edge of a scroll area, a splitter,
the window). Elided text is accepted only where it does not matter (a database path).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from composer_desk import Desk
from PySide6.QtCore import QSize
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QComboBox,
    QLabel,
    QStyle,
    QStyleOptionComboBox,
    QWidget,
)
from pytestqt.qtbot import QtBot

from stopcamb_desk.domain.demo import DEMO_ACCOUNTS
from stopcamb_desk.ui.elided import ElidedLabel
from stopcamb_desk.ui.login import LoginDialog
from stopcamb_desk.ui.theme import apply_theme
from stopcamb_desk.ui.views import VIEW_KEYS

SIZES = ((1280, 800), (1366, 768))
ROLES = ("admin", "opp34", "chef74")
# Shortened on purpose: the end of a long path says enough, the tooltip has it whole.
ELISION_ALLOWED = {"databaseLabel"}


@pytest.fixture
def themed(qapp: QApplication) -> Iterator[None]:
    """The desk's fonts and style sheet, as operators see them; restored afterwards."""
    font, sheet = qapp.font(), qapp.styleSheet()
    apply_theme(qapp)
    yield
    qapp.setStyleSheet(sheet)
    qapp.setFont(font)


def _needed_width(widget: QWidget) -> int:
    """The width the widget needs to show its whole text (0: nothing to check)."""
    if isinstance(widget, ElidedLabel):
        return 0 if widget.objectName() in ELISION_ALLOWED else QLabel.sizeHint(widget).width()
    if isinstance(widget, QLabel):
        if not widget.text() or widget.wordWrap():
            return widget.minimumSizeHint().width() if widget.text() else 0
        return widget.sizeHint().width()
    if isinstance(widget, QAbstractButton):
        return widget.sizeHint().width() if widget.text() else 0
    if isinstance(widget, QComboBox) and not widget.isEditable():
        option = QStyleOptionComboBox()
        widget.initStyleOption(option)
        metrics = widget.fontMetrics()
        text = QSize(metrics.horizontalAdvance(widget.currentText()), metrics.height())
        if not widget.itemIcon(widget.currentIndex()).isNull():
            text.setWidth(text.width() + widget.iconSize().width() + 4)
        style = widget.style()
        return style.sizeFromContents(QStyle.ContentsType.CT_ComboBox, option, text, widget).width()
    return 0


def _shown_width(widget: QWidget, window: QWidget) -> int:
    """How much of the widget's width its parents leave on screen (scroll areas clip)."""
    left = widget.mapTo(window, widget.rect().topLeft()).x()
    right = left + widget.width()
    parent = widget.parentWidget()
    while parent is not None and parent is not window:
        origin = parent.mapTo(window, parent.rect().topLeft()).x()
        left, right = max(left, origin), min(right, origin + parent.width())
        parent = parent.parentWidget()
    left, right = max(left, 0), min(right, window.width())
    return max(0, right - left)


def clipped(window: QWidget) -> list[str]:
    """« what — its width / what it needs » for each widget whose text does not fit."""
    problems: list[str] = []
    for widget in window.findChildren(QWidget):
        if not widget.isVisible() or not isinstance(widget, QLabel | QAbstractButton | QComboBox):
            continue
        needed = _needed_width(widget)
        shown = min(widget.width(), _shown_width(widget, window))
        if needed and shown + 1 < needed:
            text = widget.currentText() if isinstance(widget, QComboBox) else widget.text()
            name = widget.objectName() or type(widget).__name__
            problems.append(f"{name} « {text[:60]} » : {shown} px sur {needed}")
    return problems


def _views(desk: Desk, qtbot: QtBot, login: str) -> list[str]:
    window = desk.window(qtbot, login)
    keys = list(window.view_keys)
    window.close()
    return keys


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_every_view_of_every_role_shows_its_whole_text(
    qtbot: QtBot, desk: Desk, themed: None, size: tuple[int, int]
) -> None:
    seen: set[str] = set()
    problems: list[str] = []
    for login in ROLES:
        window = desk.window(qtbot, login)
        window.resize(*size)
        for key in window.view_keys:
            window.show_view(key)
            window.resize(*size)
            QApplication.processEvents()
            if window.size() != QSize(*size):
                problems.append(f"{login} / {key} : fenêtre forcée à {window.size().toTuple()}")
            problems += [f"{login} / {key} : {p}" for p in clipped(window)]
            seen.add(key)
        window.close()
    assert seen == set(VIEW_KEYS)
    assert problems == []


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_a_blocked_alert_and_a_brigade_search_show_their_whole_text(
    qtbot: QtBot, desk: Desk, themed: None, size: tuple[int, int]
) -> None:
    window = desk.window(qtbot, "chef74")
    window.resize(*size)
    composer = window.composer()
    composer.set_text(
        "Attention : véhicule suspect en repérage rue des Lilas à Annecy, plaque AB-123-CD, "
        "individus louches"
    )
    QApplication.processEvents()
    assert composer.checklist.problems_text()  # the list of what to correct is shown
    assert clipped(window) == []
    brigades = window.show_view("brigades")
    brigades.find_input.setText("Annecy")  # type: ignore[attr-defined]
    brigades.find_brigade()  # type: ignore[attr-defined]
    QApplication.processEvents()
    assert brigades.results.count() > 0  # type: ignore[attr-defined]
    assert clipped(window) == []


def test_the_login_window_shows_every_demo_account_after_a_wrong_password(
    qtbot: QtBot, themed: None
) -> None:
    dialog = LoginDialog(DEMO_ACCOUNTS)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    assert clipped(dialog) == []
    dialog.show_error(
        "Identifiant ou mot de passe incorrect. Encore 4 essai(s) avant verrouillage."
    )
    QApplication.processEvents()
    assert clipped(dialog) == []
    assert dialog.demo_box is not None
    table = dialog.demo_box.table
    for row, account in enumerate(DEMO_ACCOUNTS):
        rect = table.visualRect(table.model().index(row, 0))
        assert table.viewport().rect().contains(rect), account.login
        bottom = table.viewport().mapTo(dialog, rect.bottomLeft()).y()
        assert bottom < dialog.height(), account.login
