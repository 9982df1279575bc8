"""The « Brigades » view driven like an operator: filter the directory, find the brigade of a
commune, edit a phone number (administrators only), hit a stale edit, import the CSV."""

from __future__ import annotations

import io
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from desk import desk_db
from history_fixtures import add_operator
from PySide6.QtCore import Qt
from ui_helpers import RecordingPresenter, shell_context

from stopcamb_desk.config import load_settings
from stopcamb_desk.domain.roles import PermissionDenied, Principal, Role
from stopcamb_desk.models.db import Database
from stopcamb_desk.services.brigades import BrigadeService
from stopcamb_desk.ui.brigades.position import parse_position
from stopcamb_desk.ui.brigades.view import BrigadesView

SAMPLE = Path(__file__).with_name("data") / "unites-gendarmerie-exemple.csv"


@pytest.fixture
def db(sqlite_url: str) -> Iterator[Database]:
    database = desk_db(sqlite_url)
    yield database
    database.dispose()


@pytest.fixture
def admin(db: Database) -> Principal:
    return add_operator(db, "admin", Role.ADMINISTRATEUR)


@pytest.fixture
def chef(db: Database) -> Principal:
    return add_operator(db, "chef74", Role.CHEF_DE_QUART, ("74",))


@pytest.fixture
def imported(db: Database, admin: Principal) -> None:
    with SAMPLE.open("rb") as fh:
        BrigadeService(db).import_csv(admin, fh, skip_invalid=True)


def make_view(qtbot, db: Database, principal: Principal, **env: str) -> BrigadesView:  # type: ignore[no-untyped-def]
    presenter = RecordingPresenter()
    settings = load_settings({**os.environ, **env})
    view = BrigadesView(shell_context(db, principal, presenter=presenter, settings=settings))
    view.reported = presenter.shown  # type: ignore[attr-defined]
    qtbot.addWidget(view)
    view.resize(1200, 700)
    view.show()
    return view


def retype(qtbot, view: BrigadesView, unit: str, name: str, text: str):  # type: ignore[no-untyped-def]
    """Open the unit's form (its département shown) and retype one field, as an operator."""
    departement = next(b.departement for b in view.service.brigades() if b.id == unit)
    view.departement.setCurrentIndex(view.departement.findData(departement))
    assert view.select(unit)
    field = view.form.fields[name]
    field.selectAll()
    qtbot.keyClicks(field, text)
    return field


def shown_services(view: BrigadesView) -> list[str]:
    proxy = view.proxy
    return sorted(proxy.data(proxy.index(r, 1)) for r in range(proxy.rowCount()))


def test_table_shows_the_operators_departement_and_filters_by_text(
    qtbot, db: Database, chef: Principal, imported: None
) -> None:  # type: ignore[no-untyped-def]
    view = make_view(qtbot, db, chef)
    assert view.departement.currentData() == "74"
    assert shown_services(view) == ['BP de Seynod; accueil "principal"', "BTA d'Annecy"]
    qtbot.keyClicks(view.filter, "seynod")  # case and accents do not matter
    assert shown_services(view) == ['BP de Seynod; accueil "principal"']  # usual abbreviation
    proxy = view.proxy
    full = proxy.data(proxy.index(0, 1), Qt.ItemDataRole.ToolTipRole)
    assert full == 'Brigade de proximité de Seynod; accueil "principal"'
    assert view.count.text() == "1 brigade(s) affichée(s) sur 2"
    view.filter.clear()
    qtbot.keyClicks(view.filter, "BTA")
    assert shown_services(view) == ["BTA d'Annecy"]
    view.filter.clear()
    view.departement.setCurrentIndex(view.departement.findData(None))  # all départements
    assert len(shown_services(view)) == 9  # the unit placed outside its département was refused
    qtbot.keyClicks(view.filter, "04 67")
    assert len(shown_services(view)) == 3  # the Hérault numbers
    assert not view.import_button.isVisible()  # chef de quart: no import


