"""Crashes, two desks racing, and the background worker — with real processes and threads."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from desk import desk_db, desk_journal
from fcm_script import delay, error
from fcm_server import FcmTestServer, wait_until
from outbox_fixtures import (
    Clock,
    add_operator,
    alert_row,
    attempts,
    audit_actions,
    draft,
    sendable,
)

from stopcamb_desk.domain.roles import Principal, Role
from stopcamb_desk.models.db import Database
from stopcamb_desk.push.fcm import FcmGateway
from stopcamb_desk.services.outbox import Outbox
from stopcamb_desk.services.outbox_policy import RetryPolicy
from stopcamb_desk.services.outbox_worker import OutboxWorker

TESTS = Path(__file__).resolve().parent

CHILD = """
import os, signal, sys
sys.path.insert(0, {tests!r})
from outbox_fixtures import draft, sendable
from stopcamb_desk.domain.roles import Principal, Role
from desk import desk_db, desk_journal
from stopcamb_desk.push.fcm import FcmGateway
from stopcamb_desk.services.outbox import Outbox

url, credentials, endpoint, mode = sys.argv[1:]
db = desk_db(url)
gateway = FcmGateway(credentials, endpoint=endpoint, timeout=120)
outbox = Outbox(db, gateway, journal=desk_journal(db))
chef = Principal(1, "chef74", "CHEF74", Role.CHEF_DE_QUART, ("74",))
alert_id = outbox.enqueue(chef, *sendable(chef, draft("74")))
print(alert_id, flush=True)
if mode == "after-commit":
    os.kill(os.getpid(), signal.SIGKILL)
