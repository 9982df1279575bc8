"""Reading the app's feed back: a write that lands after its outcome was recorded is found, and
the record then says what the phones show (loopback Realtime Database, real database)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from outbox_fixtures import add_operator, all_audit_actions
from rtdb_server import RtdbTestServer, Step

from stopcamb_desk.domain.roles import PermissionDenied, Principal, Role
from stopcamb_desk.models import utcnow
from stopcamb_desk.models.db import Database
from stopcamb_desk.push.news_feed_rtdb import RtdbNewsFeed
from stopcamb_desk.services.audit_alerts import verify
from stopcamb_desk.services.news_check import FeedCheckRequest, GapKind
from stopcamb_desk.services.news_draft import NewsDraft
from stopcamb_desk.services.news_service import NewsService
from stopcamb_desk.services.news_state import NewsStatus

OTV = NewsDraft(
    "Vacances : pensez à l'opération tranquillité vacances",
    "Inscrivez-vous auprès de votre brigade : les gendarmes passeront surveiller votre logement.",
    "https://www.service-public.fr/particuliers/vosdroits/R41033",
)
OTV2 = NewsDraft(OTV.title, OTV.body + " Pensez aussi à faire relever votre courrier.", OTV.url)


@dataclass
class Late:
    """A write the server holds until :meth:`land` (the desk's call has long timed out)."""

    release: threading.Event
    applied: threading.Event

    @property
    def step(self) -> Step:
        return Step(hold=self.release, after=self.applied.set)

    def land(self) -> None:
        self.release.set()
        assert self.applied.wait(10), "the held write never landed"


def late() -> Late:
    return Late(threading.Event(), threading.Event())


@pytest.fixture
def service(database: Database, rtdb: RtdbTestServer) -> Iterator[NewsService]:
    # A short timeout: the held write makes the desk's call time out at once.
    feed = RtdbNewsFeed(rtdb.database_url, timeout=0.3)
    yield NewsService(database, feed)
    feed.close()


def test_a_publication_landing_after_its_withdrawal_is_found_and_withdrawn_again(
    service: NewsService, opp: Principal, rtdb: RtdbTestServer, database: Database
) -> None:
    put = late()
    rtdb.script(put.step)
    published = service.publish(opp, OTV)
    assert not published.ok and "peut-être arrivée" in published.message
    withdrawn = service.withdraw(opp, published.row.id)
    assert withdrawn.ok and withdrawn.row.status is NewsStatus.RETIREE
    key = withdrawn.row.remote_key
    put.land()  # the publication the desk gave up on reaches the feed after the withdrawal
    assert rtdb.value(f"/flux_actualite/{key}") is not None

    check = service.check_feed(opp)

    assert not check.ok
    assert [(g.kind, g.item_id) for g in check.gaps] == [(GapKind.REAPPEARED, withdrawn.row.id)]
    assert "retiré dans le registre, mais visible dans l'application" in check.message
    assert "Réessayer" in check.message
    row = service.get(opp, withdrawn.row.id)
    assert row.status is NewsStatus.A_RETIRER and row.status_label == "Retrait non confirmé"
    assert row.last_error is not None and "visible dans l'application" in row.last_error
    assert all_audit_actions(database)[-1] == "actualite_ecart_flux"

    assert service.retry(opp, row.id).row.status is NewsStatus.RETIREE
    assert rtdb.value("/flux_actualite") is None
    again = service.check_feed(opp)
    assert again.ok and again.gaps == ()
    assert again.message == "Le flux de l'application correspond au registre (0 article visible)."
    with database.session() as session:
        assert verify(session).ok


def test_an_older_text_landing_after_the_update_is_found_and_republished(
    service: NewsService, opp: Principal, rtdb: RtdbTestServer
) -> None:
    first = late()
    rtdb.script(first.step)
    row = service.publish(opp, OTV).row  # timed out: « Non publiée »
    updated = service.publish(opp, OTV2, row.id, row.version)
    assert updated.ok and updated.row.body == OTV2.body
    first.land()  # the first text overwrites the update
    assert rtdb.value(f"/flux_actualite/{row.remote_key}/texte") == OTV.body

    check = service.check_feed(opp)

    assert [g.kind for g in check.disagreements] == [GapKind.OTHER_VERSION]
    now = service.get(opp, row.id)
    assert now.status is NewsStatus.A_PUBLIER and now.visible_in_app is True
    assert service.retry(opp, row.id).ok
    assert rtdb.value(f"/flux_actualite/{row.remote_key}/texte") == OTV2.body
    assert service.check_feed(opp).ok


def test_an_entry_deleted_outside_the_desk_is_no_longer_called_published(
    service: NewsService, opp: Principal, rtdb: RtdbTestServer
) -> None:
    row = service.publish(opp, OTV).row
    rtdb.apply("DELETE", ["flux_actualite", row.remote_key], None)  # the Firebase console

    check = service.check_feed(opp)

    assert [g.kind for g in check.gaps] == [GapKind.MISSING]
    assert "absent de l'application" in check.message
    now = service.get(opp, row.id)
    assert now.status is NewsStatus.A_PUBLIER and now.visible_in_app is not True
    assert service.retry(opp, row.id).ok
    assert rtdb.value(f"/flux_actualite/{row.remote_key}/titre") == OTV.title


def test_uncertain_outcomes_the_feed_shows_went_through_are_recorded_as_done(
    service: NewsService, opp: Principal, rtdb: RtdbTestServer, database: Database
) -> None:
    put = late()
    rtdb.script(put.step)
    row = service.publish(opp, OTV).row
    put.land()

    check = service.check_feed(opp)

    assert check.ok and [g.kind for g in check.gaps] == [GapKind.PUBLICATION_DONE]
    assert "1 résultat incertain confirmé" in check.message
    published = service.get(opp, row.id)
    assert published.status is NewsStatus.PUBLIEE and published.last_error is None
    entry = rtdb.value(f"/flux_actualite/{row.remote_key}")
    assert published.published_at is not None
    assert published.published_at.isoformat(timespec="seconds") == entry["publie_le"]

    delete = late()
    rtdb.script(delete.step)
    assert service.withdraw(opp, row.id).row.status is NewsStatus.A_RETIRER
    delete.land()
    check = service.check_feed(opp)
    assert check.ok and [g.kind for g in check.gaps] == [GapKind.WITHDRAWAL_DONE]
    assert service.get(opp, row.id).status is NewsStatus.RETIREE
    assert all_audit_actions(database)[-1] == "actualite_constatee"


def test_an_entry_no_item_holds_is_reported_and_nothing_is_changed(
    service: NewsService, opp: Principal, rtdb: RtdbTestServer, database: Database
) -> None:
    rtdb.apply("PUT", ["flux_actualite", "actu-console"], {"titre": "Essai console"})
    before = all_audit_actions(database)

    check = service.check_feed(opp)

    assert not check.ok and [g.kind for g in check.gaps] == [GapKind.UNKNOWN]
    assert "« actu-console »" in check.message and "console Firebase" in check.message
    assert "1 article visible" in check.message
    assert all_audit_actions(database) == before


def test_an_unreachable_feed_says_so_and_changes_nothing(
    service: NewsService, opp: Principal, rtdb: RtdbTestServer, database: Database
) -> None:
    row = service.publish(opp, OTV).row
    before = all_audit_actions(database)
    down = RtdbTestServer().start()
    down.stop()  # nothing listens on its port any more
    feed = RtdbNewsFeed(down.database_url, timeout=2.0)
    try:
        check = NewsService(database, feed).check_feed(opp)
    finally:
        feed.close()

    assert not check.ok and check.gaps == ()
    assert check.message.startswith("Le flux de l'application n'a pas pu être relu : ")
    assert "127.0.0.1" in check.message
    assert service.get(opp, row.id).status is NewsStatus.PUBLIEE
    assert all_audit_actions(database) == before


def test_an_item_with_a_call_on_its_way_or_changed_meanwhile_is_not_judged(
    service: NewsService, opp: Principal, rtdb: RtdbTestServer
) -> None:
    on_its_way = service.request_publication(opp, OTV)  # committed, not yet sent
    other = service.publish(opp, NewsDraft("Commerçants", "Fermez votre caisse la nuit.")).row
    request = service.request_feed_check(opp)
    reading = service.read_feed()
    service.withdraw(opp, other.id)  # another desk, between the read and the record

    check = service.record_feed_check(opp, request, reading)

    assert check.ok and check.gaps == ()
    assert set(check.skipped) == {on_its_way.item_id, other.id}
    assert "Non vérifiés" in check.message
    assert service.get(opp, on_its_way.item_id).status is NewsStatus.A_PUBLIER
    assert service.get(opp, other.id).status is NewsStatus.RETIREE


def test_only_the_national_desk_may_check_the_feed(
    service: NewsService, database: Database
) -> None:
    chef = add_operator(database, "chef74", Role.CHEF_DE_QUART, ("74",))
    with pytest.raises(PermissionDenied):
        service.check_feed(chef)
    with pytest.raises(PermissionDenied):
        service.record_feed_check(chef, FeedCheckRequest({}, utcnow()), service.read_feed())
