"""The brigade directory as a shared, audited record: an import that rewrites a fiche says so
in the trail (who, before, after), an edit refused because of it names the import, and files
saved by Excel in UTF-16 are read. Real SQLite files and PostgreSQL."""

from __future__ import annotations

import csv
import io
import json

import pytest
from desk import Pause, desk_db, interleaved
from sqlalchemy import event, select, text
from test_brigades import ADMIN, MONDAY_10H, SAMPLE, csv_of, lunel

from stopcamb_desk.domain.roles import Principal, Role
from stopcamb_desk.models import AuditEvent
from stopcamb_desk.models.db import Database, DatabaseError
from stopcamb_desk.services.brigades import BATCH_ROWS, BrigadeError, BrigadeService

BOB = Principal(3, "bob", "Bob", Role.ADMINISTRATEUR)


@pytest.fixture
def service(database: Database) -> BrigadeService:
    return BrigadeService(database, clock=lambda: MONDAY_10H)


def events(database: Database, action: str) -> list[AuditEvent]:
    with database.session() as session:
        return list(
            session.scalars(
                select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)
            )
        )


def test_an_import_that_rewrites_a_fiche_records_who_before_and_after(
    service: BrigadeService, database: Database
) -> None:
    service.import_csv(ADMIN, csv_of(lunel()))
    service.import_csv(BOB, csv_of(lunel(telephone="04 67 99 99 99"), lunel(id="1009499")))
    (rewritten,) = events(database, "brigade_importee")
    assert (rewritten.actor, rewritten.object_type, rewritten.object_id) == (
        "bob",
        "brigade",
        "1009402",
    )
    assert json.loads(rewritten.details_json) == {"telephone": ["04 67 00 00 06", "04 67 99 99 99"]}
    second = json.loads(events(database, "annuaire_importe")[-1].details_json)
    assert second["ajoutees_ids"] == ["1009499"] and second["mises_a_jour_ids"] == ["1009402"]


def test_an_edit_refused_because_an_import_changed_the_fiche_names_the_import(
    service: BrigadeService,
) -> None:
    service.import_csv(ADMIN, csv_of(lunel()))
    service.update(ADMIN, "1009402", 1, telephone="04 67 11 11 11")  # admin's form: version 2
    service.import_csv(BOB, csv_of(lunel()))  # bob's import puts the file's number back
    with pytest.raises(BrigadeError) as refused:
        service.update(ADMIN, "1009402", 2, telephone="04 67 22 22 22")
    assert refused.value.message.startswith("La fiche 1009402 a été modifiée entre-temps par bob ")


@pytest.mark.postgres
def test_on_postgresql_an_import_and_an_edit_of_the_same_fiche_lose_nothing(pg_url: str) -> None:
    """Desk A's form holds version 1 when desk B's import rewrites the fiche: A's save is refused
    and names B's import; the trail holds B's before/after."""
    desk_a, desk_b = desk_db(pg_url), desk_db(pg_url)
    try:
        a, b = BrigadeService(desk_a), BrigadeService(desk_b)
        a.import_csv(ADMIN, csv_of(lunel()))
        b.import_csv(BOB, csv_of(lunel(telephone="04 67 99 99 99")))
        with pytest.raises(BrigadeError, match="entre-temps par bob "):
            a.update(ADMIN, "1009402", 1, telephone="04 67 11 11 11")
        assert {x.id: x for x in a.brigades("34")}["1009402"].telephone == "04 67 99 99 99"
        (rewritten,) = events(desk_a, "brigade_importee")
        assert json.loads(rewritten.details_json)["telephone"] == [
            "04 67 00 00 06",
            "04 67 99 99 99",
        ]
    finally:
        desk_a.dispose()
        desk_b.dispose()


@pytest.mark.parametrize("separator", [";", "\t"])
def test_a_file_saved_by_excel_in_utf16_is_read(service: BrigadeService, separator: str) -> None:
    """Excel's « Texte Unicode » and « CSV UTF-16 » save UTF-16 with a BOM (tab-separated for the
    former): the accents come back, it is no « binary file »."""
    rows = csv.reader(io.StringIO(SAMPLE.read_text(encoding="utf-8-sig")), delimiter=";")
    out = io.StringIO()
    csv.writer(out, delimiter=separator).writerows(rows)
    text = out.getvalue()
    report = service.import_csv(ADMIN, io.BytesIO(text.encode("utf-16")), skip_invalid=True)
    assert report.added == 9
    names = {b.id: b.service for b in service.brigades()}
    assert names["1008952"] == "Brigade de proximité de Voiron"


@pytest.mark.parametrize(
    ("query", "departements"),
    [("Vers", "46, 71, 74"), ("St Denis", "11, 30, 93, 974"), ("Beaulieu", "07, 14, 15, 21")],
)
def test_a_homonym_commune_typed_alone_is_said_and_how_to_choose(
    service: BrigadeService, query: str, departements: str
) -> None:
    """« Vers » is a commune of the Lot, of Saône-et-Loire and of Haute-Savoie: the finder
    answers for the most populated one, and says that the others exist and how to ask for
    them, whether brigades are near or not."""
    service.import_csv(ADMIN, io.BytesIO(SAMPLE.read_bytes()), skip_invalid=True)
    label, _ = service.find_for_commune(query)
    assert "attention : plusieurs communes s'appellent" in label.lower()
    assert f"(départements {departements}" in label
    assert "précisez le département" in label


@pytest.mark.parametrize("query", ["Lunel", "Meythet", "Vers (74)", "Saint-Denis 93200"])
def test_a_commune_without_homonym_or_already_qualified_gets_no_warning(
    service: BrigadeService, query: str
) -> None:
    service.import_csv(ADMIN, io.BytesIO(SAMPLE.read_bytes()), skip_invalid=True)
    label, _ = service.find_for_commune(query)
    assert "plusieurs communes" not in label


