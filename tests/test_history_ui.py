"""The « Historique » view like an operator uses it: scroll, filter, open a detail, watch phones,
see another desk's alert appear, read the audit journal, print the history."""

from __future__ import annotations

from pathlib import Path

import pytest
from desk import desk_db
from history_fixtures import add_alert, add_operator
from PySide6.QtCore import Qt
from ui_helpers import shell_context

from stopcamb_desk.domain.roles import Principal, Role
from stopcamb_desk.models.db import Database
from stopcamb_desk.services import audit
from stopcamb_desk.services.history import HistoryService
from stopcamb_desk.services.history_model import HistoryFilter
from stopcamb_desk.ui.history.printing import history_html, write_pdf
from stopcamb_desk.ui.history.view import HistoryView


def make_view(qtbot, db: Database, principal: Principal) -> HistoryView:  # type: ignore[no-untyped-def]
    view = HistoryView(shell_context(db, principal))
    qtbot.addWidget(view)
    view.resize(1200, 700)
    return view


def test_table_loads_page_by_page_and_filters(qtbot, database: Database) -> None:  # type: ignore[no-untyped-def]
    chef = add_operator(database, "chef74", Role.CHEF_DE_QUART, ("74",))
    for i in range(230):
        add_alert(database, chef, minutes=i, status="echec" if i % 50 == 0 else "remplacee")
    view = make_view(qtbot, database, chef)
    model = view.model
    assert model.rowCount() == 100  # first page only
    assert model.canFetchMore()
    model.fetchMore()
    model.fetchMore()
    assert model.rowCount() == 230 and not model.canFetchMore()
    first = model.index(0, 0)
    assert model.data(model.index(0, 3)) == "Remplacée"
    assert model.data(first, Qt.ItemDataRole.UserRole) == 230  # newest first

    view.status.setCurrentIndex(view.status.findData("echec"))
    assert model.rowCount() == 5
    assert {model.data(model.index(r, 3)) for r in range(5)} == {"Échec"}
    assert model.data(model.index(0, 3), Qt.ItemDataRole.ForegroundRole) is not None


def test_detail_and_phones_panel(qtbot, database: Database) -> None:  # type: ignore[no-untyped-def]
    chef = add_operator(database, "chef74", Role.CHEF_DE_QUART, ("74", "73"))
    first = add_alert(
        database, chef, status="remplacee", sequence=1, text="MEYTHET, cambriolages en soirée"
    )
    head = add_alert(
        database,
        chef,
        minutes=5,
        replaces=first,
        sequence=2,
        text="ANNECY, cambriolages <b>en série</b>",
        attempts=[{"outcome": "transitoire", "http_status": 503, "error": "Indisponible"}],
    )
    view = make_view(qtbot, database, chef)
    # « Sur les téléphones »: the head for 74, nothing for 73.
    table = view.phones.table
    cells = [[table.item(r, c).text() for c in range(3)] for r in range(table.rowCount())]
    assert cells[0][0] == "74" and f"n° {head}" in cells[0][2]
    assert cells[1] == ["73", "—", "Aucune alerte affichée"]

    row = view.model.row_of(first)
    with qtbot.waitSignal(view.detail_shown, timeout=5000):
        view.table.selectRow(row)
    text = view.detail.toPlainText()
    assert "MEYTHET, cambriolages en soirée" in text
    assert f"Remplacée par : n° {head}" in text
    assert "2026/00123" in text  # the attestation of the established offence
    view.show_detail(head)
    text = view.detail.toPlainText()
    assert "<b>en série</b>" in text  # operator text is shown, never interpreted as HTML
    assert "HTTP 503" in text and "Indisponible" in text
    assert "la plus récente de sa chaîne" in text


