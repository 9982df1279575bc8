"""No send stays « Envoi en cours » and no accepted push is lost from the record.

- a desk killed after its request reached FCM: any later process (the command line alone)
  turns the send « à vérifier » once its lease is over;
- the database cut while FCM answers 200: the answer survives in the desk's journal, the
  operator reads a French sentence, and the next start records it;
- a push accepted twice (the answer lost after the request left, then a retry) says so.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from desk import desk_db, desk_journal
from fcm_script import delay, ok, ok_after
from fcm_server import FcmTestServer, wait_until
from outbox_fixtures import (
    MEYTHET,
    Clock,
    add_operator,
    alert_row,
    attempts,
    audit_actions,
    draft,
    sendable,
)
from tcp_proxy import tcp_proxy

from stopcamb_desk.cli.send import wait_final
from stopcamb_desk.config import load_settings
from stopcamb_desk.domain.roles import Principal, Role
from stopcamb_desk.models.db import Database
from stopcamb_desk.push.fcm import FcmGateway
from stopcamb_desk.services import audit_alerts
from stopcamb_desk.services.container import open_services
from stopcamb_desk.services.history import HistoryService
from stopcamb_desk.services.outbox import Outbox
from stopcamb_desk.services.outbox_policy import RetryPolicy
from stopcamb_desk.ui.history.detail import detail_html

TESTS = Path(__file__).resolve().parent
PASSWORD = "Un-mot-de-passe-solide-74"
FAIT = "plainte:2026/00123:2026-03-01"


@pytest.fixture
def server() -> Iterator[FcmTestServer]:
    with FcmTestServer() as srv:
        yield srv


@pytest.fixture
def credentials(server: FcmTestServer, tmp_path: Path) -> Path:
    return server.write_service_account(tmp_path / "sa.json")


def _child_env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith("PYTEST")}


# -- a send killed mid-flight ------------------------------------------------------------

KILLED = """
import sys
from datetime import timedelta
sys.path.insert(0, {tests!r})
from desk import desk_db, desk_journal
from outbox_fixtures import draft, sendable
from stopcamb_desk.domain.roles import Principal, Role
from stopcamb_desk.models import utcnow
from stopcamb_desk.push.fcm import FcmGateway
from stopcamb_desk.services.outbox import Outbox

url, credentials, endpoint, mode = sys.argv[1:]
db = desk_db(url)
gateway = FcmGateway(credentials, endpoint=endpoint, timeout=120)
# This desk's clock is three minutes behind: its lease is already over for anyone else.
started = utcnow() - timedelta(minutes=3)
outbox = Outbox(db, gateway, journal=desk_journal(db), clock=lambda: started)
chef = Principal(1, "chef74", "CHEF74", Role.CHEF_DE_QUART, ("74",))
alert_id = outbox.enqueue(chef, *sendable(chef, draft("74")))
print(alert_id, flush=True)
if mode == "journaled":
    # FCM accepts, the journal keeps it, then the desk dies before the database is written.
    (claimed,) = outbox.claim(alert_id)
    result = gateway.send(claimed.payload)
    from stopcamb_desk.services.outbox_journal import Acceptance
    outbox.journal.accepted(Acceptance(alert_id, result.message_id, started, outbox.desk))
    print(result.message_id, flush=True)
    import os, signal
    os.kill(os.getpid(), signal.SIGKILL)
