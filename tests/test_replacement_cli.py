"""``stopcamb-desk replace`` / ``retract`` in SIMULATION: exit codes 0/1/2 and what they print."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from outbox_fixtures import MEYTHET

from stopcamb_desk.cli import main
from stopcamb_desk.config import DEFAULT_RETRACTION_TEXT
from stopcamb_desk.push.simulation import JOURNAL_NAME

FAIT = f"plainte:2026/00123:{date.today().isoformat()}"
CORRECTION = (
    "ANNECY, nombreux cambriolages dans les maisons, en fin de journée : prenez vos "
    "précautions et soyez vigilants, faites passer l'info !"
)


@pytest.fixture
def first_alert(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> int:
    monkeypatch.setenv("STOPCAMB_PASSWORD", "Un-mot-de-passe-solide-74")
    for login in ("chef74", "chef73"):
        dep = login[-2:]
        assert main(["user", "add", login, "--role", "chef_de_quart", "--departements", dep]) == 0
    send = ["send", "--departement", "74", "--text", MEYTHET, "--fait", FAIT]
    assert main([*send, "--operateur", "chef74"]) == 0
    capsys.readouterr()
    return 1


def journal(home: Path) -> list[dict]:  # type: ignore[type-arg]
    lines = (home / "data" / JOURNAL_NAME).read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def test_replace_then_retract(
    first_alert: int, capsys: pytest.CaptureFixture[str], isolated_settings: Path
) -> None:
    code = main(["replace", str(first_alert), "--text", CORRECTION, "--operateur", "chef74"])
    out = capsys.readouterr().out
    assert code == 0, out
    assert out.startswith("SIMULATION — Remplacement de l'alerte n° 1 : alerte n° 2 envoyée")
    assert "l'alerte n° 1 est remplacée" in out
    replacement = journal(isolated_settings)[-1]["message"]
    assert replacement["notification"]["body"] == CORRECTION
    assert replacement["data"]["replaces"] == "1"
    assert replacement["android"]["notification"]["tag"] == "stopcamb_dep_74"

    assert main(["retract", "2", "--operateur", "chef74", "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert (result["alerte"], result["remplace"], result["retrait"]) == (3, 2, True)
    assert result["statut"] == "envoyee" and result["simulation"] is True
    withdrawal = journal(isolated_settings)[-1]["message"]
    assert withdrawal["notification"]["body"] == DEFAULT_RETRACTION_TEXT
    assert withdrawal["data"]["retraction"] == "1"

    assert main(["history", "--json", "--operateur", "chef74"]) == 0
    statuses = {row["id"]: row["statut"] for row in json.loads(capsys.readouterr().out)}
    assert statuses == {1: "remplacee", 2: "retiree", 3: "envoyee"}


def test_refusals_exit_1(first_alert: int, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["retract", "1", "--operateur", "chef74"]) == 0
    capsys.readouterr()
    # Not the head any more: the operator is told who withdrew it and which alert is shown.
    assert main(["replace", "1", "--text", CORRECTION, "--operateur", "chef74"]) == 1
    err = capsys.readouterr().err
    assert "déjà été retirée par chef74 le " in err
    assert "C'est l'alerte n° 2 qui est sur les téléphones" in err

    suspicion = "Attention : véhicule ou personnes suspectes en repérage dans les zones artisanales"
    assert main(["replace", "2", "--text", suspicion, "--operateur", "chef74"]) == 1
    assert "Envoi impossible" in capsys.readouterr().err
    assert main(["retract", "2", "--operateur", "chef73"]) == 1  # another département
    assert "introuvable" in capsys.readouterr().err


def test_usage_errors_exit_2(first_alert: int, capsys: pytest.CaptureFixture[str]) -> None:
    for argv in (["replace", "1", "--operateur", "chef74"], ["retract", "premier"]):
        assert main(argv) == 2  # argparse: missing --text, ID not a number
    capsys.readouterr()
    assert (
        main(["replace", "1", "--text", CORRECTION, "--fait", "plainte", "--operateur", "x"]) == 2
    )
    assert "--fait illisible" in capsys.readouterr().err
    assert main(["retract", "1"]) == 2  # no --operateur
    assert "--operateur" in capsys.readouterr().err
