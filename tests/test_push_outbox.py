"""The durable outbox on real SQLite and PostgreSQL, delivering to a loopback FCM server."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from desk import desk_db, desk_journal
from fcm_script import close, delay, error, revoke_tokens
from fcm_server import FcmTestServer
from outbox_fixtures import (
    MEYTHET,
    OTV,
    Clock,
    add_operator,
    alert_row,
    attempts,
    audit_actions,
    count_alerts,
    draft,
    sendable,
)
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from stopcamb_desk.domain.roles import PermissionDenied, Principal, Role
from stopcamb_desk.models.db import Database
from stopcamb_desk.push.fcm import FcmGateway
from stopcamb_desk.push.payload import payload_from_json
from stopcamb_desk.push.simulation import SimulationGateway
from stopcamb_desk.services.composer import SendRefused
from stopcamb_desk.services.outbox import Outbox
from stopcamb_desk.services.outbox_policy import OutboxError, RetryPolicy
from stopcamb_desk.services.outbox_worker import OutboxWorker

POLICY = RetryPolicy(base_delay=2.0, max_attempts=3, jitter=0.0, lease_seconds=60.0)


@pytest.fixture
def server() -> Iterator[FcmTestServer]:
    with FcmTestServer() as srv:
        yield srv


@pytest.fixture
def gateway(server: FcmTestServer, tmp_path: Path) -> Iterator[FcmGateway]:
    gw = FcmGateway(
        server.write_service_account(tmp_path / "sa.json"), endpoint=server.base_url, timeout=0.5
    )
    yield gw
    gw.close()


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def outbox(database: Database, gateway: FcmGateway, clock: Clock) -> Outbox:
    return Outbox(database, gateway, journal=desk_journal(database), policy=POLICY, clock=clock)


@pytest.fixture
def chef(database: Database) -> Principal:
    return add_operator(database, "chef74", Role.CHEF_DE_QUART, ("74", "73"))


def _enqueue(outbox: Outbox, chef: Principal, departement: str = "74", **kw: object) -> int:
    d, verdict = sendable(chef, draft(departement))
    return outbox.enqueue(chef, d, verdict, **kw)  # type: ignore[arg-type]


def test_alert_is_committed_with_its_exact_payload_before_any_network_call(
    outbox: Outbox, chef: Principal, server: FcmTestServer, database: Database
) -> None:
    alert_id = _enqueue(outbox, chef)
    assert server.received == [] and server.token_requests == 0
    row = alert_row(database, alert_id)
    assert row.status == "en_attente" and row.text == MEYTHET
    assert (row.topic, row.departement, row.sequence, row.author_id) == ("dep_74", "74", 1, 1)
    assert (row.procedure_type, row.procedure_number) == ("plainte", "2026/00123")
    assert json.loads(row.verdict_json)["sendable"] is True
    body = json.loads(row.payload_json)
    assert body["message"]["data"]["alert_id"] == str(alert_id)
    assert body["message"]["data"]["sequence"] == "1"
    assert audit_actions(database, alert_id) == ["envoi"]

    outcome = outbox.deliver(alert_id)
    assert outcome is not None and outcome.status == "envoyee"
    (received,) = server.received
    assert received.body == body  # the stored bytes, not a rebuilt message
    row = alert_row(database, alert_id)
    assert row.status == "envoyee" and row.fcm_message_id == outcome.message_id
    assert row.sent_at is not None and row.gateway == "fcm"
    assert [a.outcome for a in attempts(database, alert_id)] == ["succes"]
    # The operator's act and FCM's acceptance (with its message id) are both audited.
    assert audit_actions(database, alert_id) == ["envoi", "acceptee"]
    assert outbox.deliver(alert_id) is None  # never twice
    assert len(server.received) == 1


def test_a_new_push_replaces_and_a_retraction_withdraws(
    outbox: Outbox, chef: Principal, database: Database
) -> None:
    first = _enqueue(outbox, chef)
    outbox.process_due()
    second = _enqueue(outbox, chef, replaces_id=first)
    other = _enqueue(outbox, chef, departement="73")
    outbox.process_due()
    assert [alert_row(database, i).status for i in (first, second, other)] == [
        "remplacee",
        "envoyee",
        "envoyee",
    ]
    assert [alert_row(database, i).sequence for i in (first, second, other)] == [1, 2, 1]
    retraction = _enqueue(outbox, chef, replaces_id=second, retraction=True)
    assert audit_actions(database, retraction) == ["retrait"]
    outbox.process_due()
    assert alert_row(database, second).status == "retiree"
    assert alert_row(database, retraction).status == "envoyee"
    message = payload_from_json(alert_row(database, retraction).payload_json)
    assert message["data"]["retraction"] == "1" and message["data"]["replaces"] == str(second)


def test_replacing_an_alert_of_another_audience_is_refused(outbox: Outbox, chef: Principal) -> None:
    first = _enqueue(outbox, chef, departement="73")
    with pytest.raises(OutboxError, match="autre public"):
        _enqueue(outbox, chef, replaces_id=first)


def test_roles_are_checked_in_the_service(
    outbox: Outbox, chef: Principal, database: Database
) -> None:
    d, verdict = sendable(chef, draft("74"))
    stranger = add_operator(database, "chef01", Role.CHEF_DE_QUART, ("01",))
    with pytest.raises(PermissionDenied, match="n'est pas le vôtre"):
        outbox.enqueue(stranger, d, verdict)
    opp = add_operator(database, "opp", Role.OPP_NATIONAL)
    national, verdict = sendable(opp, draft(None, OTV))
    with pytest.raises(PermissionDenied, match="OPP du GGD34"):
        outbox.enqueue(chef, national, verdict)
    assert outbox.enqueue(opp, national, verdict)
    assert count_alerts(database) == 1


def test_a_blocked_verdict_is_refused(outbox: Outbox, chef: Principal) -> None:
    from dataclasses import replace

    d, verdict = sendable(chef, draft("74"))
    with pytest.raises(SendRefused):
        outbox.enqueue(chef, d, replace(verdict, sendable=False))


# --- error matrix: status, French message, one history entry, never two « envoyée » -------

PERMANENT = [
    ([error(400, "INVALID_ARGUMENT")], 1, "mal formé"),
    ([error(401), error(401)], 2, "Identifiants Firebase refusés"),
    ([error(403, "SENDER_ID_MISMATCH")] * 2, 2, "n'a pas le droit d'envoyer"),
    ([error(404, "UNREGISTERED")], 1, "introuvable"),
]


@pytest.mark.parametrize(("steps", "requests", "message"), PERMANENT)
def test_permanent_errors_end_in_echec(
    outbox: Outbox,
    chef: Principal,
    server: FcmTestServer,
    database: Database,
    steps: list,  # type: ignore[type-arg]
    requests: int,
    message: str,
) -> None:
    server.script(*steps)
    alert_id = _enqueue(outbox, chef)
    outcome = outbox.deliver(alert_id)
    assert outcome is not None and outcome.status == "echec"
    row = alert_row(database, alert_id)
    assert row.status == "echec" and message in (row.last_error or "")
    assert [a.outcome for a in attempts(database, alert_id)] == ["definitif"]
    assert audit_actions(database, alert_id) == ["envoi", "echec"]
    assert len(server.received) == requests
    assert count_alerts(database) == 1 and count_alerts(database, status="envoyee") == 0


def test_401_once_then_ok(outbox: Outbox, chef: Principal, server: FcmTestServer) -> None:
    outbox.gateway.prepare()
    server.script(revoke_tokens())
    alert_id = _enqueue(outbox, chef)
    outcome = outbox.deliver(alert_id)
    assert outcome is not None and outcome.status == "envoyee"
    assert len(server.accepted) == 1


TRANSIENT = [
    (error(429, "QUOTA_EXCEEDED", retry_after="120"), 120.0, "Quota d'envoi Firebase dépassé"),
    (error(500, "INTERNAL"), 2.0, "momentanément indisponible"),
    (error(503, "UNAVAILABLE"), 2.0, "momentanément indisponible"),
    (delay(5), 2.0, "Pas de réponse"),
    (close(), 2.0, "coupé la connexion"),
]


@pytest.mark.parametrize(("step", "wait", "message"), TRANSIENT)
def test_transient_errors_are_retried_later_then_sent(
    outbox: Outbox,
    chef: Principal,
    server: FcmTestServer,
    database: Database,
    clock: Clock,
    step: object,
    wait: float,
    message: str,
) -> None:
    outbox.gateway.prepare()
    server.script(step)  # type: ignore[arg-type]
    alert_id = _enqueue(outbox, chef)
    outcome = outbox.deliver(alert_id)
    assert outcome is not None and outcome.status == "en_attente"
    assert outcome.next_attempt_at is not None
    assert (outcome.next_attempt_at - clock.now).total_seconds() == pytest.approx(wait)
    row = alert_row(database, alert_id)
    assert row.status == "en_attente" and message in (row.last_error or "")
    assert "Prochain essai à" in (row.last_error or "")
    assert outbox.process_due() == []  # not before its time
    clock.advance(wait)
    (outcome,) = outbox.process_due()
    assert outcome.status == "envoyee"
    # No answer after the request left, or the connection cut then: maybe delivered already.
    maybe = "incertain" if message in ("Pas de réponse", "coupé la connexion") else "transitoire"
    assert [a.outcome for a in attempts(database, alert_id)] == [maybe, "succes"]
    assert count_alerts(database) == 1 and count_alerts(database, status="envoyee") == 1


def test_503_always_gives_up_after_the_bounded_attempts(
    outbox: Outbox, chef: Principal, server: FcmTestServer, database: Database, clock: Clock
) -> None:
    server.default = error(503, "UNAVAILABLE")
    alert_id = _enqueue(outbox, chef)
    waits = []
    for _ in range(POLICY.max_attempts):
        (outcome,) = outbox.process_due()
        if outcome.next_attempt_at is not None:
            waits.append((outcome.next_attempt_at - clock.now).total_seconds())
            clock.advance(waits[-1])
    assert waits == [2.0, 4.0]  # exponential backoff
    assert outcome.status == "echec"
    row = alert_row(database, alert_id)
    assert row.last_error is not None
    assert row.last_error.startswith("Envoi abandonné (après 3 tentatives)")
    assert len(server.received) == 3
    assert audit_actions(database, alert_id) == ["envoi", "echec"]


def test_retry_after_beyond_the_push_lifetime_fails_now(
    outbox: Outbox, chef: Principal, server: FcmTestServer, database: Database
) -> None:
    server.script(error(429, retry_after=str(25 * 3600)))
    alert_id = _enqueue(outbox, chef)
    outcome = outbox.deliver(alert_id)
    assert outcome is not None and outcome.status == "echec"
    assert "durée de vie du push serait dépassée" in (
        alert_row(database, alert_id).last_error or ""
    )


def test_connection_refused_is_retried(
    database: Database, chef: Principal, clock: Clock, tmp_path: Path
) -> None:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with FcmTestServer() as srv:
        sa = srv.write_service_account(tmp_path / "sa.json")
        gw = FcmGateway(sa, endpoint=f"http://127.0.0.1:{port}", timeout=0.5)
        try:
            alert_id = _enqueue(
                Outbox(database, gw, journal=desk_journal(database), policy=POLICY, clock=clock),
                chef,
            )
            outcome = Outbox(
                database, gw, journal=desk_journal(database), policy=POLICY, clock=clock
            ).deliver(alert_id)
        finally:
            gw.close()
    assert outcome is not None and outcome.status == "en_attente"
    assert "Connexion impossible" in (alert_row(database, alert_id).last_error or "")


# --- « Renvoyer » -------------------------------------------------------------------------


def test_resend_after_echec_sends_the_same_payload(
    outbox: Outbox, chef: Principal, server: FcmTestServer, database: Database
) -> None:
    server.script(error(404))
    alert_id = _enqueue(outbox, chef)
    outbox.deliver(alert_id)
    outbox.resend(chef, alert_id)
    assert alert_row(database, alert_id).status == "en_attente"
    (outcome,) = outbox.process_due()
    assert outcome.status == "envoyee"
    first, second = server.received
    assert first.body == second.body
    assert audit_actions(database, alert_id) == ["envoi", "echec", "renvoi", "acceptee"]
    with pytest.raises(OutboxError, match=r"ne sert qu.aux alertes en échec ou à vérifier"):
        outbox.resend(chef, alert_id)


def test_resend_is_refused_when_it_would_not_show(
    outbox: Outbox, chef: Principal, server: FcmTestServer, database: Database, clock: Clock
) -> None:
    server.script(error(400))
    failed = _enqueue(outbox, chef)
    outbox.deliver(failed)
    _enqueue(outbox, chef)
    outbox.process_due()
    with pytest.raises(OutboxError, match="plus récente"):
        outbox.resend(chef, failed)
    other = add_operator(database, "chef01", Role.CHEF_DE_QUART, ("01",))
    with pytest.raises(PermissionDenied):
        outbox.resend(other, failed)
    server.script(error(400))
    late = _enqueue(outbox, chef, departement="73")
    outbox.deliver(late)
    clock.advance(25 * 3600)
    with pytest.raises(OutboxError, match="durée de vie"):
        outbox.resend(chef, late)


def test_simulation_outcomes_are_flagged(
    database: Database, chef: Principal, tmp_path: Path
) -> None:
    outbox = Outbox(database, SimulationGateway(tmp_path), journal=desk_journal(database))
    alert_id = _enqueue(outbox, chef)
    outcome = outbox.deliver(alert_id)
    assert outcome is not None and outcome.simulated
    assert alert_row(database, alert_id).gateway == "simulation"


def test_send_now_claims_in_the_commit_and_the_sender_of_this_desk_sends_it(
    outbox: Outbox, chef: Principal, server: FcmTestServer, database: Database
) -> None:
    alert_id = _enqueue(outbox, chef, claim=True)
    assert server.received == []  # still nothing on the network
    row = alert_row(database, alert_id)
    assert (row.status, row.attempt_count) == ("envoi", 1)  # claimed in the same commit
    other_desk = Outbox(database, outbox.gateway, journal=desk_journal(database), policy=POLICY)
    assert other_desk.process_due() == []  # this desk's turn: no one else sends it
    outcome = outbox.deliver(alert_id)
    assert outcome is not None and outcome.status == "envoyee"
    (received,) = server.received
    assert received.body == json.loads(row.payload_json)
    assert audit_actions(database, alert_id) == ["envoi", "acceptee"]
    assert outbox.process_due() == [] and len(server.received) == 1  # handed once


def test_send_now_waits_its_turn_behind_an_alert_of_its_topic_in_flight(
    outbox: Outbox, chef: Principal, database: Database
) -> None:
    first = _enqueue(outbox, chef, claim=True)
    second = _enqueue(outbox, chef, claim=True)  # the first is « envoi »: the second waits
    assert [alert_row(database, i).status for i in (first, second)] == ["envoi", "en_attente"]
    # The handed one first, then the second, claimed once the first was answered.
    assert [o.alert_id for o in outbox.process_due()] == [first, second]
    assert [alert_row(database, i).status for i in (first, second)] == ["remplacee", "envoyee"]


def test_a_desk_that_stops_before_sending_gives_its_claim_back_to_the_queue(
    outbox: Outbox, chef: Principal, server: FcmTestServer, database: Database
) -> None:
    alert_id = _enqueue(outbox, chef, claim=True)
    OutboxWorker(outbox).stop()  # the desk quits before its sender ran
    row = alert_row(database, alert_id)
    assert row.status == "en_attente" and server.received == []
    assert [a.outcome for a in attempts(database, alert_id)] == ["non_envoye"]
    next_desk = Outbox(database, outbox.gateway, journal=desk_journal(database), policy=POLICY)
    assert [o.status for o in next_desk.process_due()] == ["envoyee"]  # at once, no check
    assert outbox.deliver(alert_id) is None and len(server.received) == 1


def test_a_claim_survives_the_database_going_away_before_the_send(
    pg_url: str, gateway: FcmGateway, server: FcmTestServer
) -> None:
    """Claimed in the commit, then the server drops every connection before the sender's
    lease check: nothing went out, and the same sender sends it once the database answers."""
    database = desk_db(pg_url)
    try:
        database.upgrade()
        chef = add_operator(database, "chef74", Role.CHEF_DE_QUART, ("74",))
        outbox = Outbox(database, gateway, journal=desk_journal(database), policy=POLICY)
        first = _enqueue(outbox, chef, claim=True)
        outbox.deliver(first)  # the lease check's own connection is open now
        alert_id = _enqueue(outbox, chef, claim=True)
        with database.engine.connect() as conn:
            conn.execute(
                text(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE datname = current_database() AND pid <> pg_backend_pid()"
                )
            )
        with pytest.raises(DBAPIError):
            outbox.process_due()
        assert server.received[1:] == [] and alert_row(database, alert_id).status == "envoi"
        [outcome] = outbox.process_due()  # the pool reconnects: the handed claim goes
        assert (outcome.alert_id, outcome.status) == (alert_id, "envoyee")
        assert len(server.received) == 2
    finally:
        database.dispose()


def test_a_claim_without_time_left_for_the_request_is_not_sent_but_requeued(
    outbox: Outbox, chef: Principal, server: FcmTestServer, database: Database, clock: Clock
) -> None:
    """A claim that waited (handed when queued, behind a slow batch) must still have time for
    the request to end before its lease does, or another desk could take it for lost and send
    a newer alert of the topic while this one is in flight."""
    alert_id = _enqueue(outbox, chef, claim=True)
    clock.advance(POLICY.lease_seconds - POLICY.send_margin + 1)  # lease not over, margin gone
    outcomes = outbox.process_due()  # back in the queue, then claimed afresh and sent
    assert [(o.alert_id, o.status) for o in outcomes] == [
        (alert_id, "en_attente"),
        (alert_id, "envoyee"),
    ]
    assert [a.outcome for a in attempts(database, alert_id)] == ["non_envoye", "succes"]
    assert len(server.received) == 1


def test_a_send_committed_after_the_sender_stopped_goes_back_to_the_queue(
    outbox: Outbox, chef: Principal, database: Database
) -> None:
    """The desk quits while a « Envoyer maintenant » job is still committing: its claim goes
    back to the queue for the next sender instead of waiting to be « à vérifier »."""
    OutboxWorker(outbox).stop()
    alert_id = _enqueue(outbox, chef, claim=True)
    assert alert_row(database, alert_id).status == "en_attente"
