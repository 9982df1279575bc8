"""Every screen at 1280×800 and 1366×768: no label, button, combo, read-only field, table or
list cell narrower than its text, no map title or legend row cut.

Each view of each role is rendered in the real main window with the desk's theme; a visible
QLabel, QAbstractButton, QComboBox or read-only QLineEdit fails the test when it is narrower
than the width its text needs, or when part of it is hidden by a parent (the edge of a scroll
area, a splitter, the window). Elided text is accepted only where it does not matter (a
database path). A visible table or list fails when it needs a horizontal scroll bar, or when a
column is narrower than its heading or a cell (a wrapped column: when a row is too low for a
cell's lines); only long free text, whole in a detail pane beside, is cut on purpose. The map
sheet (Carte, Tableau national) fails when its title, subtitle, source or a legend row does
not come back whole from the lines the painter draws, or these lines do not fit their room.

The composer, at 1366×768 (a common CORG screen) and 1920×1080 with the banner of a colleague's
send shown, fails when the text box, its gauge, « Envoyer… », a rule of the checklist, the
verdict or a phone preview needs scrolling to be seen.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from composer_desk import Desk
from outbox_fixtures import MEYTHET, draft, sendable
from PySide6.QtCore import QModelIndex, QPoint, QRect, QSize, Qt
from PySide6.QtGui import QFontMetricsF
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QApplication,
    QComboBox,
    QLabel,
    QLineEdit,
    QListView,
    QStyle,
    QStyleOptionComboBox,
    QStyleOptionFrame,
    QStyleOptionViewItem,
    QTableView,
    QWidget,
)
from pytestqt.qtbot import QtBot

from stopcamb_desk.domain.demo import DEMO_ACCOUNTS
from stopcamb_desk.domain.roles import Role
from stopcamb_desk.ui.composer.view import ComposerView
from stopcamb_desk.ui.elided import ElidedLabel
from stopcamb_desk.ui.login import LoginDialog
from stopcamb_desk.ui.map.canvas import MapCanvas
from stopcamb_desk.ui.map.texts import TextLines
from stopcamb_desk.ui.theme import apply_theme
from stopcamb_desk.ui.views import VIEW_KEYS

SIZES = ((1280, 800), (1366, 768))
ROLES = ("admin", "opp34", "chef74")
# Shortened on purpose: the end of a long path says enough, the tooltip has it whole.
ELISION_ALLOWED = {"databaseLabel"}
# Free text cut on purpose (table, column heading): the row's detail pane shows it whole.
CUT_COLUMNS_ALLOWED = {("historyTable", "Texte"), ("surLesTelephones", "Alerte")}
WITH_TEXT = QLabel | QAbstractButton | QComboBox | QLineEdit
LINE_EDIT_PADDING = 2  # pixels QLineEdit keeps on each side of its text (qlineedit_p.h)
ROWS_CHECKED = 1000  # as many as Qt measures to size a column to its contents


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
    if isinstance(widget, QLineEdit) and widget.isReadOnly() and widget.text():
        option = QStyleOptionFrame()
        widget.initStyleOption(option)
        margins = widget.textMargins()
        text = QSize(
            widget.fontMetrics().horizontalAdvance(widget.text())
            + margins.left()
            + margins.right()
            + 2 * LINE_EDIT_PADDING,
            widget.fontMetrics().height(),
        )
        style = widget.style()
        return style.sizeFromContents(QStyle.ContentsType.CT_LineEdit, option, text, widget).width()
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
        if not widget.isVisible() or not isinstance(widget, WITH_TEXT):
            continue
        needed = _needed_width(widget)
        shown = min(widget.width(), _shown_width(widget, window))
        if needed and shown + 1 < needed:
            text = widget.currentText() if isinstance(widget, QComboBox) else widget.text()
            name = widget.objectName() or type(widget).__name__
            problems.append(f"{name} « {text[:60]} » : {shown} px sur {needed}")
    return problems


def _cell_needs(table: QTableView, index: QModelIndex) -> QSize:
    """The size the cell's text needs in its column: one line, or its lines when wrapped."""
    option = QStyleOptionViewItem()
    table.initViewItemOption(option)
    option.rect = QRect(0, 0, table.columnWidth(index.column()), table.rowHeight(index.row()))
    return table.itemDelegateForIndex(index).sizeHint(option, index)


