"""The directory out of the desk: a lossless data.gouv.fr CSV, the JSON the app reads, and the
audited publication to the app's Realtime Database (loopback peer) with its diff shown first."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from desk import desk_db
from rtdb_server import RtdbTestServer, Step
from sqlalchemy import select
from tcp_proxy import tcp_proxy

from stopcamb_desk.cli import main
from stopcamb_desk.config import load_settings
from stopcamb_desk.domain.roles import PermissionDenied, Principal, Role
from stopcamb_desk.models import AuditEvent
from stopcamb_desk.models.db import Database, DatabaseError
from stopcamb_desk.push.brigade_directory import (
    DirectoryPublishError,
    RtdbDirectory,
    SimulationDirectory,
    directory_target_for,
)
from stopcamb_desk.services.brigade_export import app_document, export_csv
from stopcamb_desk.services.brigade_publication import BrigadePublisher
from stopcamb_desk.services.brigades import BrigadeError, BrigadeService

SAMPLE = Path(__file__).with_name("data") / "unites-gendarmerie-exemple.csv"
ADMIN = Principal(1, "admin", "Admin", Role.ADMINISTRATEUR)
CHEF = Principal(2, "chef74", "Chef", Role.CHEF_DE_QUART, ("74",))
NOW = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)


@pytest.fixture
def service(database: Database) -> BrigadeService:
    service = BrigadeService(database, clock=lambda: NOW)
    with SAMPLE.open("rb") as fh:
        service.import_csv(ADMIN, fh, skip_invalid=True)
    return service


def exported(service: BrigadeService) -> bytes:
    out = io.StringIO(newline="")
    export_csv(service.iter_all(), out)
    return out.getvalue().encode("utf-8")


def test_export_import_export_is_lossless(service: BrigadeService, tmp_path: Path) -> None:
    first = exported(service)
    assert first.startswith("\ufeffidentifiant_public_unite;service;telephone;".encode())
    text = first.decode("utf-8-sig")
    assert '"Brigade de proximité de Seynod; accueil ""principal"""' in text
    assert "2 Rue Danton 38500 VOIRON" in text  # a source column given back verbatim
    assert "$Lundi : 8h00-12h00 14h00-18h00$Mardi" in text
    other = desk_db(f"sqlite:///{tmp_path / 'other.sqlite3'}")
    other.upgrade()
    again = BrigadeService(other)
    report = again.import_csv(ADMIN, io.BytesIO(first))
    assert (report.added, report.skipped) == (9, [])
    assert exported(again) == first
    # And the original file re-imported over its own export changes nothing.
    assert service.import_csv(ADMIN, io.BytesIO(first)).unchanged == 9
    other.dispose()


def test_app_json_has_structured_hours_time_zone_and_holidays(service: BrigadeService) -> None:
    document = app_document(service.iter_all(), NOW)
    renage = document["brigades"]["1008950"]
    assert renage["horaires"]["lundi"] == [["08:00", "12:00"], ["14:00", "18:00"]]
    assert renage["horaires"]["jours_feries"] == [["09:00", "12:00"], ["15:00", "18:00"]]
    assert renage["telephone_international"] == "+33476653017"
    assert (renage["fuseau_horaire"], renage["jours_feries"]) == ("Europe/Paris", "FR")
    guyane = document["brigades"]["1009301"]
    assert (guyane["fuseau_horaire"], guyane["jours_feries"]) == ("America/Cayenne", "FR-973")
    assert document["meta"]["jours_feries"]["FR-973"]["2026-06-10"] == "Abolition de l'esclavage"
    assert document["meta"]["jours_feries"]["FR"]["2026-12-25"] == "Noël"
    assert document["brigades"]["1009403"]["position"] is None  # no coordinates
    assert document["meta"]["nombre"] == 9