def test_find_the_brigade_by_commune_and_by_position(
    qtbot, db: Database, chef: Principal, imported: None
) -> None:  # type: ignore[no-untyped-def]
    view = make_view(qtbot, db, chef)
    qtbot.keyClicks(view.find_input, "Meythet")
    qtbot.keyClick(view.find_input, Qt.Key.Key_Return)
    assert "Meythet (74), commune déléguée d'Annecy" in view.find_label.text()
    first = view.results.item(0).text()
    assert "dans la commune" in first and "Tél. 04 50 00 00 0" in first
    view.find_input.clear()
    qtbot.keyClicks(view.find_input, "43,676 4,136")  # Lunel, in the Hérault
    qtbot.keyClick(view.find_input, Qt.Key.Key_Return)
    assert view.results.item(0).text().startswith("Brigade territoriale autonome de Lunel")
    # Opening the result switches the table to its département and shows its form.
    view.results.itemClicked.emit(view.results.item(0))
    assert view.departement.currentData() == "34"
    assert view.form.brigade is not None and view.form.brigade.id == "1009402"


def test_the_fiche_follows_the_result_chosen_and_results_are_read_whole(
    qtbot, db: Database, chef: Principal, imported: None
) -> None:  # type: ignore[no-untyped-def]
    view = make_view(qtbot, db, chef)
    view.resize(1020, 720)
    view.departement.setCurrentIndex(view.departement.findData(None))
    qtbot.keyClicks(view.find_input, "43,676 4,136")  # Lunel: several brigades in reach
    qtbot.keyClick(view.find_input, Qt.Key.Key_Return)
    assert view.results.count() >= 2
    ids = [view.results.item(r).data(Qt.ItemDataRole.UserRole)[0] for r in range(2)]
    # The first result's fiche is shown at once, not the brigade selected before.
    assert view.form.brigade is not None and view.form.brigade.id == ids[0]
    view.results.setFocus()
    qtbot.keyClick(view.results, Qt.Key.Key_Down)
    assert view.form.brigade is not None and view.form.brigade.id == ids[1]
    # Each result reads whole: who and how far, then the phone and the opening hours.
    metrics = view.results.fontMetrics()
    for r in range(min(3, view.results.count())):
        item = view.results.item(r)
        rect = view.results.visualItemRect(item)
        assert view.results.viewport().rect().contains(rect), item.text()
        for line in item.text().split("\n"):
            assert metrics.horizontalAdvance(line) <= rect.width(), line


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("45.918, 6.094", (45.918, 6.094)),
        ("45,918 6,094", (45.918, 6.094)),
        ("45.918,6.094", (45.918, 6.094)),
        ("45,918;6,094", (45.918, 6.094)),
        ("Meythet", None),
        ("95 200", None),  # latitude out of range
    ],
)
def test_position_parsing(text: str, expected: tuple[float, float] | None) -> None:
    assert parse_position(text) == expected


def test_chef_de_quart_reads_but_cannot_edit(
    qtbot, db: Database, chef: Principal, imported: None
) -> None:  # type: ignore[no-untyped-def]
    view = make_view(qtbot, db, chef)
    view.select("1009101")
    form = view.form
    phone = form.fields["telephone"]
    assert phone.text() == "04 50 00 00 01"
    phone.setFocus()
    qtbot.keyClicks(phone, "99")
    assert phone.text() == "04 50 00 00 01" and form.horaires.isReadOnly()
    assert not form.save_button.isVisible()
    assert form.read_only.isVisible()
    assert "administrateur" in form.read_only.text()
    # Even if the UI let it through, the service refuses.
    with pytest.raises(PermissionDenied):
        BrigadeService(db).update(chef, "1009101", 1, telephone="04 50 99 99 99")


def test_admin_edits_a_phone_number_and_the_table_shows_it(
    qtbot, db: Database, admin: Principal, imported: None
) -> None:  # type: ignore[no-untyped-def]
    view = make_view(qtbot, db, admin)
    retype(qtbot, view, "1009101", "telephone", "04 50 12 34 56")
    with qtbot.waitSignal(view.saved, timeout=5000):
        qtbot.mouseClick(view.form.save_button, Qt.MouseButton.LeftButton)
    assert view.form.feedback.text() == "Fiche enregistrée."
    row = view.model.row_of("1009101")
    assert view.model.data(view.model.index(row, 2)) == "04 50 12 34 56"
    stored = {b.id: b for b in BrigadeService(db).brigades("74")}["1009101"]
    assert stored.telephone == "04 50 12 34 56" and stored.version == 2


