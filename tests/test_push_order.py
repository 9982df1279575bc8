"""« Un push chasse l'autre » in time order: an older alert never lands over a newer one.

FCM on loopback (``fcm_server``), real SQLite files and real PostgreSQL; the second desk is a
second process running the command line.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from desk import desk_journal
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
from stopcamb_desk.models import utcnow
from stopcamb_desk.models.db import Database
from stopcamb_desk.push.fcm import FcmGateway
from stopcamb_desk.services.history import HistoryService
from stopcamb_desk.services.outbox import Outbox
from stopcamb_desk.services.outbox_journal import Acceptance
from stopcamb_desk.services.outbox_outcome import record_acceptance
from stopcamb_desk.services.outbox_policy import OutboxError, RetryPolicy
from stopcamb_desk.services.replacement import ReplacementService

POLICY = RetryPolicy(base_delay=1.0, factor=2.0, jitter=0.0, max_attempts=6)
OTHER = (
    "SEYNOD, cambriolages de commerces la nuit dernière : vérifiez vos fermetures et votre "
    "alarme, signalez tout fait au 17."
)


@pytest.fixture
def server() -> Iterator[FcmTestServer]:
    with FcmTestServer() as srv:
        yield srv


@pytest.fixture
def credentials(server: FcmTestServer, tmp_path: Path) -> Path:
    return server.write_service_account(tmp_path / "sa.json")


@pytest.fixture
def chef(database: Database) -> Principal:
    return add_operator(database, "chef74", Role.CHEF_DE_QUART, ("74",))


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def outbox(
    database: Database, server: FcmTestServer, credentials: Path, clock: Clock
) -> Iterator[Outbox]:
    gateway = FcmGateway(credentials, endpoint=server.base_url, timeout=5)
    yield Outbox(database, gateway, journal=desk_journal(database), policy=POLICY, clock=clock)
    gateway.close()


def _queue(outbox: Outbox, chef: Principal, text: str | None = None) -> int:
    return outbox.enqueue(chef, *sendable(chef, draft("74", text) if text else draft("74")))


def _sent_ids(server: FcmTestServer) -> list[int]:
    return [int(r.message["data"]["alert_id"]) for r in server.received]


def test_an_older_alert_never_lands_over_a_newer_one(
    database: Database, outbox: Outbox, chef: Principal, server: FcmTestServer, clock: Clock
) -> None:
    """The reproduction: 503 to A, then B sent and accepted, then A's retry falls due."""
    server.script(error(503))
    a = _queue(outbox, chef)
    outcome = outbox.deliver(a)
    assert outcome is not None and outcome.status == "en_attente"  # A waits for its retry

    b = _queue(outbox, chef, OTHER)
    row_a = alert_row(database, a)
    assert row_a.status == "remplacee_attente"  # stopped when B was queued
    assert f"alerte n° {b}" in (row_a.last_error or "")
    assert audit_actions(database, b) == ["envoi"]
    outcome_b = outbox.deliver(b)
    assert outcome_b is not None and outcome_b.status == "envoyee"

    clock.advance(3600)  # A's retry time is long past
    assert outbox.process_due() == []
    assert outbox.deliver(a) is None
    assert _sent_ids(server) == [a, b]  # A was never handed to FCM again
    assert [x.outcome for x in attempts(database, a)] == ["transitoire"]
    (shown,) = HistoryService(database, clock=clock).on_phones(chef)
    assert shown.alert.id == b and shown.alert.text == OTHER


def test_two_alerts_of_a_topic_are_never_in_flight_together(
    database: Database, outbox: Outbox, chef: Principal, server: FcmTestServer
) -> None:
    a = _queue(outbox, chef)
    (claimed_a,) = outbox.claim(a)  # A is in flight (its request is on its way)
    b = _queue(outbox, chef, OTHER)
    assert alert_row(database, a).status == "envoi"  # already handed over: it cannot be stopped
    assert outbox.claim(b) == []  # B waits for A's answer, so FCM gets them in order
    assert outbox.send_claimed(claimed_a).status == "envoyee"
    outcome_b = outbox.deliver(b)
    assert outcome_b is not None and outcome_b.status == "envoyee"
    assert outcome_b.others == ((a, "remplacee"),)
    assert _sent_ids(server) == [a, b]
    assert (alert_row(database, a).status, alert_row(database, b).status) == (
        "remplacee",
        "envoyee",
    )


