"""Bad input gets French, never a traceback; nothing half-written; private files stay private.

The command line is driven as an operator in a hurry or an adversary would: bytes that are not
UTF-8, texts whose push is too big for FCM, a database that cannot be written, output piped into
``head``, abbreviated options, a loose umask, a shared service-account file — and, with
hypothesis, hostile arguments and bytes of every kind.
"""

from __future__ import annotations

import contextlib
import io
import os
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from fcm_server import FcmTestServer
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from outbox_fixtures import MEYTHET
from sqlalchemy import func, select

from stopcamb_desk.cli import main
from stopcamb_desk.config import load_settings
from stopcamb_desk.models import Alert
from stopcamb_desk.services import audit_alerts
from stopcamb_desk.services.container import desk_database

PASSWORD = "Un-mot-de-passe-solide-74"
FAIT = "plainte:2026/00123:2026-03-01"
# 150 letters, each carrying 10 combining marks of 3 bytes: 150 graphemes (under the 160 of
# the gauge) but 4 650 bytes of UTF-8, over FCM's 4 096 for the whole message.
HEAVY = "".join("e" + "".join(chr(0x1DC0 + i) for i in range(10)) for _ in range(150))


@pytest.fixture
def chef(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> str:
    monkeypatch.setenv("STOPCAMB_PASSWORD", PASSWORD)
    assert main(["user", "add", "chef74", "--role", "chef_de_quart", "--departements", "74"]) == 0
    capsys.readouterr()
    return "chef74"


def run(argv: list[str], stdin: bytes = b"") -> tuple[int, str, str]:
    """``main(argv)`` in this process with ``stdin`` as raw bytes; (code, stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    saved = sys.stdin
    sys.stdin = io.TextIOWrapper(io.BytesIO(stdin), encoding="utf-8")
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main(argv)
    finally:
        sys.stdin = saved
    return code, out.getvalue(), err.getvalue()


def alert_count() -> int:
    db = desk_database(load_settings())
    try:
        with db.session() as session:
            return int(session.scalar(select(func.count(Alert.id))) or 0)
    finally:
        db.dispose()


def test_invalid_utf8_on_stdin_is_refused_in_french(chef: str) -> None:
    for argv in (
        ["lint", "-"],
        ["send", "--departement", "74", "--text", "-", "--fait", FAIT, "--operateur", chef],
    ):
        code, out, err = run(argv, b"MEYTHET, cambriolages \xff\xfe dans les maisons")
        assert code == 2
        assert "n'est pas du texte UTF-8 valide (octet n° 23)" in err
        assert "Traceback" not in out + err
    assert alert_count() == 0


def test_lint_and_send_agree_on_a_text_too_big_for_fcm(chef: str) -> None:
    code, out, _err = run(["lint", "--departement", "74", HEAVY])
    assert code == 1 and "BLOQUÉ" in out and "trop volumineux pour FCM" in out
    code, _out, err = run(["lint", "--json", "--departement", "74", HEAVY])
    assert code == 1
    code, out, err = run(
        ["send", "--departement", "74", "--text", HEAVY, "--fait", FAIT, "--operateur", chef]
    )
    assert code == 1
    # The first finding in the text is named (here the marks stacked on every letter, which
    # make it too big), the others counted.
    assert "Envoi impossible : Caractère caché en position 1" in err
    assert "autres points bloquants" in err
    assert "Traceback" not in out + err
    assert alert_count() == 0


def test_abbreviated_options_are_never_guessed(chef: str) -> None:
    send = ["send", "--departement", "74", "--text", MEYTHET, "--fait", FAIT]
    code, _out, err = run([*send, "--at", "3", "--operateur", chef])
    assert code == 2 and "arguments non reconnus : --at 3" in err
    code, _out, err = run(["lint", "--depart", "74", MEYTHET])
    assert code == 2 and "--depart" in err
    assert alert_count() == 0


def test_arguments_that_are_not_utf8_are_refused(chef: str) -> None:
    hostile = b"MEYTHET \xff cambriolages".decode("utf-8", "surrogateescape")
    code, out, err = run(["send", "--departement", "74", "--text", hostile, "--operateur", chef])
    assert code == 2 and "n'est pas du texte UTF-8" in err
    assert "Traceback" not in out + err


def _immutable(path: Path) -> Iterator[None]:
    """Make ``path`` unwritable even for root (who ignores permissions): chattr +i."""
    if os.geteuid() != 0:
        path.chmod(0o444)
        yield
        path.chmod(0o600)
        return
    done = subprocess.run(["chattr", "+i", str(path)], capture_output=True, check=False)
    if done.returncode != 0:
        pytest.fail(f"chattr +i impossible ici : {done.stderr!r}")
    try:
        yield
    finally:
        subprocess.run(["chattr", "-i", str(path)], check=True)


def test_a_read_only_database_gets_a_french_message(
    chef: str, isolated_settings: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = isolated_settings / "data" / "stopcamb.sqlite3"
    for suffix in ("-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)
    with contextlib.contextmanager(_immutable)(path):
        code, out, err = run(
            ["send", "--departement", "74", "--text", MEYTHET, "--fait", FAIT, "--operateur", chef]
        )
    assert code == 1
    assert "lecture seule" in err and "Rien n'a été envoyé" in err
    assert "Traceback" not in out + err
    assert alert_count() == 0


def test_a_database_path_under_a_file_gets_a_french_message(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "pas-un-dossier"
    blocker.write_text("x")
    monkeypatch.setenv("STOPCAMB_DATABASE_URL", f"sqlite:///{blocker / 'base.sqlite3'}")
    code, out, err = run(["outbox", "status"])
    assert code == 1 and "est un fichier, pas un dossier" in err
    assert "Traceback" not in out + err


def _cli(
    *args: str, umask: int | None = None, shell_tail: str = ""
) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST")}
    command = [sys.executable, "-m", "stopcamb_desk", *args]
    if shell_tail:
        import shlex

        return subprocess.run(
            " ".join(shlex.quote(c) for c in command) + shell_tail,
            shell=True,
            capture_output=True,
            text=True,
            env=env,
            timeout=60,
            executable="/bin/bash",
        )
    return subprocess.run(
        command,
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        preexec_fn=(lambda: os.umask(umask)) if umask is not None else None,
    )


def test_output_piped_into_head_ends_quietly() -> None:
    done = _cli("ref", "communes", "saint", "--limit", "5000", shell_tail=" | head -n 1")
    assert done.returncode == 0  # head's status; ours is hidden by the pipe
    assert "Traceback" not in done.stderr and "BrokenPipe" not in done.stderr
    assert done.stdout.count("\n") == 1


def test_files_are_owner_only_whatever_the_umask(isolated_settings: Path) -> None:
    env_password = {"STOPCAMB_PASSWORD": PASSWORD}
    os.environ.update(env_password)
    try:
        done = _cli(
            "user", "add", "chef74", "--role", "chef_de_quart", "--departements", "74", umask=0o022
        )
        assert done.returncode == 0, done.stderr
        done = _cli(
            "send",
            "--departement",
            "74",
            "--text",
            MEYTHET,
            "--fait",
            FAIT,
            "--operateur",
            "chef74",
            umask=0o022,
        )
        assert done.returncode == 0, done.stderr
        assert _cli("audit", "verify", umask=0o022).returncode == 0
        assert _cli("no-such-command", umask=0o022).returncode == 2
    finally:
        del os.environ["STOPCAMB_PASSWORD"]
    data = isolated_settings / "data"
    seen = {p.name for p in data.rglob("*")}
    assert {"stopcamb.sqlite3", "cle-audit.json", "ancre-audit.json"} <= seen
    assert any(name.startswith("simulation") for name in seen)  # what the phones « received »
    for path in [data, *data.rglob("*")]:
        mode = stat.S_IMODE(path.stat().st_mode)
        assert mode & 0o077 == 0, f"{path} : {oct(mode)}"


def test_files_created_too_openly_before_are_tightened(isolated_settings: Path) -> None:
    data = isolated_settings / "data"
    assert main(["db", "upgrade"]) == 0
    db_file = data / "stopcamb.sqlite3"
    db_file.chmod(0o644)
    data.chmod(0o755)
    assert _cli("outbox", "status").returncode == 0
    assert stat.S_IMODE(db_file.stat().st_mode) == 0o600
    assert stat.S_IMODE(data.stat().st_mode) == 0o700


def test_a_service_account_readable_by_others_is_refused(
    chef: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with FcmTestServer() as server:
        credentials = server.write_service_account(tmp_path / "sa.json")
        credentials.chmod(0o644)
        monkeypatch.setenv("STOPCAMB_FCM_CREDENTIALS", str(credentials))
        monkeypatch.setenv("STOPCAMB_FCM_ENDPOINT", server.base_url)
        code, _out, err = run(
            ["send", "--departement", "74", "--text", MEYTHET, "--fait", FAIT, "--operateur", chef]
        )
        assert server.received == []
    assert code == 1
    assert f"chmod 600 '{credentials}'" in err and "Rien n'a été" in err
    assert err.count("accessible à d'autres comptes") == 1  # said once, not twice
    assert alert_count() == 0


@pytest.mark.parametrize(
    "argv",
    [
        ["replace", "99999999999999999999", "--text", MEYTHET, "--operateur", "chef74"],
        ["retract", "-5", "--operateur", "chef74"],
        ["templates", "edit", "1e9", "--operateur", "chef74"],
        ["history", "--since", "0001-01-01", "--operateur", "chef74"],
        ["export", "csv", "--from", "0001-01-01", "--to", "9999-12-31"],
        ["outbox", "run", "--duree", "inf"],
        ["outbox", "run", "--duree", "nan"],
        ["outbox", "run", "--duree", "1e309"],
        ["brigades", "find", "--position", "nan,nan"],
        ["brigades", "find", "--position", "91,181"],
        ["send", "--departement", "74", "--text", MEYTHET, "--attendre", "-1"],
    ],
)
def test_out_of_range_values_are_usage_errors(chef: str, argv: list[str]) -> None:
    code, out, err = run(argv)
    assert code in (1, 2), (argv, code)
    assert "Erreur inattendue" not in err and "Traceback" not in out + err
    assert err.strip()
    assert "Expéditeur démarré" not in out  # refused before anything starts


def test_replace_reads_standard_input_as_utf8(chef: str) -> None:
    code, _out, err = run(["replace", "1", "--text", "-", "--operateur", chef], b"\xff\xfe")
    assert code == 2 and "n'est pas du texte UTF-8 valide" in err


# -- hostile arguments and bytes, at random ----------------------------------------------

hostile_text = st.one_of(
    st.text(max_size=300),
    st.text(alphabet=st.characters(codec="utf-8"), min_size=150, max_size=2000),
    st.sampled_from(["", " ", "-", "--", "\x00", "'; DROP TABLE alerts; --", "<script>x</script>"]),
    st.just(HEAVY),
    st.binary(max_size=80).map(lambda b: b.decode("utf-8", "surrogateescape")),
)
options = st.sampled_from(
    [
        "--departement",
        "--national",
        "--text",
        "--fait",
        "--parquet",
        "--exercice",
        "--json",
        "--attendre",
        "--operateur",
        "--since",
        "--until",
        "--status",
        "--texte",
        "--limit",
        "--kind",
        "--position",
        "--role",
        "--departements",
        "--at",
        "--dep",
        "-",
        "--",
    ]
)
commands = st.sampled_from(
    [
        ["lint"],
        ["lint", "--json"],
        ["send"],
        ["send", "--dry-run"],
        ["history"],
        ["replace"],
        ["retract"],
        ["export", "cap"],
        ["export", "csv"],
        ["brigades", "find"],
        ["ref", "communes"],
        ["user", "add"],
        ["audit", "list"],
        ["news", "publish"],
        ["outbox", "status"],
        ["outbox", "run"],
        ["scheduled", "edit"],
        ["scheduled", "cancel"],
        ["templates", "edit"],
        ["brigades", "find", "--position"],
    ]
)


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    command=commands,
    rest=st.lists(st.one_of(options, hostile_text), max_size=8),
    stdin=st.binary(max_size=400),
)
def test_hostile_arguments_and_bytes_never_crash(
    chef: str, command: list[str], rest: list[str], stdin: bytes
) -> None:
    before = alert_count()
    argv = [*command, *rest]
    if command == ["outbox", "run"]:
        argv += ["--duree", "0.01"]
    code, out, err = run(argv, stdin)
    assert code in (0, 1, 2), (argv, code, err)
    assert "Traceback" not in out + err, argv
    assert "Erreur inattendue" not in err, (argv, err)  # every failure is an expected one
    if code != 0:
        assert (err + out).strip(), argv  # a refusal always says why
    db = desk_database(load_settings())
    try:
        with db.session() as session:
            report = audit_alerts.verify(session)  # every alert row matches its audited events
            stuck = session.scalar(select(func.count(Alert.id)).where(Alert.status == "envoi"))
    finally:
        db.dispose()
    assert report.ok, (argv, report.reason)
    assert stuck == 0
    assert alert_count() >= before