def test_another_desk_alert_appears_live(qtbot, db_url: str) -> None:  # type: ignore[no-untyped-def]
    desk_a, desk_b = desk_db(db_url), desk_db(db_url)
    try:
        chef = add_operator(desk_a, "chef74", Role.CHEF_DE_QUART, ("74",))
        add_alert(desk_a, chef, text="première")
        view = make_view(qtbot, desk_b, chef)
        assert view.model.rowCount() == 1
        view.activated()  # the shell shows the view: it subscribes to the change bus
        listener = view.ctx.changes.listener
        assert listener is not None
        qtbot.waitUntil(listener.connected.is_set, timeout=10_000)
        new_id = add_alert(desk_a, chef, minutes=1, text="ANNECY, arrivée depuis le poste A")
        qtbot.waitUntil(lambda: view.model.rowCount() == 2, timeout=10_000)
        assert view.model.row_at(0).id == new_id  # type: ignore[union-attr]
        qtbot.waitUntil(lambda: view.phones.entries[0].alert.id == new_id, timeout=10_000)
    finally:
        view.ctx.changes.stop()
        desk_a.dispose()
        desk_b.dispose()


def test_audit_tab_for_administrators_only(qtbot, database: Database) -> None:  # type: ignore[no-untyped-def]
    admin = add_operator(database, "admin", Role.ADMINISTRATEUR)
    chef = add_operator(database, "chef74", Role.CHEF_DE_QUART, ("74",))
    with database.session() as session:
        for i in range(3):
            audit.record(session, "admin", "brigade_modifiee", "brigade", i, {"nom": f"B{i}"})
    assert make_view(qtbot, database, chef).tabs.count() == 1
    view = make_view(qtbot, database, admin)
    assert view.tabs.tabText(1) == "Journal d'audit"
    journal = view.audit_view
    assert journal.model.rowCount() == 3
    assert journal.model.data(journal.model.index(0, 3)) == "Annuaire modifié"
    journal.verify_button.click()
    assert "intègre : 3" in journal.verdict.text()


def test_printable_pdf(qtbot, database: Database, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    opp = add_operator(database, "opp", Role.OPP_NATIONAL)
    add_alert(database, opp, departement=None, kind="prevention", text="Vacances : pensez OTV")
    html, count = history_html(HistoryService(database), opp, HistoryFilter())
    assert count == 1 and "Vacances : pensez OTV" in html
    out = tmp_path / "historique.pdf"
    write_pdf(html, out)
    assert out.read_bytes().startswith(b"%PDF")


@pytest.fixture(autouse=True)
def _no_leftover_threads():  # type: ignore[no-untyped-def]
    import threading

    yield
    leftovers = [t for t in threading.enumerate() if t.name == "stopcamb-sync"]
    for thread in leftovers:
        thread.join(5)
    assert not [t for t in leftovers if t.is_alive()]


def test_the_first_load_sizes_the_short_columns_to_their_content(qtbot, sqlite_url: str) -> None:  # type: ignore[no-untyped-def]
    from stopcamb_desk.ui.history.view import HISTORY_COLUMNS
    from stopcamb_desk.ui.tasks import QtTaskRunner

    db = desk_db(sqlite_url)
    tasks = QtTaskRunner()
    try:
        chef = add_operator(db, "chef74", Role.CHEF_DE_QUART, ("74",))
        for i in range(5):
            add_alert(db, chef, minutes=i * 90, status="remplacee" if i else "envoyee")
        view = HistoryView(shell_context(db, chef, tasks=tasks))
        qtbot.addWidget(view)
        view.resize(1020, 700)
        view.show()
        qtbot.waitUntil(lambda: view.model.rowCount() == 5)  # rows arrive after the first paint
        header = view.table.horizontalHeader()
        for column in range(len(HISTORY_COLUMNS) - 1):
            qtbot.waitUntil(
                lambda column=column: (
                    header.sectionSize(column) >= view.table.sizeHintForColumn(column)
                )
            )
    finally:
        tasks.shutdown()
        db.dispose()
