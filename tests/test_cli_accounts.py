"""The CLI manages accounts like the GUI: same services, same lockout, French messages."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from stopcamb_desk.cli import main


@pytest.fixture
def cli_db(monkeypatch: pytest.MonkeyPatch, db_url: str) -> str:
    monkeypatch.setenv("STOPCAMB_DATABASE_URL", db_url)
    return db_url


def run(monkeypatch: pytest.MonkeyPatch, password: str | None, *argv: str) -> int:
    if password is None:
        monkeypatch.delenv("STOPCAMB_PASSWORD", raising=False)
    else:
        monkeypatch.setenv("STOPCAMB_PASSWORD", password)
    return main(list(argv))


def test_bootstrap_then_admin_required(
    cli_db: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(monkeypatch, "admin-pass-1", "user", "add", "root", "--role", "administrateur") == 0
    # Once an administrator exists, anonymous account creation is refused.
    assert (
        run(
            monkeypatch,
            "chef-pass-74",
            "user",
            "add",
            "c74",
            "--role",
            "chef_de_quart",
            "--departements",
            "74",
        )
        == 2
    )
    assert "--operateur" in capsys.readouterr().err
    # The administrator authenticates (same password variable for both here).
    assert (
        run(
            monkeypatch,
            "admin-pass-1",
            "user",
            "add",
            "c74",
            "--role",
            "chef_de_quart",
            "--departements",
            "74,73",
            "--nom",
            "Adj. Martin",
            "--operateur",
            "root",
        )
        == 0
    )
    capsys.readouterr()
    assert run(monkeypatch, None, "user", "list", "--json") == 0
    rows = {r["login"]: r for r in json.loads(capsys.readouterr().out)}
    assert rows["c74"]["departements"] == ["73", "74"]
    assert rows["c74"]["role"] == "chef_de_quart"
    assert "password" not in json.dumps(rows)


def test_operator_lockout_applies_to_cli(
    cli_db: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(monkeypatch, "admin-pass-1", "user", "add", "root", "--role", "administrateur") == 0
    for _ in range(5):
        assert run(monkeypatch, "wrong", "user", "passwd", "root", "--operateur", "root") == 1
    capsys.readouterr()
    assert run(monkeypatch, "admin-pass-1", "user", "passwd", "root", "--operateur", "root") == 1
    assert "verrouillé" in capsys.readouterr().err


def test_chef_de_quart_cannot_create_accounts(
    cli_db: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(monkeypatch, "admin-pass-1", "user", "add", "root", "--role", "administrateur") == 0
    assert (
        run(
            monkeypatch,
            "admin-pass-1",
            "user",
            "add",
            "chef",
            "--role",
            "chef_de_quart",
            "--departements",
            "74",
            "--operateur",
            "root",
        )
        == 0
    )
    capsys.readouterr()
    assert (
        run(
            monkeypatch,
            "admin-pass-1",
            "user",
            "add",
            "pirate",
            "--role",
            "administrateur",
            "--operateur",
            "chef",
        )
        == 1
    )
    assert "administrateurs" in capsys.readouterr().err


def test_db_upgrade_and_version_as_a_real_process(tmp_path: object) -> None:
    out = subprocess.run(
        [sys.executable, "-m", "stopcamb_desk", "db", "upgrade"],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert out.returncode == 0, out.stderr
    assert "Base à jour (SQLite" in out.stdout
    version = subprocess.run(
        [sys.executable, "-m", "stopcamb_desk", "--version"],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert version.stdout.startswith("stopcamb-desk ")


def test_unreachable_database_is_explained_in_french(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("STOPCAMB_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:1/x")
    assert main(["db", "upgrade"]) == 1
    err = capsys.readouterr().err
    assert "injoignable" in err and "127.0.0.1:1/x" in err


def test_usage_errors_are_in_french(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["user", "add", "x", "--role", "inconnu"]) == 2
    err = capsys.readouterr().err
    assert "choix invalide" in err and "utilisation :" in err


def test_an_administrator_disables_enables_unlocks_and_moves_a_chef_de_quart(
    cli_db: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(monkeypatch, "admin-pass-1", "user", "add", "root", "--role", "administrateur") == 0
    admin = ("--operateur", "root")
    assert (
        run(
            monkeypatch,
            "admin-pass-1",
            "user",
            "add",
            "c74",
            "--role",
            "chef_de_quart",
            "--departements",
            "74",
            *admin,
        )
        == 0
    )
    assert run(monkeypatch, "admin-pass-1", "user", "disable", "c74", *admin) == 0
    assert run(monkeypatch, "admin-pass-1", "user", "list") == 0
    assert "(désactivé)" in capsys.readouterr().out
    assert run(monkeypatch, "admin-pass-1", "user", "enable", "c74", *admin) == 0
    assert run(monkeypatch, "admin-pass-1", "user", "unlock", "c74", *admin) == 0
    argv = ("user", "departements", "c74", "--departements", "73,99", *admin)
    assert run(monkeypatch, "admin-pass-1", *argv) == 1
    assert "Département inconnu : 99" in capsys.readouterr().err
    argv = ("user", "departements", "c74", "--departements", "73,74", *admin)
    assert run(monkeypatch, "admin-pass-1", *argv) == 0
    assert run(monkeypatch, "admin-pass-1", "user", "disable", "root", *admin) == 1
    assert "votre propre compte" in capsys.readouterr().err
    assert run(monkeypatch, None, "user", "list", "--json") == 0
    rows = {r["login"]: r for r in json.loads(capsys.readouterr().out)}
    assert rows["c74"]["departements"] == ["73", "74"] and rows["c74"]["actif"]