outbox.deliver(alert_id)  # the server never answers: killed while waiting
"""


def _start_child(url: str, credentials: Path, server: FcmTestServer, mode: str, tmp: Path):  # type: ignore[no-untyped-def]
    script = tmp / "killed.py"
    script.write_text(KILLED.format(tests=str(TESTS)), encoding="utf-8")
    return subprocess.Popen(
        [sys.executable, str(script), url, str(credentials), server.base_url, mode],
        stdout=subprocess.PIPE,
        text=True,
        env=_child_env(),
    )


def _cli(url: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = _child_env() | {"STOPCAMB_DATABASE_URL": url}
    return subprocess.run(
        [sys.executable, "-m", "stopcamb_desk", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )


def test_a_killed_send_becomes_a_verifier_with_only_the_command_line(
    database: Database, db_url: str, server: FcmTestServer, credentials: Path, tmp_path: Path
) -> None:
    add_operator(database, "chef74", Role.CHEF_DE_QUART, ("74",))
    server.script(delay(120))
    child = _start_child(db_url, credentials, server, "in-flight", tmp_path)
    try:
        assert child.stdout is not None
        alert_id = int(child.stdout.readline())
        assert wait_until(lambda: len(server.received) == 1, timeout=30)
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=10)
        if child.stdout is not None:
            child.stdout.close()
    assert alert_row(database, alert_id).status == "envoi"

    status = _cli(db_url, "outbox", "status")  # no desk is open: a command recovers it
    assert status.returncode == 0, status.stderr
    assert f"n° {alert_id:>6}  À vérifier" in status.stdout
    assert "s'est arrêté avant la réponse de Firebase" in status.stdout
    row = alert_row(database, alert_id)
    assert row.status == "a_verifier" and row.next_attempt_at is None
    assert audit_actions(database, alert_id) == ["envoi", "a_verifier"]
    assert len(server.received) == 1  # never re-sent silently


def test_an_answer_journaled_before_the_desk_dies_is_recorded_at_the_next_start(
    database: Database, db_url: str, server: FcmTestServer, credentials: Path, tmp_path: Path
) -> None:
    add_operator(database, "chef74", Role.CHEF_DE_QUART, ("74",))
    child = _start_child(db_url, credentials, server, "journaled", tmp_path)
    assert child.stdout is not None
    alert_id = int(child.stdout.readline())
    message_id = child.stdout.readline().strip()
    child.wait(timeout=30)
    child.stdout.close()
    assert child.returncode == -signal.SIGKILL
    assert alert_row(database, alert_id).status == "envoi"  # the database never heard of it

    services = open_services(replace(load_settings(), database_url=db_url), push=False)
    services.close()
    row = alert_row(database, alert_id)
    assert (row.status, row.fcm_message_id) == ("envoyee", message_id)
    assert [a.outcome for a in attempts(database, alert_id)] == ["journal"]
    assert [a.message_id for a in attempts(database, alert_id)] == [message_id]
    assert audit_actions(database, alert_id) == ["envoi", "acceptee"]
    assert desk_journal(database).pending() == []
    with database.session() as session:
        assert audit_alerts.verify(session).ok
    assert len(server.received) == 1


@pytest.mark.postgres
def test_the_command_line_waits_for_a_database_gone_before_the_request(
    pg_url: str, server: FcmTestServer, credentials: Path
) -> None:
    """« send »/« replace » committed and claimed the alert, then the database went away
    before the request: nothing reached FCM, the command waits for the database and sends the
    alert once — not left « envoi » to become « à vérifier »."""
    with tcp_proxy() as proxy:
        db = desk_db(proxy.url(pg_url.rsplit("/", 1)[1]))
        chef = add_operator(db, "chef74", Role.CHEF_DE_QUART, ("74",))
        outbox = Outbox(
            db, FcmGateway(credentials, endpoint=server.base_url), journal=desk_journal(db)
        )
        alert_id = outbox.enqueue(chef, *sendable(chef, draft("74")), claim=True)
        proxy.cut()
        final: list[str] = []
        command = threading.Thread(target=lambda: final.append(wait_final(outbox, alert_id, 60)))
        command.start()
        assert proxy.refused.wait(30)  # the lease check met the database gone
        proxy.restore()
        command.join(60)
        assert final == ["envoyee"]
        assert len(server.received) == 1
        assert alert_row(db, alert_id).status == "envoyee"
        db.dispose()


@pytest.mark.postgres
def test_database_cut_while_fcm_accepts_loses_nothing(
    pg_url: str,
    server: FcmTestServer,
    credentials: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The shared database goes away between the request and FCM's 200."""
    from stopcamb_desk.cli import main
    from stopcamb_desk.services.accounts import AccountService

    with tcp_proxy() as proxy:
        url = proxy.url(pg_url.rsplit("/", 1)[1])
        db = desk_db(url)
        AccountService(db).create("chef74", PASSWORD, Role.CHEF_DE_QUART, ("74",))
        db.dispose()
        monkeypatch.setenv("STOPCAMB_DATABASE_URL", url)
        monkeypatch.setenv("STOPCAMB_FCM_CREDENTIALS", str(credentials))
        monkeypatch.setenv("STOPCAMB_FCM_ENDPOINT", server.base_url)
        monkeypatch.setenv("STOPCAMB_PASSWORD", PASSWORD)
        server.script(ok_after(proxy.cut))
        send = ["send", "--departement", "74", "--text", MEYTHET, "--fait", FAIT]
        code = main([*send, "--operateur", "chef74"])
        out, err = capsys.readouterr()
        assert code == 1
        assert err.startswith(
            "FCM a accepté l'alerte n° 1 mais la base est injoignable : l'enregistrement sera "
            "rétabli"
        )
        assert "Traceback" not in out + err
        proxy.restore()
        db = desk_db(url)
        (pending,) = desk_journal(db).pending()
        assert (pending.alert_id, pending.message_id) == (1, "projects/stopcamb-test/messages/1")
        assert alert_row(db, 1).status == "envoi"

        open_services(load_settings(), push=False).close()  # the next start of this desk
        row = alert_row(db, 1)
        assert (row.status, row.fcm_message_id) == ("envoyee", pending.message_id)
        assert [a.outcome for a in attempts(db, 1)] == ["journal"]
        assert desk_journal(db).pending() == []
        with db.session() as session:
            report = audit_alerts.verify(session)
        assert report.ok, report.reason
        db.dispose()
    assert len(server.accepted) == 1


