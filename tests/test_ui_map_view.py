"""The « Carte » view driven like an operator: a choropleth of the alerts with its legend and
insets, the pointer telling a département's figures, a click choosing the composer's target,
exports, live updates, a commune searched, a click answered with the nearest brigade."""

from __future__ import annotations

from collections.abc import Iterator
from itertools import combinations
from pathlib import Path

import pytest
from desk import desk_db
from history_fixtures import T0, add_alert, add_operator
from PySide6.QtCore import QEvent, QPoint, QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QHelpEvent, QImage, QTextDocumentFragment
from PySide6.QtWidgets import QApplication, QToolTip
from pytestqt.qtbot import QtBot
from ui_helpers import RecordingPresenter, shell_context

from stopcamb_desk.domain.roles import Principal, Role
from stopcamb_desk.geo.projection import projected_area
from stopcamb_desk.models import utcnow
from stopcamb_desk.models.db import Database
from stopcamb_desk.services.brigades import BrigadeService
from stopcamb_desk.ui.map.classes import ZERO_FILL
from stopcamb_desk.ui.map.symbols import OUTSIDE_FILL
from stopcamb_desk.ui.map.view import MapView
from stopcamb_desk.ui.tasks import QtTaskRunner

SAMPLE = Path(__file__).with_name("data") / "unites-gendarmerie-exemple.csv"
MEYTHET = (6.09422, 45.91836)  # lon, lat
ANNECY = (6.1294, 45.8992)
CHAMONIX = (6.8694, 45.9237)
CHAMBERY = (5.9178, 45.5646)  # Savoie (73)
BOURG = (5.2258, 46.2052)  # Ain (01)
SAINT_DENIS_REUNION = (55.4504, -20.8789)
RETRACTION = {"message": {"topic": "dep_34", "data": {"retraction": "1", "replaces": "1"}}}


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


def ago(minutes: float) -> float:
    """``add_alert(minutes=…)`` for an alert sent that many minutes before now."""
    return (utcnow() - T0).total_seconds() / 60 - minutes


def pixel(image: QImage, view: MapView, code: str) -> QColor:
    x, y = projected_area("metropole").shapes[code].label_at
    at = view.canvas.world_transform().map(QPointF(x, y)) + QPointF(0, 50)  # below the name
    return image.pixelColor(at.toPoint())


def plain(html: str) -> str:
    """What the operator reads in a rich-text label."""
    return " ".join(QTextDocumentFragment.fromHtml(html).toPlainText().split())


def tooltip(canvas: object, point: QPointF) -> str:
    """Rest the pointer on ``point`` of ``canvas`` and read the tooltip Qt shows."""
    at = point.toPoint()
    QApplication.sendEvent(canvas, QHelpEvent(QEvent.Type.ToolTip, at, canvas.mapToGlobal(at)))  # type: ignore[attr-defined]
    return QToolTip.text()


def import_sample(db: Database) -> None:
    admin = Principal(0, "admin", "Admin", Role.ADMINISTRATEUR)
    with SAMPLE.open("rb") as fh:
        BrigadeService(db).import_csv(admin, fh, skip_invalid=True)


def test_outlines_prepared_off_thread_and_the_departement_painted(qtbot, db: Database) -> None:  # type: ignore[no-untyped-def]
    chef = add_operator(db, "chef74", Role.CHEF_DE_QUART, ("74",))
    tasks = QtTaskRunner()  # real worker threads, like the shell
    try:
        view = make_view(qtbot, db, chef, tasks)
        qtbot.waitUntil(lambda: view.canvas.ready and view.activity is not None, timeout=10_000)
    finally:
        tasks.shutdown()
    view.canvas.fit()
    canvas = view.canvas
    assert canvas.focus_codes == ("74",)
    main = canvas.main_view()
    assert main is not None
    path = main.paths.paths["74"]
    assert not path.isEmpty()
    # The département fills most of the map frame: drawn large, not as a speck of France.
    box = canvas.world_transform().mapRect(path.boundingRect())
    frame = main.frame.rect
    assert box.width() > 0.6 * frame.width() or box.height() > 0.6 * frame.height()
    image = canvas.grab().toImage()
    assert pixel(image, view, "74") == ZERO_FILL  # no alert in the period
    albertville = canvas.to_screen(6.392, 45.676)  # Savoie, the neighbour: not the operator's
    assert albertville is not None
    assert image.pixelColor(albertville.toPoint()) == OUTSIDE_FILL
    assert "74 — Haute-Savoie : aucune alerte affichée sur les téléphones" in plain(
        view.status.text()
    )
    assert "Alertes envoyées par département — 7 derniers jours" in canvas.scene.title()


