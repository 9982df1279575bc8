"""« Tableau national » like the OPP uses it: the period's counts per département and day on
the map, the chart and the table, a département picked, the CSV; refused to a chef de quart."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from desk import desk_db
from history_fixtures import T0, add_alert, add_operator
from PySide6.QtCore import QPointF, Qt
from pytestqt.qtbot import QtBot
from ui_helpers import RecordingPresenter, shell_context

from stopcamb_desk.domain.roles import Principal, Role
from stopcamb_desk.models import utcnow
from stopcamb_desk.models.db import Database
from stopcamb_desk.ui.overview.view import OverviewView

ANNECY = (6.1294, 45.8992)
RETRACTION = {"message": {"topic": "dep_34", "data": {"retraction": "1", "replaces": "1"}}}


@pytest.fixture
def db(sqlite_url: str) -> Iterator[Database]:
    database = desk_db(sqlite_url)
    yield database
    database.dispose()


class _Failing(RecordingPresenter):
    """Any error shown to the operator fails the test."""

    def show_expected(self, message: str) -> None:
        raise AssertionError(message)

    def show_unexpected(self, details: str) -> None:
        raise AssertionError(details)


def make_view(qtbot: QtBot, db: Database, principal: Principal) -> OverviewView:
    view = OverviewView(shell_context(db, principal, presenter=_Failing()))
    qtbot.addWidget(view)
    view.resize(1100, 690)
    view.show()
    qtbot.waitExposed(view)
    return view


def days_ago(days: float) -> float:
    """``add_alert(minutes=…)`` for an alert sent ``days`` days before now."""
    return (utcnow() - T0).total_seconds() / 60 - days * 24 * 60


def seed(db: Database) -> None:
    chef = add_operator(db, "chef", Role.CHEF_DE_QUART, ("74", "34", "13"))
    for n, days in enumerate((0.1, 1.1, 2.1)):
        add_alert(db, chef, minutes=days_ago(days), sequence=n + 1, status="remplacee")
    add_alert(db, chef, departement="13", minutes=days_ago(3.1), sequence=1)
    add_alert(db, chef, departement="13", minutes=days_ago(40), sequence=0, status="remplacee")
    mistaken = add_alert(db, chef, departement="34", minutes=days_ago(1.2), status="retiree",
                         sequence=1)  # fmt: skip
    add_alert(db, chef, departement="34", minutes=days_ago(1.1), sequence=2, replaces=mistaken,
              payload=RETRACTION, text="Le message précédent a été retiré.")  # fmt: skip
    add_alert(db, chef, departement="74", minutes=days_ago(0.05), sequence=4)


def test_counts_per_departement_and_day_on_map_chart_and_table(qtbot: QtBot, db: Database) -> None:
    seed(db)
    opp = add_operator(db, "opp34", Role.OPP_NATIONAL)
    view = make_view(qtbot, db, opp)
    activity = view.activity
    assert activity is not None and len(activity.days) == 30  # the last 30 days by default
    assert activity.alerts("74") == 4 and activity.alerts("13") == 1 and activity.alerts("34") == 1
    assert activity.total == 6  # the 40-day-old alert is out, the retraction message too

    # The table: every département, most alerts first, what the phones show.
    model = view.model
    assert model.rowCount() == 101
    assert [model.data(model.index(0, c)) for c in range(2)] == ["74 Haute-Savoie", "4"]
    assert model.data(model.index(0, 2)).startswith("Alerte affichée (")
    assert [model.data(model.index(1, c)) for c in range(2)] == ["13 Bouches-du-Rhône", "1"]
    row_34 = model.row_of("34")
    assert model.data(model.index(row_34, 2)).startswith("Message de retrait affiché (")
    assert model.data(model.index(model.row_of("2A"), 2)) == "Aucune alerte affichée"

    # The map colours the same counts; the chart draws them per day.
    assert view.canvas.scene.alerts("74") == 4 and view.canvas.scene.national
    assert view.canvas.scene.title().startswith("Alertes envoyées par département — du ")
    # The two alerts of the last hours fall today or, just after midnight, yesterday.
    assert sum(activity.row("74").per_day) == 4 and sum(activity.per_day[-2:]) >= 2
    assert view.chart.rows == ["74", "13", "34"]
    assert "6 alertes envoyées" in view.summary.text()
    assert "message de retrait dans 1" in view.summary.text()


def test_a_departement_picked_on_the_map_shows_in_the_chart_and_the_table(
    qtbot: QtBot, db: Database
) -> None:
    seed(db)
    opp = add_operator(db, "opp34", Role.OPP_NATIONAL)
    view = make_view(qtbot, db, opp)
    annecy = view.canvas.to_screen(*ANNECY)
    assert annecy is not None
    qtbot.mouseClick(view.canvas, Qt.MouseButton.LeftButton, pos=annecy.toPoint())
    assert view.selected == "74" and view.chart.code == "74"
    selected = view.table.selectionModel().selectedRows()
    assert [view.model.data(i) for i in selected] == ["74 Haute-Savoie"]
    # The pointer on the chart tells a day's count for the département.
    last_bar = next(c for c in reversed(view.chart.cells) if c.code == "74" and c.count)
    text = view.chart.tooltip_at(last_bar.rect.center())
    assert text is not None and text.startswith("74 — Haute-Savoie, ")
    assert text.endswith("alerte envoyée") or text.endswith("alertes envoyées")


def test_period_and_csv_export(qtbot: QtBot, db: Database, tmp_path: Path) -> None:
    seed(db)
    opp = add_operator(db, "opp34", Role.OPP_NATIONAL)
    view = make_view(qtbot, db, opp)
    view.show_last_days(7)
    assert view.activity is not None and len(view.activity.days) == 7
    first, last = view.period()
    assert (last - first).days == 6
    out = tmp_path / view.default_file_name()
    assert view.export_csv(out) == 101
    lines = out.read_bytes().decode("utf-8-sig").split("\r\n")
    assert lines[0].startswith("Code;Département;Alertes (période);Dont retirées;")
    by_code = {line.split(";")[0]: line.split(";") for line in lines[1:] if line}
    assert by_code["74"][2] == "4"
    assert by_code["34"][-2:] == ["Message de retrait affiché", by_code["34"][-1]]
    assert by_code["34"][3] == "1"  # the withdrawn alert

    view.set_period(last - timedelta(days=400), last)
    assert "366 jours au plus" in view.message.text()


def test_a_chef_de_quart_is_refused_the_national_overview(qtbot: QtBot, db: Database) -> None:
    chef = add_operator(db, "chef74", Role.CHEF_DE_QUART, ("74",))
    view = make_view(qtbot, db, chef)
    assert view.activity is None
    assert view.message.text() == (
        "Le tableau national est réservé à l'OPP du GGD34 et aux administrateurs."
    )


def test_overview_follows_another_desk(qtbot: QtBot, db: Database) -> None:
    admin = add_operator(db, "admin", Role.ADMINISTRATEUR)
    chef = add_operator(db, "chef74", Role.CHEF_DE_QUART, ("74",))
    other_desk = desk_db(db.url)
    view = make_view(qtbot, db, admin)
    try:
        view.activated()
        listener = view.ctx.changes.listener
        assert listener is not None
        qtbot.waitUntil(listener.connected.is_set, timeout=10_000)
        add_alert(other_desk, chef, minutes=days_ago(0.01))
        qtbot.waitUntil(
            lambda: view.activity is not None and view.activity.alerts("74") == 1, timeout=10_000
        )
        assert view.model.data(view.model.index(0, 0)) == "74 Haute-Savoie"
        assert view.canvas.tooltip_at(QPointF(-10, -10)) is None
    finally:
        view.ctx.changes.stop()
        other_desk.dispose()
