"""The « Carte » view driven like an operator: the département drawn and coloured by what the
phones show, a commune searched, a click answered with the nearest brigade."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from desk import desk_db
from history_fixtures import add_alert, add_operator
from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QColor, QImage, QTextDocumentFragment
from ui_helpers import RecordingPresenter, shell_context

from stopcamb_desk.domain.roles import Principal, Role
from stopcamb_desk.geo.projection import projected_area
from stopcamb_desk.models.db import Database
from stopcamb_desk.services.brigades import BrigadeService
from stopcamb_desk.ui.map import MapView
from stopcamb_desk.ui.map.canvas import ALERT_FILL, NEIGHBOUR_FILL, QUIET_FILL
from stopcamb_desk.ui.tasks import QtTaskRunner

SAMPLE = Path(__file__).with_name("data") / "unites-gendarmerie-exemple.csv"
MEYTHET = (6.09422, 45.91836)  # lon, lat


@pytest.fixture
def db(sqlite_url: str) -> Iterator[Database]:
    database = desk_db(sqlite_url)
    yield database
    database.dispose()


def make_view(qtbot, db: Database, principal: Principal, tasks=None) -> MapView:  # type: ignore[no-untyped-def]
    presenter = RecordingPresenter()
    view = MapView(shell_context(db, principal, tasks=tasks, presenter=presenter))
    view.reported = presenter.shown  # type: ignore[attr-defined]
    qtbot.addWidget(view)
    view.resize(1100, 700)
    view.show()
    qtbot.waitExposed(view)
    view.canvas.fit()
    return view


def pixel(image: QImage, view: MapView, code: str) -> QColor:
    x, y = projected_area("metropole").shapes[code].label_at
    at = view.canvas.world_transform().map(QPointF(x, y)) + QPointF(0, 50)  # below the name
    return image.pixelColor(at.toPoint())


def plain(html: str) -> str:
    """What the operator reads in a rich-text label."""
    return " ".join(QTextDocumentFragment.fromHtml(html).toPlainText().split())


def import_sample(db: Database) -> None:
    admin = Principal(0, "admin", "Admin", Role.ADMINISTRATEUR)
    with SAMPLE.open("rb") as fh:
        BrigadeService(db).import_csv(admin, fh, skip_invalid=True)


def test_outlines_prepared_off_thread_and_the_departement_painted(qtbot, db: Database) -> None:  # type: ignore[no-untyped-def]
    chef = add_operator(db, "chef74", Role.CHEF_DE_QUART, ("74",))
    tasks = QtTaskRunner()  # real worker threads, like the shell
    try:
        view = make_view(qtbot, db, chef, tasks)
        qtbot.waitUntil(lambda: view.canvas.paths is not None, timeout=10_000)
        qtbot.waitUntil(lambda: "74" in view.status.text(), timeout=10_000)
    finally:
        tasks.shutdown()
    view.canvas.fit()
    canvas = view.canvas
    assert canvas.focus_codes == ("74",)
    path = canvas.paths.paths["74"]  # type: ignore[union-attr]
    assert not path.isEmpty()
    # The département fills most of the canvas: it is drawn large, not as a speck of France.
    box = canvas.world_transform().mapRect(path.boundingRect())
    assert box.width() > 0.6 * canvas.width() or box.height() > 0.6 * canvas.height()
    image = canvas.grab().toImage()
    assert pixel(image, view, "74") == QUIET_FILL
    albertville = canvas.to_screen(6.392, 45.676)  # Savoie, the neighbour: in grey
    assert albertville is not None
    assert image.pixelColor(albertville.toPoint()) == NEIGHBOUR_FILL
    assert view.legend.quiet_label.text() == "Aucune alerte affichée"
    assert "74 — Haute-Savoie : aucune alerte affichée" in plain(view.status.text())


def test_fill_shows_an_alert_displayed_on_the_phones(qtbot, db: Database) -> None:  # type: ignore[no-untyped-def]
    chef = add_operator(db, "chef74", Role.CHEF_DE_QUART, ("74",))
    add_alert(db, chef, text="MEYTHET, nombreux cambriolages en fin de journée.")
    view = make_view(qtbot, db, chef)
    image = view.canvas.grab().toImage()
    assert pixel(image, view, "74") == ALERT_FILL
    assert view.legend.alert_label.text().startswith("Alerte affichée sur les téléphones depuis")
    assert "MEYTHET, nombreux cambriolages" in view.status.text()


def test_commune_search_marks_meythet(qtbot, db: Database) -> None:  # type: ignore[no-untyped-def]
    chef = add_operator(db, "chef74", Role.CHEF_DE_QUART, ("74",))
    view = make_view(qtbot, db, chef)
    qtbot.keyClicks(view.search, "meythet")
    qtbot.keyClick(view.search, Qt.Key.Key_Return)
    canvas = view.canvas
    assert canvas.mark is not None and canvas.mark[2] == "Meythet"
    assert "Meythet (74), commune déléguée d'Annecy" in view.message.text()
    at = canvas.to_screen(*MEYTHET)
    assert at is not None
    assert abs(at.x() - canvas.width() / 2) < 2 and abs(at.y() - canvas.height() / 2) < 2
    image = canvas.grab().toImage()
    assert image.pixelColor(at.toPoint()).red() > 150  # the red mark is painted there


def test_unknown_commune_says_what_to_do(qtbot, db: Database) -> None:  # type: ignore[no-untyped-def]
    chef = add_operator(db, "chef74", Role.CHEF_DE_QUART, ("74",))
    view = make_view(qtbot, db, chef)
    qtbot.keyClicks(view.search, "Zzyzx-sur-Rien")
    qtbot.keyClick(view.search, Qt.Key.Key_Return)
    assert view.canvas.mark is None
    assert "Vérifiez l'orthographe" in view.message.text()


def test_click_gives_the_nearest_brigade_and_markers_tell_name_and_phone(
    qtbot, db: Database
) -> None:  # type: ignore[no-untyped-def]
    chef = add_operator(db, "chef74", Role.CHEF_DE_QUART, ("74",))
    import_sample(db)
    view = make_view(qtbot, db, chef)
    canvas = view.canvas
    # Only the brigades of metropolitan France that have coordinates are drawn.
    assert {m.key for m in canvas.markers} >= {"1009101", "1009102", "1008952"}
    assert "1009301" not in {m.key for m in canvas.markers}  # Guyane: another map area
    seynod = canvas.to_screen(6.0880, 45.8860)
    assert seynod is not None
    marker = canvas.marker_at(seynod + QPointF(3, -2))  # the pointer need not be dead centre
    assert marker is not None
    assert (
        marker.tooltip == 'Brigade de proximité de Seynod; accueil "principal"\nTél. 04 50 00 00 02'
    )

    at = canvas.to_screen(6.080, 45.880)  # a house south-west of Seynod
    assert at is not None
    with qtbot.waitSignal(view.nearest_shown, timeout=5000):
        qtbot.mouseClick(canvas, Qt.MouseButton.LeftButton, pos=at.toPoint())
    text = view.nearest_label.toPlainText()
    assert text.index("Seynod") < text.index("Ensuite")
    assert "04 50 00 00 02" in text and "74 — Haute-Savoie" in text and "km à vol d'oiseau" in text
    assert canvas.nearest_key == "1009102"


def test_keyboard_zoom_and_pick_at_the_centre(qtbot, db: Database) -> None:  # type: ignore[no-untyped-def]
    chef = add_operator(db, "chef74", Role.CHEF_DE_QUART, ("74",))
    view = make_view(qtbot, db, chef)
    canvas = view.canvas
    canvas.setFocus()
    before = canvas.scale
    qtbot.keyClick(canvas, Qt.Key.Key_Plus)
    assert canvas.scale > before
    qtbot.keyClick(canvas, Qt.Key.Key_Minus)
    qtbot.keyClick(canvas, Qt.Key.Key_Minus)
    assert canvas.scale < before
    qtbot.keyClick(canvas, Qt.Key.Key_0)
    assert canvas.scale == pytest.approx(before)
    with qtbot.waitSignal(view.nearest_shown, timeout=5000):
        qtbot.keyClick(canvas, Qt.Key.Key_Return)
    # No brigade imported: the panel says so and who can fix it.
    assert "un administrateur doit importer" in view.nearest_label.toPlainText()


def test_national_view_shows_metropolitan_france_and_offers_overseas(qtbot, db: Database) -> None:  # type: ignore[no-untyped-def]
    opp = add_operator(db, "opp34", Role.OPP_NATIONAL)
    view = make_view(qtbot, db, opp)
    assert view.zone.currentText() == "France métropolitaine"
    assert len(view.canvas.focus_codes) == 96
    index = view.zone.findData("971")
    assert index > 0 and "outre-mer" in view.zone.itemText(index)
    with qtbot.waitSignal(view.area_ready, timeout=5000):
        view.zone.setCurrentIndex(index)
    assert view.canvas.focus_codes == ("971",)
    assert view.canvas.paths is not None and view.canvas.paths.key == "971"


def test_national_search_of_an_overseas_commune_switches_the_map(qtbot, db: Database) -> None:  # type: ignore[no-untyped-def]
    admin = add_operator(db, "admin", Role.ADMINISTRATEUR)
    view = make_view(qtbot, db, admin)
    view.search.setText("Pointe-à-Pitre")  # QTest cannot type non-ASCII letters
    with qtbot.waitSignal(view.area_ready, timeout=5000):
        qtbot.keyClick(view.search, Qt.Key.Key_Return)
    assert view.canvas.focus_codes == ("971",)
    assert view.canvas.mark is not None and view.canvas.mark[2] == "Pointe-à-Pitre"