def test_colour_and_legend_follow_the_period_and_exercises(qtbot, db: Database) -> None:  # type: ignore[no-untyped-def]
    chef = add_operator(db, "chef74", Role.CHEF_DE_QUART, ("74",))
    add_alert(db, chef, minutes=ago(10 * 24 * 60), status="remplacee", sequence=1)
    add_alert(db, chef, minutes=ago(3 * 60), sequence=2, text="MEYTHET, nombreux cambriolages.")
    add_alert(db, chef, minutes=ago(60), exercise=True)
    view = make_view(qtbot, db, chef)
    canvas = view.canvas
    assert canvas.scene.alerts("74") == 1  # 7 days, exercises excluded
    image = canvas.grab().toImage()
    assert pixel(image, view, "74") == canvas.scene.classes.fill(1) != ZERO_FILL
    legend = [placed.row.text for placed in canvas.composition().legend.rows]  # type: ignore[union-attr]
    assert legend[:3] == ["Alertes envoyées", "Aucune alerte", "1 alerte"]
    assert "Alerte affichée" in legend and "Message de retrait affiché" in legend
    assert "MEYTHET, nombreux cambriolages" in view.status.text()

    view.period_buttons.button(2).click()  # 30 jours
    assert canvas.scene.alerts("74") == 2
    assert "30 derniers jours" in canvas.scene.title()
    view.exercises.setChecked(True)
    assert canvas.scene.alerts("74") == 3
    assert "exercices compris" in canvas.scene.subtitle()


def test_hover_on_a_known_place_tells_the_departement(qtbot: QtBot, db: Database) -> None:
    opp = add_operator(db, "opp34", Role.OPP_NATIONAL)
    chef = add_operator(db, "chef74", Role.CHEF_DE_QUART, ("74",))
    import_sample(db)
    add_alert(
        db, chef, minutes=ago(6 * 60 + 25.5), text="ANNECY-LE-VIEUX, cambriolages de maisons."
    )
    view = make_view(qtbot, db, opp)
    canvas = view.canvas
    assert canvas.scene.national
    annecy = canvas.to_screen(*ANNECY)
    assert annecy is not None
    qtbot.mouseMove(canvas, annecy.toPoint())
    assert canvas.overlay.hover == "74"  # outlined under the pointer
    text = tooltip(canvas, annecy)
    lines = text.split("\n")
    assert lines[0] == "74 — Haute-Savoie"
    assert lines[1] == "1 alerte envoyée (7 derniers jours)"
    assert lines[2] == "Sur les téléphones : alerte affichée depuis 6 h 25"
    assert lines[3] == "« ANNECY-LE-VIEUX, cambriolages de maisons. »"
    assert lines[4].startswith("Brigades : ") and "dans l'annuaire" in lines[4]
    chambery = canvas.to_screen(*CHAMBERY)
    assert chambery is not None
    assert tooltip(canvas, chambery).split("\n")[:3] == [
        "73 — Savoie",
        "Aucune alerte envoyée (7 derniers jours)",
        "Sur les téléphones : aucune alerte affichée",
    ]


def test_overseas_insets_answer_the_pointer(qtbot: QtBot, db: Database) -> None:
    opp = add_operator(db, "opp34", Role.OPP_NATIONAL)
    view = make_view(qtbot, db, opp)
    canvas = view.canvas
    inset = canvas.frame_view("974")
    assert inset is not None and inset.frame.caption == "La Réunion"
    main = canvas.main_view()
    assert main is not None and not inset.frame.rect.intersects(main.frame.rect)
    saint_denis = inset.to_screen(*SAINT_DENIS_REUNION)
    assert inset.frame.rect.contains(saint_denis)
    assert canvas.departement_at(saint_denis) == "974"
    assert tooltip(canvas, saint_denis).startswith("974 — La Réunion\n")
    corner = inset.frame.rect.topLeft() + QPointF(2, 2)  # the Indian Ocean
    assert canvas.departement_at(corner) is None
    keys = {v.frame.key for v in canvas.composition().views}  # type: ignore[union-attr]
    assert keys == {"main", "paris", "971", "972", "973", "974", "976"}
    paris = canvas.frame_view("paris")
    assert paris is not None and paris.frame.caption == "Paris et petite couronne"
    assert canvas.departement_at(paris.to_screen(2.3522, 48.8566)) == "75"


