"""Brigade directory: all-or-nothing CSV import, audited edits, « trouver la brigade »."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from stopcamb_desk.domain.brigades import BrigadeFileError
from stopcamb_desk.domain.roles import PermissionDenied, Principal, Role
from stopcamb_desk.models import AuditEvent, Brigade
from stopcamb_desk.models.db import Database
from stopcamb_desk.services.brigades import BrigadeError, BrigadeService

# The format sample of the data.gouv.fr file (values illustrative), copied from shared/data.
SAMPLE = Path(__file__).with_name("data") / "unites-gendarmerie-exemple.csv"
ADMIN = Principal(1, "admin", "Admin", Role.ADMINISTRATEUR)
CHEF = Principal(2, "chef74", "Chef", Role.CHEF_DE_QUART, ("74",))


@pytest.fixture
def sample() -> bytes:
    return SAMPLE.read_bytes()


@pytest.fixture
def service(database: Database) -> BrigadeService:
    return BrigadeService(database)


def count(database: Database) -> int:
    with database.session() as session:
        return session.scalar(select(func.count(Brigade.id))) or 0


def test_invalid_line_refuses_the_whole_import(
    service: BrigadeService, database: Database, sample: bytes
) -> None:
    with pytest.raises(BrigadeError) as refused:
        service.import_csv(ADMIN, sample)
    assert "rien n'a été importé" in refused.value.message
    assert [e.line for e in refused.value.errors] == [12]
    assert count(database) == 0


def test_import_skipping_invalid_lines_keeps_quoted_names_and_warns(
    service: BrigadeService, database: Database, sample: bytes
) -> None:
    report = service.import_csv(ADMIN, sample, skip_invalid=True)
    assert (report.added, report.updated, len(report.skipped)) == (10, 0, 1)
    assert any("1009404" in w and "hors du département" in w for w in report.warnings)
    assert any("1009403" in w and "pas de coordonnées" in w for w in report.warnings)
    with database.session() as session:
        seynod = session.get(Brigade, "1009102")
        assert seynod is not None
        assert seynod.service == 'Brigade de proximité de Seynod; accueil "principal"'
        renage = session.get(Brigade, "1008950")
        assert renage is not None and renage.horaires.splitlines()[0].startswith("Lundi")
        assert session.scalar(select(AuditEvent.action).order_by(AuditEvent.id.desc())) == (
            "annuaire_importe"
        )
    # Re-importing the same file changes nothing.
    again = service.import_csv(ADMIN, sample, skip_invalid=True)
    assert (again.added, again.updated, again.unchanged) == (0, 0, 10)


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
        service.import_csv(ADMIN, data)


def test_only_administrators_change_the_directory(service: BrigadeService, sample: bytes) -> None:
    with pytest.raises(PermissionDenied):
        service.import_csv(CHEF, sample, skip_invalid=True)


def test_edit_is_audited_and_detects_concurrent_change(
    service: BrigadeService, database: Database, sample: bytes
) -> None:
    service.import_csv(ADMIN, sample, skip_invalid=True)
    updated = service.update(ADMIN, "1009402", 1, telephone="04 67 99 99 99")
    assert updated.version == 2
    with pytest.raises(BrigadeError, match="modifiée entre-temps"):
        service.update(ADMIN, "1009402", 1, telephone="04 67 00 00 00")
    with database.session() as session:
        event = session.scalars(select(AuditEvent).order_by(AuditEvent.id.desc())).first()
        assert event is not None and event.action == "brigade_modifiee"
        assert "04 67 99 99 99" in event.details_json


def test_find_the_brigade_by_commune_and_by_position(
    service: BrigadeService, sample: bytes
) -> None:
    service.import_csv(ADMIN, sample, skip_invalid=True)
    label, hits = service.find_for_commune("meythet")
    assert label == "Meythet (74), commune déléguée d'Annecy"
    assert {h.brigade.id for h in hits[:2]} == {"1009101", "1009102"}
    nearest = service.nearest(43.67, 4.13, limit=1)  # close to Lunel
    assert nearest[0].brigade.id == "1009402"
    assert nearest[0].distance_km is not None and nearest[0].distance_km < 2


def test_far_away_units_are_not_proposed_for_a_commune(
    service: BrigadeService, sample: bytes
) -> None:
    service.import_csv(ADMIN, sample, skip_invalid=True)
    _, hits = service.find_for_commune("St-Laurent-du-Maroni")
    assert [h.brigade.id for h in hits] == ["1009301"]
