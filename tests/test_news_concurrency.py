"""Two desks on one news item: what the phones see must always be what the desk records.

A publication or withdrawal is committed (step 1), sent (step 2) then recorded (step 3); while
one desk's call is on its way, another desk must not start a call of its own on the same item,
or the later recorded outcome may not be the last write the Realtime Database received.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from desk import Pause, desk_db, interleaved
from outbox_fixtures import Clock, all_audit_actions
from rtdb_server import RtdbTestServer
from sqlalchemy import event

from stopcamb_desk.domain.roles import Principal
from stopcamb_desk.models.db import Database
from stopcamb_desk.push.news_feed_rtdb import RtdbNewsFeed
from stopcamb_desk.services.news_draft import NewsDraft, NewsRefused
from stopcamb_desk.services.news_service import NewsService
from stopcamb_desk.services.news_state import NewsConflict, NewsStatus

OTV = NewsDraft(
    "Vacances : pensez à l'opération tranquillité vacances",
    "Bientôt les départs en vacances : inscrivez-vous auprès de votre brigade dans le cadre "
    "des opérations tranquillité vacances.",
)
UPDATE = NewsDraft(OTV.title, "Les inscriptions à l'opération tranquillité vacances sont ouvertes.")


@pytest.fixture
def clock() -> Clock:
    return Clock()  # both desks read the same time, moved by the test


@pytest.fixture
def desks(
    database: Database, rtdb: RtdbTestServer, clock: Clock
) -> Iterator[tuple[NewsService, NewsService]]:
    """Desk A and desk B: each its own feed client, one database."""
    a = NewsService(database, RtdbNewsFeed(rtdb.database_url, timeout=2.0), clock=clock)
    b = NewsService(database, RtdbNewsFeed(rtdb.database_url, timeout=2.0), clock=clock)
    yield a, b
    a.close()
    b.close()


def remote(rtdb: RtdbTestServer, key: str) -> object:
    return rtdb.value(f"/flux_actualite/{key}")


def test_a_withdrawal_while_an_update_is_on_its_way_is_refused_and_the_feed_agrees(
    desks: tuple[NewsService, NewsService], opp: Principal, rtdb: RtdbTestServer
) -> None:
    a, b = desks
    row = a.publish(opp, OTV).row
    pending = a.request_publication(opp, UPDATE, row.id, row.version)  # desk A: sent next
    seen = b.get(opp, row.id)  # desk B refreshes: « Non publiée », no error

    with pytest.raises(NewsRefused, match="en cours") as refused:
        b.withdraw(opp, seen.id, seen.version)
    assert "opp34" in refused.value.message and "recommencez" in refused.value.message

    outcome = a.record(opp, pending, a.deliver(pending))
    assert outcome.ok and outcome.row.status is NewsStatus.PUBLIEE
    assert remote(rtdb, row.remote_key)["texte"] == UPDATE.body  # type: ignore[index]

    done = b.get(opp, row.id)  # once recorded, desk B may withdraw it
    assert b.withdraw(opp, done.id, done.version).row.status is NewsStatus.RETIREE
    assert remote(rtdb, row.remote_key) is None


def test_an_update_or_draft_while_a_publication_is_on_its_way_is_refused(
    desks: tuple[NewsService, NewsService], opp: Principal, rtdb: RtdbTestServer, database: Database
) -> None:
    a, b = desks
    pending = a.request_publication(opp, OTV)
    seen = b.get(opp, pending.item_id)
    before = all_audit_actions(database)

    with pytest.raises(NewsRefused, match="en cours"):
        b.publish(opp, UPDATE, seen.id, seen.version)
    with pytest.raises(NewsRefused, match="en cours"):
        b.save_draft(opp, UPDATE, seen.id, seen.version)
    assert all_audit_actions(database) == before  # nothing half-written
    assert rtdb.writes() == []

    outcome = a.record(opp, pending, a.deliver(pending))
    assert outcome.row.status is NewsStatus.PUBLIEE
    assert remote(rtdb, outcome.row.remote_key)["texte"] == OTV.body  # type: ignore[index]


def test_a_failed_call_no_longer_blocks_the_other_desk(
    desks: tuple[NewsService, NewsService], opp: Principal, rtdb: RtdbTestServer
) -> None:
    a, b = desks
    rtdb.stop()
    failed = a.publish(opp, OTV)
    assert not failed.ok and failed.row.status is NewsStatus.A_PUBLIER

    pending = b.request_publication(opp, UPDATE, failed.row.id, failed.row.version)
    assert pending.entry["texte"] == UPDATE.body


def test_a_desk_closed_mid_call_blocks_the_item_two_minutes_at_most(
    desks: tuple[NewsService, NewsService], opp: Principal, rtdb: RtdbTestServer, clock: Clock
) -> None:
    a, b = desks
    lost = a.request_publication(opp, OTV)  # desk A is closed before sending it
    seen = b.get(opp, lost.item_id)
    with pytest.raises(NewsRefused, match="2 minutes"):
        b.publish(opp, UPDATE, seen.id, seen.version)

    clock.advance(2 * 60 + 1)
    outcome = b.publish(opp, UPDATE, seen.id, seen.version)
    assert outcome.ok and remote(rtdb, outcome.row.remote_key)["texte"] == UPDATE.body  # type: ignore[index]

    # Desk A comes back and sends what it had queued: too late, nothing is sent.
    late = a.record(opp, lost, a.deliver(lost))
    assert not late.ok and "n'a pas été envoyée" in late.message
    assert remote(rtdb, outcome.row.remote_key)["texte"] == UPDATE.body  # type: ignore[index]
    assert b.get(opp, seen.id).status is NewsStatus.PUBLIEE


def pause_after_reading_the_item(db: Database) -> Pause:
    """Desk A stops right after its transaction read the item (before writing it back)."""
    pause, armed = Pause(), [True]

    def after(_conn: object, _cursor: object, statement: str, *_: object) -> None:
        if armed[0] and statement.lstrip().startswith("SELECT") and "FROM news_items" in statement:
            armed[0] = False
            pause.here()

    event.listen(db.engine, "after_cursor_execute", after)
    return pause


@pytest.mark.parametrize("action", ["brouillon", "publier", "retirer"])
def test_two_desks_changing_the_item_at_the_same_instant_the_second_is_told_in_french(
    database: Database, rtdb: RtdbTestServer, opp: Principal, action: str
) -> None:
    """Both desks read version N in the same instant; desk B writes first. Desk A's write
    matches no row: refused in French — not SQLAlchemy's « StaleDataError » — nothing written."""
    b = NewsService(database, RtdbNewsFeed(rtdb.database_url, timeout=2.0))
    row = b.save_draft(opp, OTV)
    other = desk_db(database.url)  # desk A: its own engine and connections
    a = NewsService(other, RtdbNewsFeed(rtdb.database_url, timeout=2.0))
    pause = pause_after_reading_the_item(other)
    desk_a = {
        "brouillon": lambda: a.save_draft(opp, UPDATE, row.id, row.version),
        "publier": lambda: a.request_publication(opp, UPDATE, row.id, row.version),
        "retirer": lambda: a.request_withdrawal(opp, row.id, row.version),
    }[action]
    before = all_audit_actions(database)
    try:
        lost = interleaved(
            pause, desk_a, lambda: b.save_draft(opp, NewsDraft("B", OTV.body), row.id, row.version)
        )
    finally:
        a.close()
        b.close()
        other.dispose()
    assert isinstance(lost, NewsConflict), repr(lost)
    assert "modifié entre-temps" in lost.message and "recommencez" in lost.message
    assert all_audit_actions(database) == [*before, "actualite_brouillon_modifie"]  # desk B's only
    stored = NewsService(database, RtdbNewsFeed(rtdb.database_url)).get(opp, row.id)
    assert (stored.title, stored.status) == ("B", NewsStatus.BROUILLON)
    assert rtdb.writes() == []