def test_an_older_alert_failing_in_flight_is_not_retried_after_a_newer_one(
    database: Database, outbox: Outbox, chef: Principal, server: FcmTestServer
) -> None:
    server.script(error(503))
    a = _queue(outbox, chef)
    (claimed_a,) = outbox.claim(a)
    b = _queue(outbox, chef, OTHER)
    outcome_a = outbox.send_claimed(claimed_a)
    assert outcome_a.status == "remplacee_attente"
    assert f"alerte n° {b}" in (outcome_a.error or "")
    assert audit_actions(database, a) == ["envoi", "remplacee_attente"]
    assert outbox.deliver(b) is not None
    assert _sent_ids(server) == [a, b]


def test_renvoyer_only_the_head_of_its_topic(
    database: Database, outbox: Outbox, chef: Principal, server: FcmTestServer, clock: Clock
) -> None:
    server.script(error(400, "INVALID_ARGUMENT"))
    a = _queue(outbox, chef)
    assert outbox.deliver(a).status == "echec"  # type: ignore[union-attr]
    b = _queue(outbox, chef, OTHER)  # queued after A failed: A is no longer the head
    service = ReplacementService(database, outbox, retraction_text="Retrait.")
    reason = service.actions(chef, a).resend_reason
    assert reason is not None and f"plus récente (n° {b})" in reason
    with pytest.raises(OutboxError) as refused:
        outbox.resend(chef, a)
    assert refused.value.message == reason  # the button says what the service enforces
    assert outbox.deliver(b) is not None
    assert _sent_ids(server) == [a, b]


def test_renvoyer_button_and_service_agree_once_the_push_lifetime_is_over(
    database: Database, outbox: Outbox, chef: Principal, server: FcmTestServer, clock: Clock
) -> None:
    server.script(error(400, "INVALID_ARGUMENT"))
    a = _queue(outbox, chef)
    outbox.deliver(a)
    service = ReplacementService(database, outbox, retraction_text="Retrait.")
    assert service.actions(chef, a).can_resend
    clock.advance(outbox.ttl_hours * 3600 + 1)
    reason = service.actions(chef, a).resend_reason
    assert reason is not None and "durée de vie" in reason
    with pytest.raises(OutboxError) as refused:
        outbox.resend(chef, a)
    assert refused.value.message == reason


def test_phones_show_what_fcm_accepted_last(
    database: Database, outbox: Outbox, chef: Principal, clock: Clock
) -> None:
    """A journaled acceptance recorded late takes its place in acceptance order."""
    a = _queue(outbox, chef)
    (claimed_a,) = outbox.claim(a)
    accepted_a = Acceptance(a, "projects/stopcamb-test/messages/41", clock(), "poste-a")
    clock.advance(1)
    # A's desk lost its database right after FCM's answer; the lease expires, B goes out.
    clock.advance(RetryPolicy().lease_seconds + 1)
    assert outbox.recover() == [a]
    b = _queue(outbox, chef, OTHER)
    assert outbox.deliver(b).status == "envoyee"  # type: ignore[union-attr]
    with database.session() as session:  # then A's answer comes back from the journal
        late = record_acceptance(session, accepted_a, from_journal=True)
    assert late.status == "remplacee"  # accepted before B: B is what the phones show
    assert alert_row(database, b).status == "envoyee"
    (shown,) = HistoryService(database, clock=clock).on_phones(chef)
    assert shown.alert.id == b
    assert claimed_a.id == a


# -- two desks, two processes --------------------------------------------------------------


def _cli(env: dict[str, str], *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "stopcamb_desk", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )


def test_a_second_desk_waits_for_the_alert_in_flight_then_replaces_it(
    database: Database, db_url: str, outbox: Outbox, server: FcmTestServer, credentials: Path
) -> None:
    """Desk 1 (this process) has A in flight (FCM slow to answer); desk 2 (another process,
    the command line) sends B meanwhile: B leaves only after A's answer, and wins."""
    from stopcamb_desk.services.accounts import AccountService

    chef = AccountService(database).create(
        "chef74", "Un-mot-de-passe-solide-74", Role.CHEF_DE_QUART, ("74",)
    )
    server.script(delay(2.0))
    a = _queue(outbox, chef)
    done = threading.Event()
    threading.Thread(target=lambda: (outbox.deliver(a), done.set()), daemon=True).start()
    assert wait_until(lambda: len(server.received) == 1, timeout=10)

    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST")}
    env |= {
        "STOPCAMB_DATABASE_URL": db_url,
        "STOPCAMB_FCM_CREDENTIALS": str(credentials),
        "STOPCAMB_FCM_ENDPOINT": server.base_url,
        "STOPCAMB_PASSWORD": "Un-mot-de-passe-solide-74",
    }
    fait = f"plainte:2026/00999:{utcnow().date().isoformat()}"
    desk2 = _cli(
        env, "send", "--departement", "74", "--text", OTHER, "--fait", fait, "--operateur", "chef74"
    )
    out, err = desk2.communicate(timeout=60)
    assert done.wait(10)
    assert desk2.returncode == 0, err
    b = int(out.split("n° ")[1].split(" ")[0])
    assert _sent_ids(server) == [a, b]
    assert alert_row(database, a).status == "remplacee"
    assert alert_row(database, b).status == "envoyee"


# -- what the red team found: modes, leases, clocks ----------------------------------------


def test_a_simulating_desk_and_a_real_desk_never_share_their_queue(
    database: Database, outbox: Outbox, chef: Principal, server: FcmTestServer, tmp_path: Path
) -> None:
    from stopcamb_desk.push.simulation import SimulationGateway

    server.script(error(503))
    a = _queue(outbox, chef)
    outbox.deliver(a)  # a real alert waits for its retry
    simulating = Outbox(database, SimulationGateway(tmp_path), journal=desk_journal(database))
    assert simulating.process_due() == []  # never « sent » by the simulation
    with pytest.raises(OutboxError, match="réellement envoyées par Firebase"):
        _queue(simulating, chef, OTHER)
    assert alert_row(database, a).status == "en_attente"


def test_a_desk_that_lost_its_lease_never_sends(
    database: Database, outbox: Outbox, chef: Principal, server: FcmTestServer, clock: Clock
) -> None:
    """Desk 1 claims A then is suspended past its lease; recovery says « à vérifier », B is
    sent and covers it; desk 1 wakes up: A is not handed to FCM (its attempt says so)."""
    a = _queue(outbox, chef)
    (claimed_a,) = outbox.claim(a)
    clock.advance(RetryPolicy().lease_seconds + 1)
    assert outbox.recover() == [a]
    b = _queue(outbox, chef, OTHER)
    assert outbox.deliver(b).status == "envoyee"  # type: ignore[union-attr]
    late = outbox.send_claimed(claimed_a)  # desk 1 resumes
    assert late.status == "remplacee"
    assert _sent_ids(server) == [b]
    assert [x.outcome for x in attempts(database, a)] == ["inconnu", "non_envoye"]
    with database.session() as session:
        from stopcamb_desk.services import audit_alerts

        assert audit_alerts.verify(session).ok


def test_a_desk_that_lost_its_lease_to_a_newer_alert_queued_meanwhile(
    database: Database, outbox: Outbox, chef: Principal, server: FcmTestServer, clock: Clock
) -> None:
    a = _queue(outbox, chef)
    (claimed_a,) = outbox.claim(a)
    clock.advance(RetryPolicy().lease_seconds + 1)
    b = _queue(outbox, chef, OTHER)  # queued while A's desk sleeps, not sent yet
    assert outbox.send_claimed(claimed_a).status == "remplacee_attente"
    assert server.received == []
    assert outbox.deliver(b).status == "envoyee"  # type: ignore[union-attr]
    assert _sent_ids(server) == [b]


