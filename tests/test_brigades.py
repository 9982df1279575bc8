"""Brigade directory: checked, streamed, all-or-nothing CSV import; checked and audited edits;
« trouver la brigade » that never proposes a unit with an invalid position."""

from __future__ import annotations

import io
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from desk import Pause, desk_db, interleaved
from sqlalchemy import func, select

from stopcamb_desk.cli import main
from stopcamb_desk.domain.brigades import BrigadeFileError
from stopcamb_desk.domain.roles import PermissionDenied, Principal, Role
from stopcamb_desk.models import AuditEvent, Brigade
from stopcamb_desk.models.db import Database
from stopcamb_desk.services.brigade_checks import check_phone, check_position, check_postcode
from stopcamb_desk.services.brigades import BrigadeError, BrigadeService

# The format sample of the data.gouv.fr file (values illustrative), copied from shared/data.
SAMPLE = Path(__file__).with_name("data") / "unites-gendarmerie-exemple.csv"
ADMIN = Principal(1, "admin", "Admin", Role.ADMINISTRATEUR)
CHEF = Principal(2, "chef74", "Chef", Role.CHEF_DE_QUART, ("74",))
HEADER = SAMPLE.read_text(encoding="utf-8-sig").splitlines()[0]
MONDAY_10H = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)  # 10h00 in Paris


def csv_of(*lines: str) -> io.BytesIO:
    return io.BytesIO(("\n".join((HEADER, *lines)) + "\n").encode())


def lunel(**values: str) -> str:
    """One line of the file for the Lunel unit, with some values replaced."""
    fields = dict(
        id="1009402",
        service="Brigade territoriale autonome de Lunel",
        telephone="04 67 00 00 06",
        cp="34400",
        insee="34145",
        x="4.1360",
        y="43.6756",
        horaires="$Lundi : 8h00-12h00 14h00-18h00",
    )
    fields.update(values)
    return (
        f"{fields['id']};{fields['service']};{fields['telephone']};;9 Rue de l'exemple;"
        f"{fields['cp']};Lunel;34;{fields['insee']};;;;{fields['x']};{fields['y']};;"
        f"{fields['horaires']}"
    )


@pytest.fixture
def sample() -> io.BytesIO:
    return io.BytesIO(SAMPLE.read_bytes())


@pytest.fixture
def service(database: Database) -> BrigadeService:
    return BrigadeService(database, clock=lambda: MONDAY_10H)


def count(database: Database) -> int:
    with database.session() as session:
        return session.scalar(select(func.count(Brigade.id))) or 0


def test_invalid_lines_refuse_the_whole_import_with_the_reason_per_line(
    service: BrigadeService, database: Database, sample: io.BytesIO
) -> None:
    with pytest.raises(BrigadeError) as refused:
        service.import_csv(ADMIN, sample)
    assert "rien n'a été importé" in refused.value.message
    assert [e.line for e in refused.value.errors] == [11, 12]
    outside = refused.value.errors[0]
    assert outside.unit == "1009404"
    assert "hors du département 34" in outside.message
    assert "74 — Haute-Savoie" in outside.message  # where the position really falls
    assert count(database) == 0


def test_import_skipping_invalid_lines_keeps_quoted_names_and_warns(
    service: BrigadeService, database: Database, sample: io.BytesIO
) -> None:
    report = service.import_csv(ADMIN, sample, skip_invalid=True)
    assert (report.added, report.updated, len(report.skipped)) == (9, 0, 2)
    assert any("1009403" in w and "pas de coordonnées" in w for w in report.warnings)
    with database.session() as session:
        assert session.get(Brigade, "1009404") is None  # rejected, not imported
        seynod = session.get(Brigade, "1009102")
        assert seynod is not None
        assert seynod.service == 'Brigade de proximité de Seynod; accueil "principal"'
        renage = session.get(Brigade, "1008950")
        assert renage is not None and renage.horaires.splitlines()[0].startswith("Lundi")
        assert renage.adresse_geographique == "339 Rue de la République 38140 RENAGE"
        assert session.scalar(select(AuditEvent.action).order_by(AuditEvent.id.desc())) == (
            "annuaire_importe"
        )
    # Re-importing the same file changes nothing.
    again = service.import_csv(ADMIN, io.BytesIO(SAMPLE.read_bytes()), skip_invalid=True)
    assert (again.added, again.updated, again.unchanged) == (0, 0, 9)