def test_a_commune_that_is_not_the_units_is_refused_and_named(
    qtbot, db: Database, admin: Principal, imported: None
) -> None:  # type: ignore[no-untyped-def]
    view = make_view(qtbot, db, admin)
    commune = retype(qtbot, view, "1009402", "commune", "Montpellier")
    qtbot.mouseClick(view.form.save_button, Qt.MouseButton.LeftButton)
    said = view.form.feedback.text()
    assert "le code INSEE 34145 de l'unité est celui de Lunel, écrivez « Lunel »" in said
    assert "border" in commune.styleSheet()  # the field to correct is outlined
    stored = {b.id: b for b in BrigadeService(db).brigades("34")}["1009402"]
    assert (stored.commune, stored.version) == ("Lunel", 1)


def test_stale_edit_shows_the_conflict_and_reload_fixes_it(
    qtbot, db: Database, admin: Principal, imported: None
) -> None:  # type: ignore[no-untyped-def]
    view = make_view(qtbot, db, admin)
    view.departement.setCurrentIndex(view.departement.findData("74"))
    view.select("1009101")
    # Another desk changes the same brigade meanwhile.
    BrigadeService(db).update(admin, "1009101", 1, telephone="04 50 00 11 11")
    view.form.horaires.setPlainText("Lundi : 8h00-12h00")
    qtbot.mouseClick(view.form.save_button, Qt.MouseButton.LeftButton)
    feedback = view.form.feedback.text()
    assert "modifiée entre-temps par admin le " in feedback and "Rechargez-la" in feedback
    assert "ne sont pas enregistrées" in feedback
    qtbot.mouseClick(view.form.reload_button, Qt.MouseButton.LeftButton)
    assert view.form.fields["telephone"].text() == "04 50 00 11 11"
    assert view.form.brigade is not None and view.form.brigade.version == 2
    assert view.form.feedback.text() == ""


def test_import_with_invalid_lines_asks_to_skip_then_imports_nine(
    qtbot, db: Database, admin: Principal
) -> None:  # type: ignore[no-untyped-def]
    view = make_view(qtbot, db, admin)
    assert view.import_button.isVisible()
    view.choose_file = lambda _parent: SAMPLE
    qtbot.mouseClick(view.import_button, Qt.MouseButton.LeftButton)
    question = view.import_dialog
    assert question is not None and question.isVisible()
    assert "Importer en ignorant ces 2 lignes ?" in question.text.text()
    details = question.details.toPlainText()
    assert "Ligne 12 : identifiant_public_unite manquant." in details
    assert "Ligne 11 : Unité 1009404 : position 45.9088, 6.1257 hors du département 34" in details
    assert BrigadeService(db).brigades() == []  # nothing imported before the answer
    assert question.accept_button is not None
    with qtbot.waitSignal(view.import_finished, timeout=5000) as finished:
        question.accept_button.click()
    assert finished.args[0].added == 9
    report = view.import_dialog
    assert report is not None and report is not question
    assert report.text.text().startswith("Import terminé : 9 brigade(s) ajoutée(s)")
    details = report.details.toPlainText()
    assert "Ligne 12" in details and "pas de coordonnées GPS" in details
    assert "hors du département 34" in details
    assert len(BrigadeService(db).brigades()) == 9
    assert view.model.rowCount() == 9  # admin: all départements, reloaded


def test_import_of_a_wrong_file_says_what_to_do(
    qtbot, db: Database, admin: Principal, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    wrong = tmp_path / "export.csv"
    wrong.write_text("nom;prenom\nDupont;Jean\n", encoding="utf-8")
    view = make_view(qtbot, db, admin)
    view.choose_file = lambda _parent: wrong
    view.start_import()
    dialog = view.import_dialog
    assert dialog is not None and dialog.windowTitle() == "Import impossible"
    assert "Téléchargez le CSV de data.gouv.fr" in dialog.text.text()
    view.choose_file = lambda _parent: tmp_path / "disparu.csv"
    view.start_import()
    assert "Impossible de lire le fichier « disparu.csv »" in view.import_dialog.text.text()
    assert view.reported == []  # expected errors never reach the bug handler


def test_table_says_whether_each_brigade_is_open(
    qtbot, db: Database, chef: Principal, imported: None
) -> None:  # type: ignore[no-untyped-def]
    view = make_view(qtbot, db, chef)
    model = view.model
    assert model.headerData(4, Qt.Orientation.Horizontal) == "Accueil"
    annecy = model.row_of("1009101")
    state = model.data(model.index(annecy, 4))
    assert state.startswith(("ouverte jusqu'à", "fermée"))
    seynod = model.row_of("1009102")
    assert model.data(model.index(seynod, 4)) == "horaires non renseignés"
    view.select("1009101")
    assert view.form.opening.text() == state


def test_a_swapped_position_is_refused_then_fixed_in_one_click(
    qtbot, db: Database, admin: Principal, imported: None
) -> None:  # type: ignore[no-untyped-def]
    view = make_view(qtbot, db, admin)
    view.departement.setCurrentIndex(view.departement.findData("34"))
    assert view.select("1009402")
    form = view.form
    form.position.setText("4,1360, 43,6756")  # longitude typed first
    qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)
    assert "latitude et longitude inversées" in form.feedback.text()
    assert form.fix_button.isVisible() and "solid" in form.position.styleSheet()
    qtbot.mouseClick(form.fix_button, Qt.MouseButton.LeftButton)
    assert form.position.text() == "43,67560, 4,13600"
    form.fields["telephone"].setText("pas un numéro")
    qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)
    assert "téléphone « pas un numéro » invalide" in form.feedback.text()
    form.fields["telephone"].setText("04 67 11 22 33")
    with qtbot.waitSignal(view.saved, timeout=5000):
        qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)
    assert form.feedback.text() == "Fiche enregistrée."


