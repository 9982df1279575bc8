"""``stopcamb-desk ref …``: in-process through the dispatcher and as a real subprocess."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from stopcamb_desk.cli import main

ROOT = Path(__file__).resolve().parent.parent


def run_in_process(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(["ref", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_departements_json_lists_101_all_with_outlines(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, _ = run_in_process(capsys, "departements", "--json")
    assert code == 0
    data = json.loads(out)
    assert len(data) == 101
    assert all(d["contour"] is True for d in data)
    by_code = {d["code"]: d for d in data}
    assert by_code["74"]["nom"] == "Haute-Savoie"
    assert by_code["74"]["region"] == "Auvergne-Rhône-Alpes"
    assert {"2A", "2B", "971", "976"} <= set(by_code) and "20" not in by_code


def test_departements_text_output(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run_in_process(capsys, "departements")
    assert code == 0
    lines = out.splitlines()
    assert lines[0].split()[:2] == ["01", "Ain"]
    assert lines[-1] == "101 départements."


def test_communes_meythet_json(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run_in_process(capsys, "communes", "meythet", "--json")
    assert code == 0
    data = json.loads(out)
    assert len(data) == 1
    m = data[0]
    assert (m["code_insee"], m["nom"], m["departement"], m["type"]) == (
        "74182",
        "Meythet",
        "74",
        "commune-deleguee",
    )
    assert m["commune_parente"] == {"code_insee": "74010", "nom": "Annecy"}


def test_communes_text_names_the_parent(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run_in_process(capsys, "communes", "Meythet")
    assert code == 0
    assert out.strip() == "74182  Meythet (74) — commune déléguée d'Annecy (74010)"


def test_communes_limit_and_departement_filter(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run_in_process(capsys, "communes", "St", "--limit", "3", "--json")
    assert code == 0 and len(json.loads(out)) == 3
    code, out, _ = run_in_process(capsys, "communes", "annecy", "--departement", "74", "--json")
    assert code == 0 and all(c["departement"] == "74" for c in json.loads(out))


def test_communes_refusals_and_usage_errors(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run_in_process(capsys, "communes", "zzzqqq", "--json")
    assert code == 1 and json.loads(out) == [] and "Aucune commune" in err
    code, _, err = run_in_process(capsys, "communes", "annecy", "--departement", "20")
    assert code == 2 and "Département inconnu" in err
    code, _, err = run_in_process(capsys, "communes", "annecy", "--limit", "0")
    assert code == 2 and "--limit" in err


def test_ref_through_a_real_process() -> None:
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    proc = subprocess.run(
        [sys.executable, "-m", "stopcamb_desk", "ref", "communes", "meythet", "--json"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr
    [m] = json.loads(proc.stdout)
    assert (m["code_insee"], m["commune_parente"]["code_insee"]) == ("74182", "74010")
    proc = subprocess.run(
        [sys.executable, "-m", "stopcamb_desk", "ref", "departements", "--json"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert len(data) == 101 and all(d["contour"] for d in data)