@pytest.mark.parametrize(
    ("values", "reason"),
    [
        ({"telephone": "pas un numéro"}, "téléphone « pas un numéro » invalide"),
        ({"telephone": "04 67"}, "téléphone « 04 67 » invalide"),
        ({"horaires": "$Lundi : 99h-77h"}, "« 99h-77h » illisible"),
        ({"horaires": "$Lundi : 14h00-8h00"}, "finit avant de commencer"),
        ({"horaires": "$Lundi : 8h00-12h00 11h00-18h00"}, "se chevauchent"),
        ({"horaires": "$Lindi : 8h00-12h00"}, "jour « Lindi » inconnu"),
        ({"cp": "ABCDE"}, "code postal « ABCDE » invalide"),
        ({"cp": "34000"}, "le code postal 34000 n'est pas celui de Lunel (34400)"),
        ({"insee": "74010"}, "la commune Annecy (74010) est dans le département 74"),
    ],
)
def test_each_check_rejects_a_line_with_a_french_reason(
    service: BrigadeService, values: dict[str, str], reason: str
) -> None:
    with pytest.raises(BrigadeError) as refused:
        service.import_csv(ADMIN, csv_of(lunel(**values)))
    (error,) = refused.value.errors
    assert error.line == 2 and reason in error.message


def test_public_holidays_line_and_overseas_numbers_are_valid(service: BrigadeService) -> None:
    line = lunel(horaires="$Lundi : 8h00-12h00$Jours Fériés : 9h00-12h00")
    guyane = (
        "1009301;BTA de Saint-Laurent-du-Maroni;05 94 00 00 04;;Rue de l'exemple;97320;"
        "Saint-Laurent-du-Maroni;973;97311;;;;-54.0333;5.5000;;"
    )
    report = service.import_csv(ADMIN, csv_of(line, guyane))
    assert report.added == 2
    assert check_phone("05 94 00 00 04", "34") is not None  # a Guyane number in the Hérault
    assert check_postcode("74600", "74010", "74") is None  # Seynod, commune déléguée of Annecy


def test_a_swapped_position_is_recognised_and_can_be_fixed(
    service: BrigadeService, database: Database
) -> None:
    problem = check_position(4.1360, 43.6756, "34")
    assert problem is not None and "inversées" in problem.message
    assert problem.fix == {"lat": 43.6756, "lon": 4.1360}
    with pytest.raises(BrigadeError, match="1 ligne"):
        service.import_csv(ADMIN, csv_of(lunel(x="43.6756", y="4.1360")))
    report = service.import_csv(ADMIN, csv_of(lunel(x="43.6756", y="4.1360")), fix_swapped=True)
    assert report.added == 1 and report.fixed
    with database.session() as session:
        unit = session.get(Brigade, "1009402")
        assert unit is not None and (unit.lat, unit.lon) == (43.6756, 4.136)


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"", "vide"),
        (b"nom;ville\nA;B\n", "colonnes manquantes"),
        (b"\xff\xfe\x00garbage", "pas un fichier CSV"),
    ],
)
def test_malformed_files_are_explained(service: BrigadeService, data: bytes, expected: str) -> None:
    with pytest.raises(BrigadeFileError, match=expected):
        service.import_csv(ADMIN, io.BytesIO(data))


def test_cp1252_file_is_decoded(service: BrigadeService, database: Database) -> None:
    data = ("\n".join((HEADER, lunel(service="Brigade de Lunel — accueil"))) + "\n").encode(
        "cp1252"
    )
    assert service.import_csv(ADMIN, io.BytesIO(data)).added == 1
    assert service.brigades("34")[0].service == "Brigade de Lunel — accueil"