@pytest.mark.parametrize(
    ("x", "y", "said"),
    [
        ("4.1360°", "43.6756", "geocodage_x_GPS (longitude) « 4.1360° » invalide"),
        ("4.1360", "43°40'32\"N", "geocodage_y_GPS (latitude) « 43°40'32\"N » invalide"),
        ("4.1360", "143.6756", "geocodage_y_GPS (latitude) « 143.6756 » invalide"),
    ],
)
def test_an_unreadable_coordinate_is_named_with_what_to_type(
    service: BrigadeService, x: str, y: str, said: str
) -> None:
    line = lunel(x=x, y=y).replace(f";{y};", f';"{y.replace(chr(34), chr(34) * 2)}";')
    with pytest.raises(BrigadeError) as refused:
        service.import_csv(ADMIN, csv_of(line))
    (error,) = refused.value.errors
    assert error.line == 2 and said in error.message
    assert "degrés décimaux" in error.message and "ex. " in error.message


class PausedFile(io.BytesIO):
    """Desk A's CSV: its import stops once its first batch is written (the write lock held,
    its transaction open) until the test lets it go."""

    def __init__(self, data: bytes, pause: Pause, after: int) -> None:
        super().__init__(data)
        self.pause, self.after, self.paused = pause, after, False

    def _maybe_pause(self) -> None:
        if not self.paused and self.tell() >= self.after:
            self.paused = True
            self.pause.here()

    def read(self, size: int | None = -1, /) -> bytes:
        self._maybe_pause()
        return super().read(size)

    def read1(self, size: int | None = -1, /) -> bytes:  # what the text wrapper calls
        self._maybe_pause()
        return super().read1(size)


def big_import(units: int) -> bytes:
    return csv_of(*(lunel(id=str(2000000 + i)) for i in range(units))).getvalue()


def first_batch_written(data: bytes) -> int:
    """An offset read only after the first :data:`BATCH_ROWS` rows were flushed."""
    return len(data) * (BATCH_ROWS + 100) // (2 * BATCH_ROWS)


@pytest.mark.postgres
def test_the_database_lost_in_the_middle_of_an_import_is_said_in_french_and_nothing_is_half_written(
    pg_url: str,
) -> None:
    desk = desk_db(pg_url)
    try:
        service = BrigadeService(desk)
        service.import_csv(ADMIN, csv_of(lunel()))
        data = big_import(2 * BATCH_ROWS)
        pause = Pause()

        def server_drops_the_connection() -> None:
            with desk.engine.connect() as admin:
                admin.execute(
                    text(
                        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                        "WHERE datname = current_database() AND pid <> pg_backend_pid() "
                        "AND state = 'idle in transaction'"
                    )
                )

        failed = interleaved(
            pause,
            lambda: service.import_csv(ADMIN, PausedFile(data, pause, first_batch_written(data))),
            server_drops_the_connection,
        )
        assert isinstance(failed, DatabaseError), repr(failed)
        assert "injoignable" in failed.message and "ni enregistré" in failed.message
        assert [b.id for b in service.brigades()] == ["1009402"]
        assert len(events(desk, "annuaire_importe")) == 1
    finally:
        desk.dispose()


def test_an_edit_while_another_desk_imports_on_one_sqlite_file_is_told_to_wait(
    sqlite_url: str,
) -> None:
    """Desk A's import holds the SQLite file's write lock until it commits: desk B's save
    waits, then is refused in French (busy, try again), not as a network failure nor a bug."""
    desk_a, desk_b = desk_db(sqlite_url), desk_db(sqlite_url)

    @event.listens_for(desk_b.engine, "connect")
    def _wait_less(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
        dbapi_connection.execute("PRAGMA busy_timeout=200")  # the test need not wait 5 s

    try:
        BrigadeService(desk_a).import_csv(ADMIN, csv_of(lunel()))
        data = big_import(2 * BATCH_ROWS)
        pause = Pause()
        refused: list[BaseException] = []

        def save_on_desk_b() -> None:
            try:
                BrigadeService(desk_b).update(ADMIN, "1009402", 1, telephone="04 67 11 11 11")
            except Exception as exc:
                refused.append(exc)

        report = interleaved(
            pause,
            lambda: BrigadeService(desk_a).import_csv(
                ADMIN, PausedFile(data, pause, first_batch_written(data))
            ),
            save_on_desk_b,
        )
        assert not isinstance(report, BaseException), repr(report)
        (error,) = refused
        assert isinstance(error, DatabaseError), repr(error)
        assert "occupée par un autre poste" in error.message
        assert "PostgreSQL" not in error.message
        kept = {b.id: b for b in BrigadeService(desk_b).brigades()}["1009402"]
        assert (kept.telephone, kept.version) == ("04 67 00 00 06", 1)
    finally:
        desk_a.dispose()
        desk_b.dispose()


def test_codes_whose_leading_zero_excel_took_off_are_read_back(service: BrigadeService) -> None:
    """A file opened and saved again in Excel loses the leading zero of the Ain's codes (postal
    code 01000 → 1000, INSEE 01053 → 1053, département 01 → 1): read as the codes they were."""
    line = (
        "1000001;Brigade de Bourg-en-Bresse;04 74 00 00 00;;1 rue Exemple;1000;Bourg-en-Bresse;"
        "1;1053;;;;5.2258;46.20574;;$Lundi : 8h00-12h00"
    )
    report = service.import_csv(ADMIN, csv_of(line))
    assert report.added == 1
    (unit,) = service.brigades()
    assert (unit.code_postal, unit.code_insee, unit.departement) == ("01000", "01053", "01")