# -- duplicates --------------------------------------------------------------------------


def test_a_push_accepted_twice_is_shown_as_such(
    database: Database, server: FcmTestServer, credentials: Path
) -> None:
    chef: Principal = add_operator(database, "chef74", Role.CHEF_DE_QUART, ("74",))
    clock = Clock()
    gateway = FcmGateway(credentials, endpoint=server.base_url, timeout=0.5)
    outbox = Outbox(
        database,
        gateway,
        journal=desk_journal(database),
        policy=RetryPolicy(base_delay=1.0, jitter=0.0),
        clock=clock,
    )
    try:
        alert_id = outbox.enqueue(chef, *sendable(chef, draft("74")))
        server.script(delay(1.5), ok())  # FCM answers 200 after the desk gave up, then again
        first = outbox.deliver(alert_id)
        assert first is not None and first.status == "en_attente"
        assert wait_until(lambda: len(server.accepted) == 1, timeout=10)
        clock.advance(2)
        (second,) = outbox.process_due()
        assert second.status == "envoyee"
    finally:
        gateway.close()
    assert len(server.accepted) == 2  # FCM did accept it twice
    assert [a.outcome for a in attempts(database, alert_id)] == ["incertain", "succes"]
    detail = HistoryService(database, clock=clock).detail(chef, alert_id)
    assert detail.acceptance is not None
    assert detail.acceptance.startswith("Acceptée 2 fois (1 confirmée(s), 1 probable(s)")
    html = detail_html(detail)
    assert "Acceptée 2 fois" in html and second.message_id in html


def test_a_damaged_journal_never_stops_the_desk_nor_swallows_an_acceptance(
    database: Database, tmp_path: Path
) -> None:
    """A torn last line (power cut mid-write) and malformed entries are skipped; the next
    acceptance starts on its own line and is replayed."""
    from datetime import UTC, datetime

    from stopcamb_desk.services.outbox_journal import Acceptance

    journal = desk_journal(database)
    journal.path.parent.mkdir(parents=True, exist_ok=True)
    journal.path.write_bytes(
        b'{"op":"accepted","db":"x","alert":1e999,"message_id":"m","at":"2026-01-01T00:00:00"}\n'
        b'{"op":"accepted","db":"x","alert":3,"message_id":"m","at":"2026-01-01T00:00:00"}\n'
        b'{"op":"accepted","db":"' + journal.database.encode() + b'","alert":4,"mess'
    )
    good = Acceptance(7, "projects/p/messages/7", datetime.now(UTC), "poste")
    journal.accepted(good)
    assert journal.pending() == [good]
    open_services(replace(load_settings(), database_url=database.url), push=False).close()


def test_an_unwritable_journal_does_not_lose_the_acceptance(
    database: Database, server: FcmTestServer, credentials: Path, tmp_path: Path
) -> None:
    from stopcamb_desk.services.outbox_journal import AcceptJournal

    chef = add_operator(database, "chef74", Role.CHEF_DE_QUART, ("74",))
    blocked = tmp_path / "journal-bloque"
    blocked.mkdir()  # the journal's path cannot be opened as a file (as on a full disk)
    gateway = FcmGateway(credentials, endpoint=server.base_url)
    outbox = Outbox(database, gateway, journal=AcceptJournal(blocked, database.identity))
    try:
        alert_id = outbox.enqueue(chef, *sendable(chef, draft("74")))
        outcome = outbox.deliver(alert_id)
    finally:
        gateway.close()
    assert outcome is not None and outcome.status == "envoyee"
    assert alert_row(database, alert_id).fcm_message_id == outcome.message_id