def test_only_administrators_change_the_directory(
    service: BrigadeService, sample: io.BytesIO
) -> None:
    with pytest.raises(PermissionDenied):
        service.import_csv(CHEF, sample, skip_invalid=True)
    with pytest.raises(PermissionDenied):
        service.update(CHEF, "1009402", 1, telephone="04 67 99 99 99")


def test_edit_is_checked_audited_and_detects_concurrent_change(
    service: BrigadeService, database: Database, sample: io.BytesIO
) -> None:
    service.import_csv(ADMIN, sample, skip_invalid=True)
    for bad, field in (
        ({"telephone": "pas un numéro"}, "telephone"),
        ({"horaires": "99h-77h"}, "horaires"),
        ({"code_postal": "ABCDE"}, "code_postal"),
        ({"lat": 45.9, "lon": 6.1}, "position"),
    ):
        with pytest.raises(BrigadeError) as refused:
            service.update(ADMIN, "1009402", 1, **bad)
        assert [p.field for p in refused.value.problems] == [field]
        assert refused.value.message.startswith("Fiche non enregistrée")
    updated = service.update(ADMIN, "1009402", 1, telephone="04 67 99 99 99", lat=43.68)
    assert (updated.version, updated.lat) == (2, 43.68)
    with pytest.raises(BrigadeError, match="modifiée entre-temps"):
        service.update(ADMIN, "1009402", 1, telephone="04 67 00 00 00")
    with database.session() as session:
        event = session.scalars(select(AuditEvent).order_by(AuditEvent.id.desc())).first()
        assert event is not None and event.action == "brigade_modifiee"
        assert "04 67 99 99 99" in event.details_json and "43.68" in event.details_json


def test_find_the_brigade_by_commune_and_by_position_with_opening_state(
    service: BrigadeService, sample: io.BytesIO
) -> None:
    service.import_csv(ADMIN, sample, skip_invalid=True)
    label, hits = service.find_for_commune("meythet")
    assert label == "Meythet (74), commune déléguée d'Annecy"
    assert {h.brigade.id for h in hits[:2]} == {"1009101", "1009102"}
    nearest = service.nearest(43.67, 4.13, limit=1)  # close to Lunel
    assert nearest[0].brigade.id == "1009402"
    assert nearest[0].distance_km is not None and nearest[0].distance_km < 2
    assert nearest[0].opening.text == "ouverte jusqu'à 12h00"


def test_far_away_units_are_not_proposed_for_a_commune(
    service: BrigadeService, sample: io.BytesIO
) -> None:
    service.import_csv(ADMIN, sample, skip_invalid=True)
    _, hits = service.find_for_commune("St-Laurent-du-Maroni")
    assert [h.brigade.id for h in hits] == ["1009301"]


def test_the_finder_never_proposes_a_unit_with_an_invalid_position(
    service: BrigadeService, database: Database, sample: io.BytesIO
) -> None:
    service.import_csv(ADMIN, sample, skip_invalid=True)
    # A unit written before positions were checked: in the Hérault, placed in Haute-Savoie.
    with database.session() as session:
        session.add(
            Brigade(
                id="1009404",
                service="Brigade mal placée",
                departement="34",
                code_insee="34032",
                lat=45.9090,
                lon=6.1258,
                updated_at=MONDAY_10H,
            )
        )
    proposed = {h.brigade.id for h in service.nearest(45.9088, 6.1257, limit=5)}
    assert "1009101" in proposed and "1009404" not in proposed