def test_click_chooses_the_composer_target_and_refuses_another_departement(
    qtbot: QtBot, db: Database
) -> None:
    chef = add_operator(db, "chef74", Role.CHEF_DE_QUART, ("74", "73"))
    view = make_view(qtbot, db, chef)
    chosen: list[str] = []
    view.target_chosen.connect(chosen.append)
    canvas = view.canvas
    chambery = canvas.to_screen(*CHAMBERY)
    assert chambery is not None
    qtbot.mouseClick(canvas, Qt.MouseButton.LeftButton, pos=chambery.toPoint())
    assert chosen == ["73"]
    assert view.message.text().startswith("Cible de l'alerte : 73 — Savoie.")
    assert canvas.overlay.selected == "73"

    bourg = canvas.to_screen(*BOURG)
    assert bourg is not None
    qtbot.mouseClick(canvas, Qt.MouseButton.LeftButton, pos=bourg.toPoint())
    assert chosen == ["73"]  # the Ain is not theirs: nothing sent to the composer
    assert view.message.text() == (
        "Cible de l'alerte non modifiée : le département 01 n'est pas le vôtre "
        "(vos départements : 74, 73)."
    )


def test_labels_never_collide(qtbot: QtBot, db: Database) -> None:
    opp = add_operator(db, "opp34", Role.OPP_NATIONAL)
    chef = add_operator(db, "chef74", Role.CHEF_DE_QUART, tuple(f"{i:02d}" for i in range(1, 96)))
    for code in ("75", "92", "93", "94", "95", "78", "91", "77"):  # crowded: Paris and around
        add_alert(db, chef, departement=code, minutes=ago(30))
    import_sample(db)
    for principal, size in ((opp, (1106, 650)), (opp, (800, 520)), (chef, (1106, 650))):
        view = make_view(qtbot, db, principal)
        view.canvas.resize(*size)
        composition = view.canvas.composition()
        assert composition is not None
        rects = [p.rect for p in composition.labels]
        assert not [(a, b) for a, b in combinations(rects, 2) if a.intersects(b)]
        for placed in composition.labels:
            frame = next(v.frame for v in composition.views if v.frame.rect.contains(placed.rect))
            assert frame is not None
    # At a département's scale the brigades are drawn: no label covers one.
    haute_savoie = add_operator(db, "chef74b", Role.CHEF_DE_QUART, ("74",))
    composition = make_view(qtbot, db, haute_savoie).canvas.composition()
    assert composition is not None and len(composition.markers) >= 2
    dots = [QRectF(at.x() - 5, at.y() - 5, 10, 10) for _marker, at in composition.markers]
    assert not [(p.spec.text, d) for p in composition.labels for d in dots if p.rect.intersects(d)]
    # The whole country is labelled: every metropolitan code outside Paris and its ring on the
    # main map, those four in their inset.
    view = make_view(qtbot, db, opp)
    composition = view.canvas.composition()
    assert composition is not None
    texts = {p.spec.text for p in composition.labels}
    assert {"13", "2A", "2B", "69", "95", "77", "78", "91", "971", "974", "976"} <= texts
    paris = composition.view("paris")
    assert paris is not None
    in_paris = {p.spec.text for p in composition.labels if paris.frame.rect.contains(p.rect)}
    assert in_paris == {"75", "92", "93", "94"}


def test_a_retraction_on_the_phones_is_said_so(qtbot: QtBot, db: Database) -> None:
    opp = add_operator(db, "opp34", Role.OPP_NATIONAL)
    chef = add_operator(db, "chef34", Role.CHEF_DE_QUART, ("34",))
    mistaken = add_alert(db, chef, departement="34", status="retiree", minutes=ago(30), sequence=1)
    add_alert(db, chef, departement="34", minutes=ago(20), sequence=2, replaces=mistaken,
              text="Le message précédent a été retiré.", payload=RETRACTION)  # fmt: skip
    view = make_view(qtbot, db, opp)
    canvas = view.canvas
    assert canvas.scene.phone("34") is not None and canvas.scene.phone("34").retraction  # type: ignore[union-attr]
    montpellier = canvas.to_screen(3.8767, 43.6108)
    assert montpellier is not None
    lines = tooltip(canvas, montpellier).split("\n")
    assert lines[1] == "1 alerte envoyée (7 derniers jours), dont 1 retirée"
    assert lines[2].startswith("Sur les téléphones : message de retrait affiché depuis")
    assert "message de retrait dans 1" in plain(view.status.text())


