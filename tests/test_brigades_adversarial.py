"""Brigade directory against hostile input: codes that look like départements, foreign phone
numbers, dangerous links, half positions, homonym communes and positions outside France."""

from __future__ import annotations

import io

import pytest
from test_brigades import ADMIN, MONDAY_10H, csv_of, lunel

from stopcamb_desk.models.db import Database
from stopcamb_desk.services.brigades import BrigadeError, BrigadeService


@pytest.fixture
def service(database: Database) -> BrigadeService:
    return BrigadeService(database, clock=lambda: MONDAY_10H)


def departement_line(code: str, ident: str = "1009402") -> str:
    return lunel(id=ident).replace(";Lunel;34;", f";Lunel;{code};")


@pytest.mark.parametrize("code", ["20", "975", "00", "96"])
def test_a_code_shaped_like_a_departement_is_one_rejected_line_not_a_crash(
    service: BrigadeService, code: str
) -> None:
    with pytest.raises(BrigadeError) as refused:
        service.import_csv(ADMIN, csv_of(departement_line(code), lunel(id="1009499")))
    (error,) = refused.value.errors
    assert error.line == 2 and f"département « {code} » inconnu" in error.message
    report = service.import_csv(
        ADMIN, csv_of(departement_line(code), lunel(id="1009499")), skip_invalid=True
    )
    assert report.added == 1 and [e.line for e in report.skipped] == [2]


@pytest.mark.parametrize("telephone", ["+1 212 555 0100", "+44 20 7946 0958", "+49 30 1234567"])
def test_a_foreign_phone_number_is_refused(service: BrigadeService, telephone: str) -> None:
    with pytest.raises(BrigadeError) as refused:
        service.import_csv(ADMIN, csv_of(lunel(telephone=telephone)))
    (error,) = refused.value.errors
    assert f"téléphone « {telephone} »" in error.message and "français" in error.message


@pytest.mark.parametrize(
    "telephone", ["04.67.00.00.06", "+33 4 67 00 00 06", "+33467000006", "0033 4 67 00 00 06"]
)
def test_french_phone_numbers_are_accepted_in_their_usual_spellings(
    service: BrigadeService, telephone: str
) -> None:
    assert service.import_csv(ADMIN, csv_of(lunel(telephone=telephone))).added == 1


def url_line(url: str) -> str:
    before, hours = lunel().rsplit(";", 1)
    return before.rsplit(";", 1)[0] + f";{url};{hours}"


@pytest.mark.parametrize(
    "url",
    ["javascript:alert(1)", "data:text/html,<script>alert(1)</script>", "pas une adresse"],
)
def test_a_unit_page_that_is_not_a_web_address_is_refused_on_import_and_edit(
    service: BrigadeService, url: str
) -> None:
    with pytest.raises(BrigadeError) as refused:
        service.import_csv(ADMIN, csv_of(url_line(url)))
    (error,) = refused.value.errors
    assert "site" in error.message and "https://" in error.message
    service.import_csv(ADMIN, csv_of(lunel()))
    with pytest.raises(BrigadeError) as edit:
        service.update(ADMIN, "1009402", 1, url=url)
    assert [p.field for p in edit.value.problems] == ["url"]


def test_a_unit_page_on_the_web_is_kept(service: BrigadeService) -> None:
    page = "https://www.gendarmerie.interieur.gouv.fr/gendarmerie-34/lunel"
    assert service.import_csv(ADMIN, csv_of(url_line(page))).added == 1
    (unit,) = service.brigades("34")
    assert unit.url == page


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"lat": None}, "une seule des deux coordonnées"),
        ({"lon": None}, "une seule des deux coordonnées"),
        ({"lat": "quarante-trois"}, "latitude « quarante-trois » illisible"),
        ({"lon": True}, "longitude « True » illisible"),
        ({"telephone": None}, "téléphone"),
        ({"service": "Brigade\x07 de Lunel"}, "caractère de contrôle"),
        ({"adresse": "9 rue\x00 de l'exemple"}, "caractère de contrôle"),
        ({"code_postal": 34400}, "code postal"),
    ],
)
def test_hostile_edit_values_are_refused_in_french_and_nothing_is_written(
    service: BrigadeService, changes: dict[str, object], expected: str
) -> None:
    service.import_csv(ADMIN, csv_of(lunel()))
    with pytest.raises(BrigadeError) as refused:
        service.update(ADMIN, "1009402", 1, **changes)
    assert expected in refused.value.message
    (unit,) = service.brigades("34")
    assert (unit.version, unit.lat, unit.lon) == (1, 43.6756, 4.136)