def test_import_report_as_json_from_the_cli(
    monkeypatch: pytest.MonkeyPatch, db_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("STOPCAMB_DATABASE_URL", db_url)
    monkeypatch.setenv("STOPCAMB_PASSWORD", "admin-pass-1")
    assert main(["user", "add", "root", "--role", "administrateur"]) == 0
    capsys.readouterr()
    args = ["brigades", "import", str(SAMPLE), "--json", "--operateur", "root"]
    assert main(args) == 1
    refused = json.loads(capsys.readouterr().out)
    assert refused["importe"] is False
    assert [(r["ligne"], r["unite"]) for r in refused["lignes_rejetees"]] == [
        (11, "1009404"),
        (12, None),
    ]
    assert main([*args, "--ignorer-invalides"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert (report["importe"], report["ajoutees"], len(report["lignes_rejetees"])) == (True, 9, 2)


@pytest.mark.postgres
def test_two_desks_editing_the_same_brigade_on_postgresql(pg_url: str) -> None:
    """Two desks share one PostgreSQL base: the second save of the same version is refused."""
    desk_a, desk_b = desk_db(pg_url), desk_db(pg_url)
    try:
        a, b = BrigadeService(desk_a), BrigadeService(desk_b)
        with SAMPLE.open("rb") as fh:
            a.import_csv(ADMIN, fh, skip_invalid=True)
        seen_by_b = {x.id: x for x in b.brigades("34")}["1009402"]
        a.update(ADMIN, "1009402", 1, telephone="04 67 11 11 11")
        with pytest.raises(BrigadeError, match="1009402 a été modifiée entre-temps par admin le "):
            b.update(ADMIN, "1009402", seen_by_b.version, telephone="04 67 22 22 22")
        assert {x.id: x for x in b.brigades("34")}["1009402"].telephone == "04 67 11 11 11"
        # B's finder sees A's change of position at once (its index is rebuilt).
        b.nearest(43.67, 4.13)
        a.update(ADMIN, "1009402", 2, lat=43.60, lon=4.00)
        assert b.nearest(43.60, 4.00, 1)[0].distance_km == 0.0
    finally:
        desk_a.dispose()
        desk_b.dispose()


class PausedClock:
    """Desk A's clock: its edit stops when it dates the change — the fiche already read and
    its version checked — until the test lets it go, so that desk B saves in between."""

    def __init__(self) -> None:
        self.pause = Pause()

    def __call__(self) -> datetime:
        self.pause.here()
        return datetime.now(UTC)


def test_two_desks_editing_the_same_brigade_at_once_on_one_sqlite_file(sqlite_url: str) -> None:
    """Two desks (two engines) on one SQLite file both read version 1 of a fiche; desk B saves
    first; desk A's save must be refused in French, not overwrite B's telephone."""
    desk_a, desk_b = desk_db(sqlite_url), desk_db(sqlite_url)
    paused = PausedClock()
    try:
        with SAMPLE.open("rb") as fh:
            BrigadeService(desk_b).import_csv(ADMIN, fh, skip_invalid=True)

        def save_on_desk_b() -> None:  # while desk A, having read version 1, dates its change
            b = BrigadeService(desk_b)
            assert b.update(ADMIN, "1009402", 1, telephone="04 67 22 22 22").version == 2

        lost = interleaved(
            paused.pause,
            lambda: BrigadeService(desk_a, clock=paused).update(
                ADMIN, "1009402", 1, telephone="04 67 11 11 11"
            ),
            save_on_desk_b,
        )
        assert isinstance(lost, BrigadeError), repr(lost)
        # Who and when, from the trail (desk B saved as admin).
        assert lost.message.startswith("La fiche 1009402 a été modifiée entre-temps par admin le ")
        assert lost.message.endswith(
            " : rien n'a été enregistré. Rechargez-la pour voir ses nouvelles valeurs."
        )
        kept = {x.id: x for x in BrigadeService(desk_a).brigades("34")}["1009402"]
        assert (kept.telephone, kept.version) == ("04 67 22 22 22", 2)
        with desk_a.session() as session:
            edits = session.scalars(
                select(AuditEvent.details_json).where(AuditEvent.action == "brigade_modifiee")
            ).all()
        assert len(edits) == 1 and "04 67 22 22 22" in edits[0]  # nothing of desk A's save
    finally:
        desk_a.dispose()
        desk_b.dispose()