def test_cli_export_both_formats(
    service: BrigadeService,
    database: Database,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("STOPCAMB_DATABASE_URL", database.url)
    out = tmp_path / "annuaire.csv"
    assert main(["brigades", "export", "--format", "csv", "--sortie", str(out)]) == 0
    assert "9 brigade(s) exportée(s)" in capsys.readouterr().out
    assert out.read_bytes() == exported(service)
    assert main(["brigades", "export", "--format", "json"]) == 0
    assert set(json.loads(capsys.readouterr().out)["brigades"]) >= {"1009402", "1009301"}


def test_publication_shows_the_diff_then_sends_it_once_audited(
    service: BrigadeService, database: Database
) -> None:
    with RtdbTestServer() as server:
        target = RtdbDirectory(server.database_url, None)
        publisher = BrigadePublisher(database, target, clock=lambda: NOW)
        try:
            first = publisher.preview(ADMIN)
            assert (len(first.added), first.changed, first.removed) == (9, [], [])
            assert "1009402 — Brigade territoriale autonome de Lunel" in first.added
            assert first.target.startswith("ÉMULATEUR")
            assert server.writes() == []  # a preview sends nothing
            publisher.publish(ADMIN, first.token)
            tree = server.value("/annuaire_brigades")
            assert set(tree["brigades"]) == {b.id for b in service.brigades()}
            assert tree["brigades"]["1009402"]["telephone"] == "04 67 00 00 06"
            assert (
                tree["meta"]["nombre"] == 9 and tree["meta"]["publie_le"] == "2026-12-07T09:00:00Z"
            )
            assert len(server.writes()) == 1 and server.writes()[0].method == "PATCH"
            assert publisher.preview(ADMIN).empty

            service.update(ADMIN, "1009402", 1, telephone="04 67 99 99 99")
            second = publisher.preview(ADMIN)
            assert second.changed == ["1009402 — Brigade territoriale autonome de Lunel"]
            assert second.summary().startswith("0 brigade(s) ajoutée(s), 1 modifiée(s)")
            # The directory changes between the preview and the click: refused, nothing sent.
            service.update(ADMIN, "1009101", 1, telephone="04 50 99 99 99")
            with pytest.raises(BrigadeError, match="a changé depuis l'aperçu"):
                publisher.publish(ADMIN, second.token)
            assert len(server.writes()) == 1
            third = publisher.preview(ADMIN)
            publisher.publish(ADMIN, third.token)
            assert server.value("/annuaire_brigades/brigades/1009402/telephone") == "04 67 99 99 99"
            body = server.writes()[-1].body
            assert set(body) == {"brigades/1009402", "brigades/1009101", "meta"}  # the diff only
        finally:
            publisher.close()
    with database.session() as session:
        actions = session.scalars(
            select(AuditEvent.action).where(AuditEvent.action == "annuaire_publie")
        ).all()
        assert len(actions) == 2


LEGACY_IDS = ("meta/version", "1009.402", "1009#4", "$ref", "[0]", "10094\x07")


def test_units_with_an_identifier_imported_before_todays_checks_are_never_published(
    service: BrigadeService, database: Database
) -> None:
    """An older desk imported units whose identifier is a path or a key the app's database
    refuses: the publication names them and sends the rest, never them."""
    from stopcamb_desk.models import Brigade, BrigadePublished

    sample = {b.id for b in service.brigades()}
    with database.session() as session:
        lunel = session.get(Brigade, "1009402")
        assert lunel is not None
        values = {c.key: getattr(lunel, c.key) for c in Brigade.__table__.columns}
        for ident in LEGACY_IDS:
            session.add(Brigade(**{**values, "id": ident, "service": f"Unité {ident[:4]}"}))
        session.add(BrigadePublished(brigade_id="old.unit", entry_hash="x", published_at=NOW))
    with RtdbTestServer() as server:
        publisher = BrigadePublisher(database, RtdbDirectory(server.database_url, None))
        try:
            preview = publisher.preview(ADMIN)
            assert (len(preview.added), preview.removed, preview.total) == (9, [], 9)
            assert set(preview.refused) == {*LEGACY_IDS, "old.unit"}
            summary = preview.summary()
            assert "7 fiche(s) non publiée(s), identifiant invalide" in summary
            assert "« meta/version »" in summary and "« 10094U+0007 »" in summary
            assert "importez ces unités avec leur identifiant data.gouv.fr" in summary
            assert "« 1009#4 » — Unité 1009" in preview.details()
            publisher.publish(ADMIN, preview.token)
            body = server.writes()[-1].body
            assert set(body) == {f"brigades/{b}" for b in sample} | {"meta"}
            tree = server.value("/annuaire_brigades")
            assert set(tree["brigades"]) == sample and tree["meta"]["nombre"] == 9
            again = publisher.preview(ADMIN)
            assert again.empty and "7 fiche(s) non publiée(s)" in again.summary()
        finally:
            publisher.close()
    with database.session() as session:
        event = session.scalars(
            select(AuditEvent).where(AuditEvent.action == "annuaire_publie")
        ).one()
        details = json.loads(event.details_json)
        assert sorted(details["non_publiees"]) == sorted([*LEGACY_IDS, "old.unit"])


def test_a_failed_publication_records_nothing_and_can_be_retried(
    service: BrigadeService, database: Database
) -> None:
    with RtdbTestServer() as server:
        publisher = BrigadePublisher(database, RtdbDirectory(server.database_url, None))
        try:
            preview = publisher.preview(ADMIN)
            server.script(Step(status=503))
            with pytest.raises(DirectoryPublishError) as failed:
                publisher.publish(ADMIN, preview.token)
            assert "momentanément indisponible" in failed.value.message
            assert "L'annuaire du poste est inchangé" in failed.value.message
            assert publisher.preview(ADMIN).token == preview.token  # same changes still to send
            publisher.publish(ADMIN, preview.token)
            assert len(server.value("/annuaire_brigades/brigades")) == 9
        finally:
            publisher.close()


@pytest.mark.postgres
def test_a_database_gone_while_the_app_takes_the_publication_says_it_was_published(
    pg_url: str,
) -> None:
    """The shared database goes away once the app's directory took the changes: the French
    error says they are in the app and to publish again, which sends the same changes and
    records them."""
    with tcp_proxy() as proxy, RtdbTestServer() as server:
        db = desk_db(proxy.url(pg_url.rsplit("/", 1)[1]))
        service = BrigadeService(db, clock=lambda: NOW)
        with SAMPLE.open("rb") as fh:
            service.import_csv(ADMIN, fh, skip_invalid=True)
        publisher = BrigadePublisher(db, RtdbDirectory(server.database_url, None))
        try:
            preview = publisher.preview(ADMIN)
            server.script(Step(after=proxy.cut))
            with pytest.raises(DatabaseError) as refused:
                publisher.publish(ADMIN, preview.token)
            assert "L'annuaire est publié dans l'application" in refused.value.message
            assert "publiez de nouveau" in refused.value.message
            assert len(server.value("/annuaire_brigades/brigades")) == 9  # the app has them
            proxy.restore()
            db.engine.dispose()
            again = publisher.preview(ADMIN)
            assert again.token == preview.token  # the desk still has them to publish
            publisher.publish(ADMIN, again.token)
            assert publisher.preview(ADMIN).empty
            assert len(server.value("/annuaire_brigades/brigades")) == 9
        finally:
            publisher.close()
            db.dispose()


def test_only_an_administrator_publishes(service: BrigadeService, database: Database) -> None:
    publisher = BrigadePublisher(database, SimulationDirectory(Path("/nonexistent")))
    with pytest.raises(PermissionDenied):
        publisher.preview(CHEF)
    with pytest.raises(PermissionDenied):
        publisher.publish(CHEF, "token")


def test_without_firebase_the_publication_is_a_labelled_simulation(tmp_path: Path) -> None:
    target = directory_target_for(load_settings({"STOPCAMB_DATA_DIR": str(tmp_path)}))
    assert target.simulated and target.description.startswith("SIMULATION")
    target.apply({"brigades/1": {"nom": "A"}, "meta": {"nombre": 1}})
    target.apply({"brigades/1": None, "brigades/2": {"nom": "B"}})
    assert target.tree() == {"brigades": {"2": {"nom": "B"}}, "meta": {"nombre": 1}}


def test_cli_publish_previews_then_publishes_with_oui(
    service: BrigadeService,
    database: Database,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("STOPCAMB_DATABASE_URL", database.url)
    monkeypatch.setenv("STOPCAMB_PASSWORD", "admin-pass-1")
    assert main(["user", "add", "root", "--role", "administrateur"]) == 0
    with RtdbTestServer() as server:
        monkeypatch.setenv("STOPCAMB_NEWS_DATABASE_URL", server.database_url)
        assert main(["brigades", "publish", "--operateur", "root"]) == 1  # preview only
        out = capsys.readouterr()
        assert "9 brigade(s) ajoutée(s)" in out.out and "--oui" in out.err
        assert server.writes() == []
        assert main(["brigades", "publish", "--oui", "--json", "--operateur", "root"]) == 0
        result = json.loads(capsys.readouterr().out)
        assert result["publie"] is True and len(result["ajoutees"]) == 9
        assert len(server.value("/annuaire_brigades/brigades")) == 9


def test_formula_like_cells_are_neutralised_and_come_back_on_import(
    service: BrigadeService, tmp_path: Path
) -> None:
    """A value a spreadsheet would run (« =cmd|' /C calc'!A0 ») is exported behind « ' »; the
    desk's import of its own export takes the « ' » off: the values and the bytes come back."""
    header = SAMPLE.read_text(encoding="utf-8-sig").splitlines()[0]
    hostile = (
        "1009499;=cmd|' /C calc'!A0;+33 4 67 00 00 09;@SOMME(1+1);9 Rue du Port;34400;"
        "Lunel;34;34145;;;;4.1360;43.6756;;"
    )
    source = tmp_path / "source.csv"
    source.write_text(f"{header}\n{hostile}\n", encoding="utf-8")
    with source.open("rb") as fh:
        service.import_csv(ADMIN, fh)
    service.update(ADMIN, "1009499", 1, adresse='\'=HYPERLINK("x")')  # typed with its « ' »
    first = tmp_path / "annuaire.csv"
    with first.open("w", encoding="utf-8", newline="") as out:
        export_csv(service.iter_all(), out)
    with first.open(encoding="utf-8-sig", newline="") as fh:
        rows = {r[0]: r for r in csv.reader(fh, delimiter=";")}
    cells = rows["1009499"]
    assert cells[1:6] == [
        "'=cmd|' /C calc'!A0",
        "'+33 4 67 00 00 09",
        "'@SOMME(1+1)",
        "''=HYPERLINK(\"x\")",  # a value starting with « '= » keeps its own « ' »
        "34400",
    ]
    assert rows["1009301"][12] == "-54.0333"  # a negative longitude is a number, left as is
    every = [cell for row in rows.values() for cell in row]
    formulas = [c for c in every if c[:1] in ("=", "+", "-", "@", "\t", "\r")]
    assert formulas == ["-54.0333"]  # only the number

    other = desk_db(f"sqlite:///{tmp_path / 'other.sqlite3'}")
    try:
        other.upgrade()
        again = BrigadeService(other)
        with first.open("rb") as fh:
            assert again.import_csv(ADMIN, fh).added == 10
        unit = {b.id: b for b in again.iter_all()}["1009499"]
        assert (unit.service, unit.telephone, unit.adresse_geographique, unit.adresse) == (
            "=cmd|' /C calc'!A0",
            "+33 4 67 00 00 09",
            "@SOMME(1+1)",
            '\'=HYPERLINK("x")',
        )
        assert {b.id: b for b in again.iter_all()}["1009301"].lon == -54.0333
        second = tmp_path / "encore.csv"
        with second.open("w", encoding="utf-8", newline="") as out:
            export_csv(again.iter_all(), out)
        assert second.read_bytes() == first.read_bytes()
    finally:
        other.dispose()