def test_a_lease_expired_before_sending_goes_back_to_the_queue(
    database: Database, outbox: Outbox, chef: Principal, server: FcmTestServer, clock: Clock
) -> None:
    a = _queue(outbox, chef)
    (claimed,) = outbox.claim(a)
    clock.advance(RetryPolicy().lease_seconds + 1)  # nobody recovered it yet
    assert outbox.send_claimed(claimed).status == "en_attente"
    assert server.received == []
    assert outbox.deliver(a).status == "envoyee"  # type: ignore[union-attr]
    assert _sent_ids(server) == [a]


def test_an_older_alert_maybe_delivered_is_never_said_not_sent(
    database: Database, chef: Principal, server: FcmTestServer, credentials: Path, clock: Clock
) -> None:
    gateway = FcmGateway(credentials, endpoint=server.base_url, timeout=0.5)
    slow = Outbox(database, gateway, journal=desk_journal(database), policy=POLICY, clock=clock)
    try:
        server.script(delay(1.5))  # FCM answers 200 after the desk gave up
        a = _queue(slow, chef)
        (claimed_a,) = slow.claim(a)
        b = _queue(slow, chef, OTHER)
        outcome = slow.send_claimed(claimed_a)
        assert outcome.status == "a_verifier"
        assert "a peut-être été affichée" in (outcome.error or "")
        assert slow.deliver(b).status == "envoyee"  # type: ignore[union-attr]
        assert alert_row(database, a).status == "remplacee"  # covered by B on every phone
    finally:
        gateway.close()


def test_a_live_acceptance_is_the_latest_whatever_the_desk_clock(
    database: Database, outbox: Outbox, chef: Principal, server: FcmTestServer, clock: Clock
) -> None:
    a = _queue(outbox, chef)
    outbox.deliver(a)
    behind = Clock(clock() - timedelta(seconds=30))  # a second desk, its clock 30 s late
    desk2 = Outbox(
        database, outbox.gateway, journal=desk_journal(database), policy=POLICY, clock=behind
    )
    service = ReplacementService(database, desk2, retraction_text="Message retiré. Le 17.")
    retraction = service.retract(chef, a, service.actions(chef, a).version)
    assert desk2.deliver(retraction).status == "envoyee"  # type: ignore[union-attr]
    assert alert_row(database, a).status == "retiree"
    (shown,) = HistoryService(database, clock=clock).on_phones(chef)
    assert shown.alert.id == retraction


def test_replacing_an_alert_a_verifier_takes_it_off_the_record_of_the_phones(
    database: Database, outbox: Outbox, chef: Principal, clock: Clock
) -> None:
    a = _queue(outbox, chef)
    outbox.claim(a)
    clock.advance(RetryPolicy().lease_seconds + 1)
    assert outbox.recover() == [a]  # possibly shown
    service = ReplacementService(database, outbox, retraction_text="Message retiré. Le 17.")
    b = service.replace(chef, a, service.actions(chef, a).version, draft("74", OTHER))
    assert outbox.deliver(b).status == "envoyee"  # type: ignore[union-attr]
    assert alert_row(database, a).status == "remplacee"


def test_an_alert_queued_beyond_its_lifetime_never_goes_out_stale(
    database: Database, outbox: Outbox, chef: Principal, server: FcmTestServer, clock: Clock
) -> None:
    server.script(error(503))
    a = _queue(outbox, chef)
    outbox.deliver(a)
    clock.advance(outbox.ttl_hours * 3600 + 60)  # no desk open for a day and more
    assert outbox.process_due() == []
    row = alert_row(database, a)
    assert row.status == "echec" and "durée de vie" in (row.last_error or "")
    assert len(server.received) == 1