def test_png_and_pdf_exports_carry_the_whole_sheet(
    qtbot: QtBot, db: Database, tmp_path: Path
) -> None:
    opp = add_operator(db, "opp34", Role.OPP_NATIONAL)
    chef = add_operator(db, "chef74", Role.CHEF_DE_QUART, ("74",))
    add_alert(db, chef, minutes=ago(30))
    view = make_view(qtbot, db, opp)
    png = view.export_png(tmp_path / "carte.png")
    image = QImage(str(png))
    assert (image.width(), image.height()) == (2400, 1700)
    colours = {image.pixel(x, y) for x in range(0, 2400, 7) for y in range(0, 1700, 7)}
    assert len(colours) > 50
    pdf = view.export_pdf(tmp_path / "carte.pdf").read_bytes()
    assert pdf.startswith(b"%PDF") and pdf.count(b"/Type /Page\n") + pdf.count(b"/Type/Page") >= 1
    assert view.default_file_name("pdf").startswith("carte-alertes-france-7-jours-")


def test_another_desks_alert_recolours_the_map(qtbot: QtBot, db_url: str) -> None:
    desk_a, desk_b = desk_db(db_url), desk_db(db_url)
    view = None
    try:
        chef = add_operator(desk_a, "chef74", Role.CHEF_DE_QUART, ("74",))
        view = make_view(qtbot, desk_b, chef)
        assert view.canvas.scene.alerts("74") == 0
        view.activated()  # shown by the shell: it subscribes to the change bus
        listener = view.ctx.changes.listener
        assert listener is not None
        qtbot.waitUntil(listener.connected.is_set, timeout=10_000)
        add_alert(desk_a, chef, minutes=ago(5), text="SEYNOD, cambriolages de commerces.")
        qtbot.waitUntil(lambda: view.canvas.scene.alerts("74") == 1, timeout=10_000)
        assert "SEYNOD" in view.status.text()
    finally:
        if view is not None:
            view.ctx.changes.stop()
        desk_a.dispose()
        desk_b.dispose()


def test_commune_search_marks_meythet(qtbot, db: Database) -> None:  # type: ignore[no-untyped-def]
    chef = add_operator(db, "chef74", Role.CHEF_DE_QUART, ("74",))
    view = make_view(qtbot, db, chef)
    qtbot.keyClicks(view.search, "meythet")
    qtbot.keyClick(view.search, Qt.Key.Key_Return)
    canvas = view.canvas
    assert canvas.mark is not None and canvas.mark[2] == "Meythet"
    assert "Meythet (74), commune déléguée d'Annecy" in view.message.text()
    at = canvas.to_screen(*MEYTHET)
    main = canvas.main_view()
    assert at is not None and main is not None
    centre = main.frame.rect.center()
    assert abs(at.x() - centre.x()) < 2 and abs(at.y() - centre.y()) < 2
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
    composition = canvas.composition()
    assert composition is not None
    # The brigades with coordinates are on the map; those in the frame are drawn.
    assert {m.key for m in canvas.markers} >= {"1009101", "1009102", "1008952", "1009301"}
    drawn = {m.key for m, _at in composition.markers}
    assert drawn >= {"1009101", "1009102"}
    assert "1008952" not in drawn  # Voiron (38): outside the frame of the Haute-Savoie
    assert "1009301" not in drawn  # Guyane: another map area
    seynod = canvas.to_screen(6.0880, 45.8860)
    assert seynod is not None
    marker = canvas.marker_at(seynod + QPointF(3, -2))  # the pointer need not be dead centre
    assert marker is not None
    assert (
        marker.tooltip == 'Brigade de proximité de Seynod; accueil "principal"\nTél. 04 50 00 00 02'
    )
    assert tooltip(canvas, seynod + QPointF(3, -2)) == marker.tooltip

    at = canvas.to_screen(6.080, 45.880)  # a house south-west of Seynod
    assert at is not None
    with qtbot.waitSignal(view.nearest_shown, timeout=5000):
        qtbot.mouseClick(canvas, Qt.MouseButton.LeftButton, pos=at.toPoint())
    text = view.nearest_label.toPlainText()
    assert text.index("Seynod") < text.index("Ensuite")
    assert "04 50 00 00 02" in text and "Haute-Savoie (74)" in text and "km à vol d'oiseau" in text
    assert canvas.nearest_key == "1009102"