outbox.deliver(alert_id)  # the server never answers: killed while waiting
"""


@pytest.fixture
def server() -> Iterator[FcmTestServer]:
    with FcmTestServer() as srv:
        yield srv


@pytest.fixture
def credentials(server: FcmTestServer, tmp_path: Path) -> Path:
    return server.write_service_account(tmp_path / "sa.json")


@pytest.fixture
def chef(database: Database) -> Principal:
    principal = add_operator(database, "chef74", Role.CHEF_DE_QUART, ("74",))
    assert principal.operator_id == 1
    return principal


def _run_child(db_url: str, credentials: Path, server: FcmTestServer, mode: str, tmp_path: Path):  # type: ignore[no-untyped-def]
    script = tmp_path / "child.py"
    script.write_text(CHILD.format(tests=str(TESTS)), encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST")}
    return subprocess.Popen(
        [sys.executable, str(script), db_url, str(credentials), server.base_url, mode],
        stdout=subprocess.PIPE,
        text=True,
        env=env,
    )


def test_desk_killed_while_waiting_for_fcm_leaves_the_alert_a_verifier(
    database: Database,
    db_url: str,
    chef: Principal,
    server: FcmTestServer,
    credentials: Path,
    tmp_path: Path,
) -> None:
    server.script(delay(120))
    child = _run_child(db_url, credentials, server, "during-send", tmp_path)
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

    gateway = FcmGateway(credentials, endpoint=server.base_url)
    try:
        now = Clock()
        restarted = Outbox(database, gateway, journal=desk_journal(database), clock=now)
        assert restarted.recover() == []  # the lease of the dead desk is still running
        now.advance(RetryPolicy().lease_seconds + 1)
        assert restarted.recover() == [alert_id]
        row = alert_row(database, alert_id)
        assert row.status == "a_verifier"
        assert "s'est arrêté avant la réponse de Firebase" in (row.last_error or "")
        assert [a.outcome for a in attempts(database, alert_id)] == ["inconnu"]
        assert audit_actions(database, alert_id) == ["envoi", "a_verifier"]
        assert restarted.process_due() == []  # never re-sent silently
        assert len(server.received) == 1

        restarted.resend(chef, alert_id)  # the operator decides: same payload, same tag
        (outcome,) = restarted.process_due()
        assert outcome.status == "envoyee"
        first, second = server.received
        assert first.body == second.body
    finally:
        gateway.close()


def test_desk_killed_right_after_commit_loses_nothing(
    database: Database,
    db_url: str,
    chef: Principal,
    server: FcmTestServer,
    credentials: Path,
    tmp_path: Path,
) -> None:
    child = _run_child(db_url, credentials, server, "after-commit", tmp_path)
    assert child.stdout is not None
    alert_id = int(child.stdout.readline())
    child.wait(timeout=30)
    child.stdout.close()
    assert child.returncode == -signal.SIGKILL
    assert alert_row(database, alert_id).status == "en_attente"
    assert server.received == []
    gateway = FcmGateway(credentials, endpoint=server.base_url)
    try:
        (outcome,) = Outbox(database, gateway, journal=desk_journal(database)).process_due()
    finally:
        gateway.close()
    assert outcome.alert_id == alert_id and outcome.status == "envoyee"


RACE_DEPARTEMENTS = ("74", "73", "01", "38", "69", "13", "06", "83", "34", "30", "2A", "2B")


def test_two_desks_racing_send_each_alert_once(
    database: Database, db_url: str, server: FcmTestServer, credentials: Path
) -> None:
    chef = add_operator(database, "chef", Role.CHEF_DE_QUART, RACE_DEPARTEMENTS)
    desks = []
    for _ in range(2):
        db = desk_db(db_url)
        gateway = FcmGateway(credentials, endpoint=server.base_url)
        gateway.prepare()
        desks.append((db, gateway, Outbox(db, gateway, journal=desk_journal(db))))
    try:
        first = desks[0][2]
        ids = [first.enqueue(chef, *sendable(chef, draft(dep))) for dep in RACE_DEPARTEMENTS]
        barrier = threading.Barrier(2)
        errors: list[BaseException] = []

        def run(outbox: Outbox) -> None:
            try:
                barrier.wait()
                outbox.deliver(ids[0])  # both desks go for the same alert first
                while outbox.process_due(limit=2):
                    pass
            except BaseException as exc:
                errors.append(exc)

        threads = [threading.Thread(target=run, args=(o,)) for _, _, o in desks]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=60)
        assert errors == []
        sent = [r.message["data"]["alert_id"] for r in server.received]
        assert sorted(sent, key=int) == [str(i) for i in ids]  # each exactly once
        db = desks[0][0]
        for alert_id in ids:
            assert [a.outcome for a in attempts(db, alert_id)] == ["succes"]
        assert {alert_row(db, i).status for i in ids} == {"envoyee"}  # one per topic
    finally:
        for db, gateway, _ in desks:
            gateway.close()
            db.dispose()


def test_worker_prepares_in_background_then_sends_and_retries(
    database: Database, chef: Principal, server: FcmTestServer, credentials: Path
) -> None:
    gateway = FcmGateway(credentials, endpoint=server.base_url)
    outbox = Outbox(
        database,
        gateway,
        journal=desk_journal(database),
        policy=RetryPolicy(base_delay=0.05, jitter=0.0),
    )
    worker = OutboxWorker(outbox, idle_poll=0.2)
    try:
        worker.start()
        assert worker.prepared.wait(10)
        assert server.token_requests == 1 and server.received == []  # token fetched early
        server.script(error(503))
        alert_id = outbox.enqueue(chef, *sendable(chef, draft("74")))
        worker.wake()
        assert wait_until(lambda: outbox.status(alert_id)[0] == "envoyee", timeout=10)
        assert [a.outcome for a in attempts(database, alert_id)] == ["transitoire", "succes"]
        assert server.token_requests == 1
    finally:
        worker.stop()
        gateway.close()
    assert not worker.running


def test_worker_turns_a_dead_desk_lease_into_a_verifier(
    database: Database, chef: Principal, server: FcmTestServer, credentials: Path
) -> None:
    """The lease check also runs while the desk is up, not only at start."""
    gateway = FcmGateway(credentials, endpoint=server.base_url)
    clock = Clock()
    dead = Outbox(database, gateway, journal=desk_journal(database), clock=clock)
    alert_id = dead.enqueue(chef, *sendable(chef, draft("74")))
    assert [c.id for c in dead.claim(alert_id)] == [alert_id]  # then the desk « dies »
    clock.advance(RetryPolicy().lease_seconds + 1)
    worker = OutboxWorker(
        Outbox(database, gateway, journal=desk_journal(database), clock=clock), idle_poll=0.05
    )
    try:
        worker.start()
        assert wait_until(lambda: alert_row(database, alert_id).status == "a_verifier", 10)
    finally:
        worker.stop()
        gateway.close()
    assert server.received == []
    assert alert_row(database, alert_id).next_attempt_at is None