@pytest.mark.parametrize("commune", ["Montpellier", "Lunnel", "Lunel-Viel"])
def test_an_edit_to_a_commune_that_is_not_the_one_of_the_insee_code_is_refused(
    service: BrigadeService, commune: str
) -> None:
    service.import_csv(ADMIN, csv_of(lunel()))
    with pytest.raises(BrigadeError) as refused:
        service.update(ADMIN, "1009402", 1, commune=commune)
    message = refused.value.message
    assert f"commune « {commune} » : le code INSEE 34145 de l'unité est celui de Lunel" in message
    assert "écrivez « Lunel »" in message
    assert [p.field for p in refused.value.problems] == ["commune"]
    (unit,) = service.brigades("34")
    assert (unit.commune, unit.version) == ("Lunel", 1)  # nothing written


@pytest.mark.parametrize("commune", ["LUNEL", "lunel", "Lunel Cedex", "Lunel CEDEX 1"])
def test_the_commune_of_the_insee_code_is_accepted_however_written(
    service: BrigadeService, commune: str
) -> None:
    service.import_csv(ADMIN, csv_of(lunel()))
    assert service.update(ADMIN, "1009402", 1, commune=commune).commune == commune


def test_a_commune_deleguee_or_the_commune_nouvelle_fits_its_insee_code(
    service: BrigadeService,
) -> None:
    """Seynod is a commune déléguée of Annecy (74010): a unit of 74010 may say either, not a
    commune of another code."""
    seynod = lunel(id="1009102", cp="74600", insee="74010", x="6.0880", y="45.8860")
    service.import_csv(ADMIN, csv_of(seynod.replace(";Lunel;34;", ";Annecy;74;")))
    assert service.update(ADMIN, "1009102", 1, commune="Seynod").commune == "Seynod"
    assert service.update(ADMIN, "1009102", 2, commune="Annecy").commune == "Annecy"
    with pytest.raises(BrigadeError, match="celui d'Annecy, écrivez « Annecy »"):
        service.update(ADMIN, "1009102", 3, commune="Annemasse")


def test_an_imported_line_whose_commune_is_not_that_of_its_insee_code_is_refused(
    service: BrigadeService,
) -> None:
    line = lunel().replace(";Lunel;34;", ";Montpellier;34;")
    with pytest.raises(BrigadeError) as refused:
        service.import_csv(ADMIN, csv_of(line))
    (error,) = refused.value.errors
    assert "le code INSEE 34145 de l'unité est celui de Lunel" in error.message


def test_a_position_typed_as_text_is_read_and_both_coordinates_can_be_cleared(
    service: BrigadeService,
) -> None:
    service.import_csv(ADMIN, csv_of(lunel()))
    moved = service.update(ADMIN, "1009402", 1, lat="43,6760", lon=" 4.1365 ")
    assert (moved.lat, moved.lon) == (43.676, 4.1365)
    cleared = service.update(ADMIN, "1009402", 2, lat=None, lon=None)
    assert (cleared.lat, cleared.lon) == (None, None)


@pytest.mark.parametrize(
    ("query", "label"),
    [
        ("Saint-Denis (93)", "Saint-Denis (93)"),
        ("Saint-Denis 93", "Saint-Denis (93)"),
        ("St Denis, 93", "Saint-Denis (93)"),
        ("Saint-Denis 93200", "Saint-Denis (93)"),
        ("Saint-Denis (974)", "Saint-Denis (974)"),
        ("Sainte-Marie (972)", "Sainte-Marie (972)"),
        ("Paris 15", "Paris 15e Arrondissement (75)"),
        ("Lunel (34)", "Lunel (34)"),
    ],
)
def test_a_homonym_commune_is_chosen_by_its_departement_or_postcode(
    service: BrigadeService, query: str, label: str
) -> None:
    found, _ = service.find_for_commune(query)
    assert found.startswith(label)