def _cut_columns(table: QTableView) -> list[str]:
    """Columns narrower than their heading or a cell; rows too low for a cell's lines."""
    name = table.objectName() or type(table).__name__
    model, header = table.model(), table.horizontalHeader()
    grid = 1 if table.showGrid() else 0
    problems: list[str] = []
    for column in range(model.columnCount()):
        heading = str(model.headerData(column, Qt.Orientation.Horizontal) or column + 1)
        if table.isColumnHidden(column) or (name, heading) in CUT_COLUMNS_ALLOWED:
            continue
        room = table.viewport().width() - header.sectionViewportPosition(column)
        shown = min(header.sectionSize(column), room) - grid
        needed = header.sectionSizeHint(column) - grid if not header.isHidden() else 0
        low = 0
        for row in range(min(model.rowCount(), ROWS_CHECKED)):
            cell = _cell_needs(table, model.index(row, column))
            needed = max(needed, cell.width())
            low += cell.height() > table.rowHeight(row) + 1
        if shown + 1 < needed:
            problems.append(f"{name} colonne « {heading} » : {shown} px sur {needed}")
        if low:
            problems.append(f"{name} colonne « {heading} » : {low} ligne(s) trop basse(s)")
    return problems


def _cut_items(listing: QListView) -> list[str]:
    """Items of a list that does not wrap, wider than the list."""
    if listing.wordWrap():
        return []
    name = listing.objectName() or type(listing).__name__
    model, room = listing.model(), listing.viewport().width()
    problems: list[str] = []
    for row in range(model.rowCount()):
        index = model.index(row, listing.modelColumn())
        needed = listing.visualRect(index).left() + listing.sizeHintForIndex(index).width()
        if listing.isRowHidden(row) or needed <= room + 1:
            continue
        problems.append(f"{name} « {str(index.data())[:60]} » : {room} px sur {needed}")
    return problems


def cut_cells(window: QWidget) -> list[str]:
    """« what — its width / what it needs » for each table or list whose text does not fit."""
    problems: list[str] = []
    for view in window.findChildren(QAbstractItemView):
        if not view.isVisible() or view.model() is None:
            continue
        if view.horizontalScrollBar().isVisible():
            name = view.objectName() or type(view).__name__
            problems.append(f"{name} : barre de défilement horizontale")
        if isinstance(view, QTableView):
            problems += _cut_columns(view)
        elif isinstance(view, QListView):
            problems += _cut_items(view)
    return problems


def _cut_lines(what: str, text: TextLines, room: float) -> list[str]:
    """``text`` is cut when its lines do not give it back whole, or one is wider than ``room``."""
    problems = []
    if "".join(text.lines).replace(" ", "") != text.text.replace(" ", ""):
        problems.append(f"{what} « {text.text[:60]} » coupé : {text.lines}")
    metrics = QFontMetricsF(text.font)
    for line in text.lines:
        if metrics.horizontalAdvance(line) > min(room, text.width) + 0.5:
            problems.append(f"{what} « {line[:60]} » : plus large que ses {room:.0f} px")
    return problems