def test_geocode_the_address_of_the_form_and_find_by_address(
    qtbot, db: Database, admin: Principal, imported: None, addok
) -> None:  # type: ignore[no-untyped-def]
    view = make_view(qtbot, db, admin, STOPCAMB_GEOCODER_URL=addok.url)
    view.departement.setCurrentIndex(view.departement.findData("34"))
    view.select("1009402")
    form = view.form
    form.fields["adresse"].setText("12 rue de la Libération")
    qtbot.mouseClick(form.geocode_button, Qt.MouseButton.LeftButton)
    assert form.position.text() == "43,67402, 4,13480"
    assert "12 Rue de la Libération 34400 Lunel" in form.feedback.text()
    view.find_input.setText("12 rue de la Libération, Lunel")  # keyClicks: ASCII only
    qtbot.keyClick(view.find_input, Qt.Key.Key_Return)
    assert view.find_label.text().startswith("12 Rue de la Libération 34400 Lunel")
    first = view.results.item(0).text()
    assert first.startswith("Brigade territoriale autonome de Lunel") and "km" in first


def test_the_finder_says_when_no_brigade_is_near(
    qtbot, db: Database, chef: Principal, admin: Principal
) -> None:  # type: ignore[no-untyped-def]
    lines = SAMPLE.read_bytes().splitlines(keepends=True)
    kept = [lines[0], *(line for line in lines[1:] if b";34;" not in line)]  # no Hérault
    BrigadeService(db).import_csv(admin, io.BytesIO(b"".join(kept)), skip_invalid=True)
    view = make_view(qtbot, db, chef)
    qtbot.keyClicks(view.find_input, "43,676 4,136")  # Lunel
    qtbot.keyClick(view.find_input, Qt.Key.Key_Return)
    said = view.find_label.text()
    assert not view.results.isVisible()
    assert "aucune brigade de l'annuaire à moins de 40 km ; la plus proche" in said
    assert said.count("40 km") == 1  # said once, by the service


def test_admin_publishes_after_seeing_what_changed(
    qtbot, db: Database, admin: Principal, imported: None
) -> None:  # type: ignore[no-untyped-def]
    from rtdb_server import RtdbTestServer

    with RtdbTestServer() as server:
        view = make_view(qtbot, db, admin, STOPCAMB_NEWS_DATABASE_URL=server.database_url)
        assert view.publish_button.isVisible()
        qtbot.mouseClick(view.publish_button, Qt.MouseButton.LeftButton)
        dialog = view.publish_dialog
        assert dialog is not None and dialog.isVisible()
        assert "9 brigade(s) ajoutée(s)" in dialog.text.text()
        assert "ÉMULATEUR" in dialog.text.text()
        assert "1009402 — Brigade territoriale autonome de Lunel" in dialog.details.toPlainText()
        assert server.writes() == []
        with qtbot.waitSignal(view.published, timeout=5000):
            dialog.accept_button.click()
        assert len(server.value("/annuaire_brigades/brigades")) == 9
        assert view.message.text().startswith("Annuaire publié")
        view.publisher.close()


def test_a_chef_de_quart_cannot_publish(qtbot, db: Database, chef: Principal) -> None:  # type: ignore[no-untyped-def]
    view = make_view(qtbot, db, chef)
    assert not view.publish_button.isVisible()
    view.start_publication()  # even if reached: the service refuses
    assert "administrateur" in view.message.text()
