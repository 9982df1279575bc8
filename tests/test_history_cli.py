"""`audit verify` catches an audit row changed out of band; `history` filters like the GUI."""

from __future__ import annotations

import json

import pytest
from desk import desk_db, tamper
from history_fixtures import add_alert, add_operator
from sqlalchemy import text

from stopcamb_desk.cli import main
from stopcamb_desk.domain.roles import Role
from stopcamb_desk.models.db import Database
from stopcamb_desk.services import audit
from stopcamb_desk.services.accounts import AccountService


@pytest.fixture
def cli_db(monkeypatch: pytest.MonkeyPatch, db_url: str) -> Database:
    monkeypatch.setenv("STOPCAMB_DATABASE_URL", db_url)
    db = desk_db(db_url)
    yield db
    db.dispose()


def test_audit_verify_passes_then_reports_first_tampered_row(
    cli_db: Database, capsys: pytest.CaptureFixture[str]
) -> None:
    with cli_db.session() as session:
        for i in range(6):
            audit.record(session, "chef74", "connexion", "operateur", i, {"poste": f"p{i}"})
    assert main(["audit", "verify"]) == 0
    out = capsys.readouterr().out
    assert "intègre : 6 événement(s)" in out

    # Someone edits event 4 directly in the database to hide where the login came from.
    with cli_db.session() as session:
        tamper(
            session,
            "UPDATE audit_events SET details_json = :d WHERE id = 4",
            {"d": json.dumps({"poste": "autre chose"})},
        )
    assert main(["audit", "verify"]) == 1
    out = capsys.readouterr().out
    assert "ALTÉRÉ" in out and "n° 4" in out and "événement modifié" in out
    assert "acteur « chef74 »" in out

    assert main(["audit", "verify", "--json"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert report["intact"] is False and report["premier_maillon_rompu"] == 4


def test_audit_verify_detects_inserted_row(
    cli_db: Database, capsys: pytest.CaptureFixture[str]
) -> None:
    with cli_db.session() as session:
        for i in range(3):
            audit.record(session, "admin", "compte_modifie", "operateur", i)
        session.execute(
            text(
                "INSERT INTO audit_events (id, at, actor, action, object_type, object_id, "
                "details_json, prev_hash, hash) SELECT 4, at, 'intrus', 'envoi', '', '', '{}', "
                "hash, 'f00' FROM audit_events WHERE id = 3"
            )
        )
    assert main(["audit", "verify"]) == 1
    assert "n° 4" in capsys.readouterr().out


def test_history_lists_only_the_operator_departement(
    cli_db: Database, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    accounts = AccountService(cli_db)
    chef = accounts.create("chef74", "mot-de-passe-74", Role.CHEF_DE_QUART, ["74"])
    other = add_operator(cli_db, "chef73", Role.CHEF_DE_QUART, ("73",))
    add_alert(cli_db, chef, minutes=1, text="ANNECY, cambriolages en série")
    add_alert(cli_db, chef, minutes=2, status="echec", text="THÔNES, vols")
    add_alert(cli_db, other, departement="73", minutes=3, text="CHAMBÉRY, vols")
    monkeypatch.setenv("STOPCAMB_PASSWORD", "mot-de-passe-74")

    assert main(["history", "--operateur", "chef74", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [r["texte"] for r in rows] == ["THÔNES, vols", "ANNECY, cambriolages en série"]

    assert main(["history", "--operateur", "chef74", "--status", "échec"]) == 0
    out = capsys.readouterr().out
    assert "THÔNES" in out and "ANNECY" not in out and "Échec" in out

    assert main(["history", "--operateur", "chef74", "--departement", "73"]) == 1
    assert "non autorisé" in capsys.readouterr().err

    assert main(["history", "--operateur", "chef74", "--since", "hier"]) == 2
    assert "Date invalide" in capsys.readouterr().err

    monkeypatch.setenv("STOPCAMB_PASSWORD", "mauvais-mot-de-passe")
    assert main(["history", "--operateur", "chef74"]) == 1
    assert "incorrect" in capsys.readouterr().err


def test_audit_list_is_for_administrators(
    cli_db: Database, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    accounts = AccountService(cli_db)
    accounts.create("admin", "mot-de-passe-adm", Role.ADMINISTRATEUR)
    accounts.create("chef74", "mot-de-passe-adm", Role.CHEF_DE_QUART, ["74"])
    monkeypatch.setenv("STOPCAMB_PASSWORD", "mot-de-passe-adm")
    assert main(["audit", "list", "--operateur", "admin", "--action", "compte_cree", "--json"]) == 0
    events = json.loads(capsys.readouterr().out)
    assert [e["objet"] for e in events] == ["operateur chef74", "operateur admin"]
    assert main(["audit", "list", "--operateur", "chef74"]) == 1
    assert "réservé aux administrateurs" in capsys.readouterr().err