def cut_map_texts(window: QWidget) -> list[str]:
    """Title, subtitle, source or legend row of a shown map not whole in the room it has."""
    problems: list[str] = []
    for canvas in window.findChildren(MapCanvas):
        if not canvas.isVisible():
            continue
        composition = canvas.composition()
        if composition is None:
            problems.append("carte non préparée")
            continue
        sheet, texts, legend = composition.sheet, composition.texts, composition.legend
        problems += _cut_lines("titre", texts.title, sheet.title.width())
        problems += _cut_lines("sous-titre", texts.subtitle, sheet.title.width())
        problems += _cut_lines("source", texts.source, sheet.footer.width())
        for placed in legend.rows:
            room = sheet.legend.width() - placed.indent
            problems += _cut_lines("légende", placed.text, room)
        for what, rect, needed in (
            ("titre et sous-titre", sheet.title, texts.heading_height),
            ("source", sheet.footer, texts.source.height),
            ("légende", sheet.legend, legend.height),
        ):
            if rect.height() + 0.5 < needed:
                problems.append(f"{what} : {rect.height():.0f} px de haut sur {needed:.0f}")
        for frame in sheet.frames:
            if frame.rect.intersects(sheet.legend):
                problems.append(f"légende sous le cadre « {frame.caption or frame.key} »")
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
            problems += [f"{login} / {key} : {p}" for p in cut_cells(window)]
            problems += [f"{login} / {key} : {p}" for p in cut_map_texts(window)]
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
    assert cut_cells(window) == []


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
    assert cut_cells(dialog) == []
    assert dialog.demo_box is not None
    table = dialog.demo_box.table
    for row, account in enumerate(DEMO_ACCOUNTS):
        rect = table.visualRect(table.model().index(row, 0))
        assert table.viewport().rect().contains(rect), account.login
        bottom = table.viewport().mapTo(dialog, rect.bottomLeft()).y()
        assert bottom < dialog.height(), account.login


def _out_of_sight(composer: ComposerView) -> list[str]:
    """The composer's widgets an officer must see at once, when part of one needs scrolling
    (outside the scroll area's viewport) or lies beyond the window."""
    viewport = composer.page_scroll.viewport()
    window = composer.window()
    wanted: list[tuple[str, QWidget]] = [
        ("texte", composer.editor),
        ("jauge", composer.gauge.label),
        ("barre de la jauge", composer.gauge.bar),
        ("Envoyer…", composer.send_bar.button),
        ("verdict", composer.send_bar.reason),
        ("à corriger", composer.checklist.problems),
        ("procédure", composer.attestation),
    ]
    for rule_id, item in composer.checklist.items.items():
        wanted += [(f"règle {rule_id}", item.symbol), (f"règle {rule_id} (titre)", item.title)]
    for key, banner in composer.preview.banners.items():
        wanted += [(f"aperçu {key}", banner.card), (f"aperçu {key} (légende)", banner.caption)]
    problems = []
    for name, widget in wanted:
        if not widget.isVisible():
            problems.append(f"{name} : masqué")
            continue
        in_view = QRect(widget.mapTo(viewport, QPoint(0, 0)), widget.size())
        in_window = QRect(widget.mapTo(window, QPoint(0, 0)), widget.size())
        if not viewport.rect().contains(in_view) or not window.rect().contains(in_window):
            problems.append(f"{name} : {in_view.getRect()} hors de {viewport.rect().getRect()}")
    return problems


@pytest.mark.parametrize("size", ((1366, 768), (1920, 1080)), ids=lambda s: f"{s[0]}x{s[1]}")
def test_the_composer_shows_text_gauge_checklist_previews_and_send_without_scrolling(
    qtbot: QtBot, desk: Desk, themed: None, size: tuple[int, int]
) -> None:
    window = desk.window(qtbot, "chef74")
    window.resize(*size)
    colleague = desk.services.accounts.create(
        "chef74b", "mot-de-passe-b", Role.CHEF_DE_QUART, ("74",), nom="MDL Blanc (CORG 74)"
    )
    outbox = desk.services.outbox
    assert outbox is not None
    sent = outbox.enqueue(colleague, *sendable(colleague, draft("74")))
    assert outbox.deliver(sent) is not None
    banner = window.notices
    qtbot.waitUntil(lambda: banner.current is not None and banner.current.alert_id == sent)
    assert banner.isVisible()

    composer = window.composer()
    composer.set_text(MEYTHET)  # no procedure yet: blocked, and the checklist says why
    QApplication.processEvents()
    assert composer.checklist.problems_text() and not composer.send_bar.button.isEnabled()
    assert window.size() == QSize(*size)
    assert composer.page_scroll.verticalScrollBar().maximum() == 0
    assert _out_of_sight(composer) == []
    assert clipped(window) == []