def test_a_click_far_from_every_brigade_proposes_none_like_the_finder(
    qtbot: QtBot, db: Database
) -> None:
    chef = add_operator(db, "chef74", Role.CHEF_DE_QUART, ("74",))
    import_sample(db)
    view = make_view(qtbot, db, chef)
    canvas = view.canvas
    at = canvas.to_screen(*CHAMONIX)  # 58 km from Annecy, the nearest brigade of the sample
    assert at is not None
    with qtbot.waitSignal(view.nearest_shown, timeout=5000):
        qtbot.mouseClick(canvas, Qt.MouseButton.LeftButton, pos=at.toPoint())
    text = " ".join(view.nearest_label.toPlainText().split())
    assert view.nearest == [] and canvas.nearest_key is None
    assert text.startswith("Point choisi : position 45,92")
    assert "— Haute-Savoie (74) : aucune brigade de l'annuaire à moins de 40 km ; la plus " in text
    assert "proche, Brigade territoriale autonome d'Annecy (74), est à 58 km : " in text
    assert "vérifiez le point choisi sur la carte, ou que l'annuaire" in text


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
    assert "un administrateur doit l'importer" in view.nearest_label.toPlainText()


def test_national_map_offers_one_departement_at_a_time_too(qtbot, db: Database) -> None:  # type: ignore[no-untyped-def]
    opp = add_operator(db, "opp34", Role.OPP_NATIONAL)
    view = make_view(qtbot, db, opp)
    assert view.zone.currentText() == "France entière"
    assert view.canvas.scene.national and view.canvas.focus_codes == ()
    index = view.zone.findData("971")
    assert index > 0 and "outre-mer" in view.zone.itemText(index)
    with qtbot.waitSignal(view.area_ready, timeout=5000):
        view.zone.setCurrentIndex(index)
    assert view.canvas.focus_codes == ("971",) and not view.canvas.scene.national
    main = view.canvas.main_view()
    assert main is not None and main.paths.key == "971"


def test_national_search_of_an_overseas_commune_switches_the_map(qtbot, db: Database) -> None:  # type: ignore[no-untyped-def]
    admin = add_operator(db, "admin", Role.ADMINISTRATEUR)
    view = make_view(qtbot, db, admin)
    view.search.setText("Pointe-à-Pitre")  # QTest cannot type non-ASCII letters
    with qtbot.waitSignal(view.area_ready, timeout=5000):
        qtbot.keyClick(view.search, Qt.Key.Key_Return)
    assert view.canvas.focus_codes == ("971",)
    assert view.canvas.mark is not None and view.canvas.mark[2] == "Pointe-à-Pitre"


def test_a_click_outside_any_departement_picks_nothing(qtbot: QtBot, db: Database) -> None:
    opp = add_operator(db, "opp34", Role.OPP_NATIONAL)
    view = make_view(qtbot, db, opp)
    main = view.canvas.main_view()
    assert main is not None
    atlantic = main.to_screen(-6.5, 45.0)
    assert view.canvas.departement_at(atlantic) is None
    assert view.canvas.tooltip_at(atlantic) is None
    assert view.canvas.departement_at(QPointF(QPoint(-5, -5))) is None


def test_an_export_gets_its_suffix(qtbot: QtBot, db: Database, tmp_path: Path) -> None:
    chef = add_operator(db, "chef74", Role.CHEF_DE_QUART, ("74",))
    view = make_view(qtbot, db, chef)
    assert view.export_png(tmp_path / "briefing") == tmp_path / "briefing.png"
    assert QImage(str(tmp_path / "briefing.png")).width() == 2400
    assert view.export_pdf(tmp_path / "briefing") == tmp_path / "briefing.pdf"