def test_a_departement_that_has_no_such_commune_is_said(service: BrigadeService) -> None:
    found, hits = service.find_for_commune("Lunel (74)")
    assert found == "Aucune commune « Lunel » dans le département 74 (Haute-Savoie)." and not hits


@pytest.fixture
def directory(service: BrigadeService) -> BrigadeService:
    from test_brigades import SAMPLE

    service.import_csv(ADMIN, io.BytesIO(SAMPLE.read_bytes()), skip_invalid=True)
    return service


def test_a_position_far_outside_france_proposes_no_brigade_thousands_of_km_away(
    directory: BrigadeService,
) -> None:
    label, hits = directory.find_for_position(0.0, 0.0)  # Gulf of Guinea
    assert hits == []
    assert "hors de France" in label and "vérifiez" in label


def test_a_swapped_position_is_pointed_out_by_the_finder(directory: BrigadeService) -> None:
    label, hits = directory.find_for_position(4.136, 43.6756)  # Lunel, lon/lat swapped
    assert hits == []
    assert "inversées" in label and "34 (Hérault)" in label


def test_a_position_at_sea_off_the_coast_still_finds_the_nearest_brigade(
    directory: BrigadeService,
) -> None:
    label, hits = directory.find_for_position(43.50, 4.05)  # in the sea off La Grande-Motte
    assert "en mer" in label
    assert hits and hits[0].brigade.id == "1009401"  # Montpellier, 19 km inland
    assert hits[0].distance_km is not None and hits[0].distance_km < 40


def test_a_position_in_france_names_its_departement(directory: BrigadeService) -> None:
    label, hits = directory.find_for_position(43.67, 4.13)
    assert label == "Position 43,6700, 4,1300 — Hérault (34)"
    assert hits[0].brigade.id == "1009402"


def test_the_cli_finder_refuses_a_position_outside_france(
    directory: BrigadeService,
    db_url: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from stopcamb_desk.cli import main

    monkeypatch.setenv("STOPCAMB_DATABASE_URL", db_url)

    assert main(["brigades", "find", "--position", "0,0"]) == 1
    out = capsys.readouterr().out
    assert "hors de France" in out and "km" not in out.split("\n", 1)[1]


@pytest.mark.parametrize("separator", ["\t", ","])
def test_a_file_saved_with_another_separator_is_read(
    service: BrigadeService, separator: str
) -> None:
    from test_brigades import HEADER

    line = lunel(service="Brigade territoriale autonome de Lunel")
    data = "\n".join((HEADER.replace(";", separator), line.replace(";", separator))) + "\n"
    assert service.import_csv(ADMIN, io.BytesIO(data.encode())).added == 1


@pytest.mark.parametrize(
    # 21 characters: more than the database column holds (PostgreSQL would stop the import).
    "ident",
    ["../meta", "meta/version", "a.b", "1009$402", "10#9", "[1]", "1 2", "1" * 21],
)
def test_an_identifier_that_would_be_a_path_in_the_app_database_is_refused(
    service: BrigadeService, ident: str
) -> None:
    """The identifier is the unit's key under /annuaire_brigades/brigades: « meta/version »
    would overwrite the directory's metadata, « a.b » make the whole publication fail."""
    with pytest.raises(BrigadeError) as refused:
        service.import_csv(ADMIN, csv_of(lunel(id=ident)))
    (error,) = refused.value.errors
    assert error.line == 2 and "identifiant" in error.message and ident in error.message


@pytest.mark.parametrize(
    "values",
    [
        {"service": "Brigade\x07 de Lunel"},
        {"service": "Brigade\u202e de Lunel"},
        {"telephone": "04 67\u200b 00 00 06"},
    ],
)
def test_an_invisible_character_refuses_the_line_on_import(
    service: BrigadeService, values: dict[str, str]
) -> None:
    with pytest.raises(BrigadeError) as refused:
        service.import_csv(ADMIN, csv_of(lunel(**values)))
    (error,) = refused.value.errors
    assert "caractère de contrôle" in error.message


def test_non_breaking_spaces_are_ordinary_spaces_for_the_checks(service: BrigadeService) -> None:
    line = lunel(
        service="Brigade de Lunel\u00a0: accueil", telephone="04\u00a067\u00a000\u00a000\u00a006"
    )
    assert service.import_csv(ADMIN, csv_of(line)).added == 1
