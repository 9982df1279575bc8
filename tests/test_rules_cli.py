"""``stopcamb-desk lint``, run in-process as a script or an operator would."""

from __future__ import annotations

import io
import json

import pytest

from stopcamb_desk.cli import main

SEED_GOOD = (
    "MEYTHET, nombreux cambriolages dans les maisons, en fin de journée : prenez vos "
    "précautions et soyez vigilants, faites passer l'info !"
)
SEED_FORBIDDEN = (
    "Attention : véhicule ou personnes suspectes en repérage dans les zones artisanales..."
)


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(["lint", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_good_text_exits_0_with_a_french_report(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(capsys, "--departement", "74", SEED_GOOD)
    assert code == 0
    assert out.startswith("Verdict : ENVOYABLE")
    assert "Longueur : 134 / 160 caractères" in out
    assert "lieux vérifiés sur le référentiel des communes" in out


def test_forbidden_text_exits_1_and_says_why(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(capsys, "--departement", "74", SEED_FORBIDDEN)
    assert code == 1
    assert out.startswith("Verdict : BLOQUÉ — 2 points à corriger")
    assert "✗ [Bloquant] Pas de simple soupçon" in out
    assert "« suspectes » (caractères 35 à 43)" in out


def test_json_output_has_the_documented_shape(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(capsys, "--json", "--departement", "74", SEED_FORBIDDEN)
    data = json.loads(out)
    assert code == 1
    assert set(data) == {"sendable", "length", "limit", "findings"}
    assert (data["sendable"], data["length"], data["limit"]) == (False, 85, 160)
    blocking = [f for f in data["findings"] if f["severity"] == "bloquant"]
    assert [(f["rule"], f["start"], f["end"]) for f in blocking] == [
        ("soupcon", 34, 43),
        ("soupcon", 47, 55),
    ]
    assert all(set(f) == {"rule", "severity", "message", "start", "end"} for f in data["findings"])


def test_commune_outside_the_departement_is_named(capsys: pytest.CaptureFixture[str]) -> None:
    text = (
        "Série de cambriolages dans les commerces de Lodève cette nuit : signalez tout fait au 17."
    )
    code, out, _ = _run(capsys, "--json", "--departement", "74", text)
    [finding] = [f for f in json.loads(out)["findings"] if f["rule"] == "lieu"]
    assert code == 0 and finding["severity"] == "avertissement"
    assert "Hérault (34)" in finding["message"]
    code, out, _ = _run(capsys, "--json", "--departement", "34", text)
    assert not [f for f in json.loads(out)["findings"] if f["rule"] == "lieu"]


def test_parquet_authorisation_allows_a_witness_appeal(capsys: pytest.CaptureFixture[str]) -> None:
    text = "Appel à témoins : cambriolage à Annecy, fuite en Peugeot 308 grise."
    assert _run(capsys, "--departement", "74", text)[0] == 1
    code, out, _ = _run(
        capsys, "--json", "--parquet-ref", "PQ-2025-118", "--parquet-date", "01/03/2025", text
    )
    assert code == 0
    [finding] = [f for f in json.loads(out)["findings"] if f["rule"] == "identification"]
    assert finding["severity"] == "info" and "PQ-2025-118 du 01/03/2025" in finding["message"]


def test_exercise_prefix_is_counted(capsys: pytest.CaptureFixture[str]) -> None:
    text = "Cambriolages à Annecy cette nuit : fermez vos portes." + " Soyez vigilants." * 6
    assert _run(capsys, "--json", text)[0] == 0
    code, out, _ = _run(capsys, "--json", "--exercice", text)
    data = json.loads(out)
    assert code == 1 and data["length"] == len(text) + len("EXERCICE : ")
    assert any(f["rule"] == "longueur" for f in data["findings"])


def test_prevention_kind_and_stdin(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    text = (
        "Bientôt les départs en vacances, pensez à vous inscrire à votre brigade dans le cadre "
        "des opérations tranquillité vacances"
    )
    monkeypatch.setattr("sys.stdin", io.StringIO(text))
    code, out, _ = _run(capsys, "--kind", "prevention", "-")
    assert code == 0 and "2 SMS (UCS-2)" in out


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--departement", "99", "x"], "Département inconnu"),
        (["--parquet-date", "hier", "--parquet-ref", "PQ", "x"], "Date illisible"),
        (["--parquet-date", "2025-03-01", "x"], "référence de l'autorisation du Parquet"),
    ],
)
def test_usage_errors_exit_2_with_a_french_message(
    capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    code, _, err = _run(capsys, *argv)
    assert code == 2 and message in err


def test_unknown_kind_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["lint", "--kind", "routier", "x"]) == 2
    assert "routier" in capsys.readouterr().err
