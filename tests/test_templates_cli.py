"""``stopcamb-desk templates``: list, add, edit, delete as each role, on a real SQLite file."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from desk import desk_db

from stopcamb_desk.cli import main
from stopcamb_desk.domain.roles import Role
from stopcamb_desk.services.accounts import AccountService

PASSWORD = "mot-de-passe-34"
SUMMER = (
    "Vous partez cet été ? Inscrivez-vous à l'opération tranquillité vacances auprès de votre "
    "brigade."
)
MEYTHET = (
    "MEYTHET, nombreux cambriolages dans les maisons, en fin de journée : prenez vos "
    "précautions et soyez vigilants, faites passer l'info !"
)


@pytest.fixture
def desk(monkeypatch: pytest.MonkeyPatch, sqlite_url: str) -> Iterator[None]:
    monkeypatch.setenv("STOPCAMB_DATABASE_URL", sqlite_url)
    monkeypatch.setenv("STOPCAMB_PASSWORD", PASSWORD)
    db = desk_db(sqlite_url)
    accounts = AccountService(db)
    accounts.create("opp34", PASSWORD, Role.OPP_NATIONAL, [])
    accounts.create("chef74", PASSWORD, Role.CHEF_DE_QUART, ["74"])
    db.dispose()
    yield


def run_json(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, object]:
    code = main([*argv, "--json"])
    return code, json.loads(capsys.readouterr().out)


def test_add_list_edit_delete(desk: None, capsys: pytest.CaptureFixture[str]) -> None:
    code, saved = run_json(
        capsys, "templates", "add", "--national", "--titre", "Vacances d'été", "--texte", SUMMER,
        "--operateur", "opp34",
    )  # fmt: skip
    assert code == 0 and isinstance(saved, dict)
    assert (saved["type"], saved["portee"]) == ("prevention", "National — prévention")

    assert main(["templates", "add", "--departement", "74", "--titre", "Fin de journée",
                 "--texte", MEYTHET, "--operateur", "chef74"]) == 0  # fmt: skip
    assert "créé (74 — Haute-Savoie)" in capsys.readouterr().out

    code, rows = run_json(capsys, "templates", "list", "--operateur", "chef74")
    assert code == 0 and [r["titre"] for r in rows] == ["Fin de journée"]  # type: ignore[union-attr]
    template_id = rows[0]["id"]  # type: ignore[index]

    assert main(["templates", "edit", str(template_id), "--titre", "Soirée",
                 "--operateur", "chef74"]) == 0  # fmt: skip
    assert "« Soirée » enregistré" in capsys.readouterr().out
    assert main(["templates", "list", "--operateur", "opp34"]) == 0
    listed = capsys.readouterr().out
    assert "Vacances d'été" in listed and "Soirée" not in listed

    assert main(["templates", "delete", str(template_id), "--operateur", "chef74"]) == 0
    assert "supprimé (74 — Haute-Savoie)" in capsys.readouterr().out
    assert main(["templates", "list", "--operateur", "chef74"]) == 0
    assert capsys.readouterr().out.strip() == "Aucun modèle."


def test_refusals_exit_1_with_the_reason(desk: None, capsys: pytest.CaptureFixture[str]) -> None:
    args = ["templates", "add", "--titre", "Essai", "--texte", MEYTHET]
    assert main([*args, "--departement", "34", "--operateur", "chef74"]) == 1
    assert "Le département 34 n'est pas le vôtre" in capsys.readouterr().err
    assert main([*args, "--national", "--operateur", "chef74"]) == 1
    assert "gérés par l'OPP du GGD34" in capsys.readouterr().err
    assert main([*args, "--departement", "74", "--operateur", "opp34"]) == 1
    assert "pas ceux d'un département" in capsys.readouterr().err
    suspicion = "Attention : personnes suspectes en repérage dans les zones artisanales"
    code = main(["templates", "add", "--titre", "Repérages", "--texte", suspicion,
                 "--departement", "74", "--operateur", "chef74"])  # fmt: skip
    assert code == 1 and "« suspectes »" in capsys.readouterr().err
    assert main(["templates", "list", "--departement", "34", "--operateur", "chef74"]) == 1
    capsys.readouterr()
    assert main(["templates", "add", "--titre", "Sans portée", "--texte", MEYTHET]) == 2
    assert main(["templates", "list", "--operateur", "chef74"]) == 0
    assert capsys.readouterr().out.strip() == "Aucun modèle."
