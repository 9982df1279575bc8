"""``stopcamb-desk send``: dry run, SIMULATION, real FCM on loopback, refusals and exit codes."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from fcm_schema import validate_message
from fcm_script import error
from fcm_server import FcmTestServer
from outbox_fixtures import MEYTHET

from stopcamb_desk.cli import main
from stopcamb_desk.push.simulation import JOURNAL_NAME

FAIT = "plainte:2026/00123:2026-03-01"


@pytest.fixture
def chef(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> str:
    monkeypatch.setenv("STOPCAMB_PASSWORD", "Un-mot-de-passe-solide-74")
    args = ["user", "add", "chef74", "--role", "chef_de_quart", "--departements", "74"]
    assert main(args) == 0
    capsys.readouterr()
    return "chef74"


@pytest.fixture
def server(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[FcmTestServer]:
    with FcmTestServer() as srv:
        monkeypatch.setenv(
            "STOPCAMB_FCM_CREDENTIALS", str(srv.write_service_account(tmp_path / "sa.json"))
        )
        monkeypatch.setenv("STOPCAMB_FCM_ENDPOINT", srv.base_url)
        yield srv


def _send(*extra: str) -> int:
    return main(["send", "--departement", "74", "--text", MEYTHET, "--fait", FAIT, *extra])


def test_dry_run_prints_a_valid_payload_and_touches_nothing(
    capsys: pytest.CaptureFixture[str], isolated_settings: Path
) -> None:
    assert _send("--dry-run", "--print-payload") == 0
    out, err = capsys.readouterr()
    body = json.loads(out)
    assert validate_message(body["message"]) == []
    assert body["message"]["topic"] == "dep_74"
    assert body["message"]["notification"]["body"] == MEYTHET
    assert "rien n'a été enregistré ni envoyé" in err
    assert not (isolated_settings / "data").exists()


def test_dry_run_still_refuses_a_suspicion_text(capsys: pytest.CaptureFixture[str]) -> None:
    text = "Attention : véhicule ou personnes suspectes en repérage dans les zones artisanales"
    code = main(["send", "--departement", "74", "--text", text, "--fait", FAIT, "--dry-run"])
    assert code == 1
    assert "Envoi impossible" in capsys.readouterr().err


def test_dry_run_refuses_a_commune_of_another_departement_unless_confirmed(
    capsys: pytest.CaptureFixture[str],
) -> None:
    text = "Série de cambriolages dans les commerces de Lodève cette nuit : fermez vos rideaux."
    argv = ["send", "--departement", "74", "--text", text, "--fait", FAIT, "--dry-run"]
    assert main(argv) == 1
    assert "Hérault (34)" in capsys.readouterr().err
    assert main([*argv, "--confirmer-lieu"]) == 0


def test_send_in_simulation_says_so(
    chef: str, capsys: pytest.CaptureFixture[str], isolated_settings: Path
) -> None:
    assert _send("--operateur", chef) == 0
    out = capsys.readouterr().out
    assert out.startswith("SIMULATION — Alerte n° 1 : Envoyée (projects/simulation/messages/1)")
    assert "aucun téléphone n'a reçu ce message" in out
    journal = (isolated_settings / "data" / JOURNAL_NAME).read_text(encoding="utf-8")
    assert json.loads(journal)["message"]["data"]["alert_id"] == "1"


def test_send_through_fcm_json_output(
    chef: str, server: FcmTestServer, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _send("--operateur", chef, "--json", "--print-payload") == 0
    result = json.loads(capsys.readouterr().out)
    assert result["statut"] == "envoyee" and result["simulation"] is False
    assert result["message_id"] == "projects/stopcamb-test/messages/1"
    (received,) = server.received
    assert received.body == {"message": result["message"]}


def test_permanent_failure_exits_1_with_the_french_reason(
    chef: str, server: FcmTestServer, capsys: pytest.CaptureFixture[str]
) -> None:
    server.script(error(404))
    assert _send("--operateur", chef) == 1
    out = capsys.readouterr().out
    assert "Alerte n° 1 : Échec." in out and "introuvable" in out


def test_still_waiting_when_patience_runs_out(
    chef: str, server: FcmTestServer, capsys: pytest.CaptureFixture[str]
) -> None:
    server.default = error(503)
    assert _send("--operateur", chef, "--attendre", "0") == 1
    out = capsys.readouterr().out
    assert "En attente" in out and "un poste ouvert la renverra" in out
    assert len(server.received) == 1


def test_other_departement_is_refused(chef: str, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["send", "--departement", "01", "--text", MEYTHET, "--fait", FAIT])
    assert code == 2  # no --operateur
    code = main(
        ["send", "--departement", "01", "--text", MEYTHET, "--fait", FAIT, "--operateur", chef]
    )
    assert code == 1
    assert "n'est pas le vôtre" in capsys.readouterr().err


@pytest.mark.parametrize("fait", ["plainte", "vol:1:2026-03-01", "plainte:1:hier"])
def test_unreadable_fait_is_a_usage_error(fait: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["send", "--departement", "74", "--text", MEYTHET, "--fait", fait]) == 2
    assert capsys.readouterr().err
