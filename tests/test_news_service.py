"""The national news feed service against a real database and a loopback Realtime Database."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from desk import desk_db
from markup_oracle import VECTORS, assert_no_markup
from outbox_fixtures import add_operator, all_audit_actions
from rtdb_server import RtdbTestServer, Step
from sqlalchemy import select
from tcp_proxy import tcp_proxy

from stopcamb_desk.domain.roles import PermissionDenied, Principal, Role
from stopcamb_desk.models import NewsItem
from stopcamb_desk.models.db import Database, DatabaseError
from stopcamb_desk.push.news_feed_rtdb import RtdbNewsFeed
from stopcamb_desk.push.news_feed_simulation import SimulationNewsFeed
from stopcamb_desk.services.audit_alerts import verify
from stopcamb_desk.services.news_draft import NewsDraft, NewsRefused
from stopcamb_desk.services.news_service import NewsService
from stopcamb_desk.services.news_state import NewsConflict, NewsStatus

OTV = NewsDraft(
    "Vacances : pensez à l'opération tranquillité vacances",
    "Bientôt les départs en vacances : inscrivez-vous auprès de votre brigade dans le cadre "
    "des opérations tranquillité vacances. Les gendarmes passeront surveiller votre logement.",
    "https://www.service-public.fr/particuliers/vosdroits/R41033",
)


@pytest.fixture
def feed(rtdb: RtdbTestServer) -> Iterator[RtdbNewsFeed]:
    feed = RtdbNewsFeed(rtdb.database_url, timeout=2.0)
    yield feed
    feed.close()


@pytest.fixture
def service(database: Database, feed: RtdbNewsFeed) -> NewsService:
    return NewsService(database, feed)


def test_publish_puts_the_item_in_the_app_feed(
    service: NewsService, opp: Principal, rtdb: RtdbTestServer, database: Database
) -> None:
    outcome = service.publish(opp, OTV)

    assert outcome.ok, outcome.message
    row = outcome.row
    assert row.status is NewsStatus.PUBLIEE and row.status_label == "Publiée"
    assert row.published_at is not None and row.gateway == "emulateur"
    assert rtdb.value(f"/flux_actualite/{row.remote_key}") == {
        "titre": OTV.title,
        "texte": OTV.body,
        "url": OTV.url,
        "publie_le": row.published_at.isoformat(timespec="seconds"),
    }
    put = rtdb.writes()[-1]
    assert (put.method, put.query["ns"]) == ("PUT", [rtdb.namespace])
    assert all_audit_actions(database)[-2:] == [
        "actualite_publication_demandee",
        "actualite_publiee",
    ]
    with database.session() as session:
        assert verify(session).ok


def test_withdraw_removes_the_item_from_the_app_feed(
    service: NewsService, opp: Principal, rtdb: RtdbTestServer, database: Database
) -> None:
    other = service.publish(opp, NewsDraft("Commerçants", "Fermez votre caisse la nuit.")).row
    row = service.publish(opp, OTV).row

    outcome = service.withdraw(opp, row.id, row.version)

    assert outcome.ok, outcome.message
    assert outcome.message == (
        f"Article n° {row.id} retiré du flux (il n'apparaît plus dans l'application)."
    )
    assert outcome.row.status is NewsStatus.RETIREE and outcome.row.withdrawn_at is not None
    assert rtdb.value(f"/flux_actualite/{row.remote_key}") is None
    assert list(rtdb.value("/flux_actualite")) == [other.remote_key]  # the other one stays
    assert rtdb.writes()[-1].method == "DELETE"
    assert all_audit_actions(database)[-2:] == ["actualite_retrait_demande", "actualite_retiree"]
    listed = {r.id: r.status for r in service.list_items(opp)}
    assert listed == {other.id: NewsStatus.PUBLIEE, row.id: NewsStatus.RETIREE}


def test_server_down_keeps_the_item_unpublished_then_retry_publishes_it(
    database: Database, opp: Principal, tmp_path: Path
) -> None:
    server = RtdbTestServer().start()
    url = server.database_url
    server.stop()  # nothing listens on that port any more
    feed = RtdbNewsFeed(url, timeout=2.0)
    service = NewsService(database, feed)

    outcome = service.publish(opp, OTV)

    assert not outcome.ok
    assert "injoignable" in outcome.message and "rien n'est perdu" in outcome.message
    assert outcome.row.status is NewsStatus.A_PUBLIER
    assert outcome.row.status_label == "Non publiée"
    assert outcome.row.last_error and "Réessayer" in outcome.row.last_error
    with database.session() as session:  # the text is safe in the database
        item = session.scalars(select(NewsItem)).one()
        assert (item.title, item.body, item.url) == (OTV.title, OTV.body, OTV.url)
    assert all_audit_actions(database)[-1] == "actualite_publication_echec"
    feed.close()

    with RtdbTestServer() as back:  # the network is back (another address: same feed)
        service = NewsService(database, RtdbNewsFeed(back.database_url, timeout=2.0))
        retried = service.retry(opp, outcome.row.id)
        assert retried.ok and retried.row.status is NewsStatus.PUBLIEE
        assert retried.row.last_error is None
        assert back.value(f"/flux_actualite/{outcome.row.remote_key}")["titre"] == OTV.title
        service.feed.close()


@pytest.mark.parametrize(
    ("step", "words", "transient"),
    [
        (Step(status=503), "erreur 503", True),
        (Step(status=500, message="Internal error"), "erreur 500", True),
        (Step(status=403, message="Permission denied"), "refusé l'accès", False),
    ],
)
def test_server_errors_are_explained_in_french_and_nothing_is_lost(
    service: NewsService,
    opp: Principal,
    rtdb: RtdbTestServer,
    step: Step,
    words: str,
    transient: bool,
) -> None:
    rtdb.script(step)

    outcome = service.publish(opp, OTV)

    assert not outcome.ok and words in outcome.message, outcome.message
    assert outcome.row.status is NewsStatus.A_PUBLIER
    assert rtdb.value("/flux_actualite") is None
    assert len(rtdb.writes()) == 1  # no hidden retry behind the operator's back
    assert service.retry(opp, outcome.row.id).ok


def test_refused_credentials_are_a_401_with_what_to_do(
    service: NewsService, opp: Principal, rtdb: RtdbTestServer
) -> None:
    rtdb.tokens = {"another-token"}  # the database no longer accepts the desk

    outcome = service.publish(opp, OTV)

    assert not outcome.ok
    assert "erreur 401" in outcome.message and "administrateur" in outcome.message
    assert rtdb.value("/flux_actualite") is None


def test_timeout_says_the_publication_may_have_arrived(
    database: Database, opp: Principal, rtdb: RtdbTestServer
) -> None:
    feed = RtdbNewsFeed(rtdb.database_url, timeout=0.3)
    rtdb.script(Step(delay=5.0))
    try:
        outcome = NewsService(database, feed).publish(opp, OTV)
    finally:
        feed.close()
    assert not outcome.ok and "n'a pas répondu en 0.3 s" in outcome.message
    assert "peut-être arrivée" in outcome.message
    assert outcome.row.visible_in_app is None  # unknown: the operator is told to retry


def test_failed_withdrawal_says_the_item_may_still_be_visible(
    service: NewsService, opp: Principal, rtdb: RtdbTestServer
) -> None:
    row = service.publish(opp, OTV).row
    rtdb.script(Step(status=503))

    outcome = service.withdraw(opp, row.id)

    assert not outcome.ok and "peut rester visible" in outcome.message
    assert outcome.row.status is NewsStatus.A_RETIRER
    assert rtdb.value(f"/flux_actualite/{row.remote_key}") is not None
    assert service.retry(opp, row.id).row.status is NewsStatus.RETIREE
    assert rtdb.value("/flux_actualite") is None


def test_a_chef_de_quart_is_refused_by_the_service(
    service: NewsService, database: Database, opp: Principal, rtdb: RtdbTestServer
) -> None:
    chef = add_operator(database, "chef74", Role.CHEF_DE_QUART, ("74",))
    admin = add_operator(database, "admin", Role.ADMINISTRATEUR)
    row = service.publish(opp, OTV).row
    before = all_audit_actions(database)

    for principal in (chef, admin):
        with pytest.raises(PermissionDenied, match="réservé à l'OPP du GGD34"):
            service.publish(principal, OTV)
        with pytest.raises(PermissionDenied):
            service.withdraw(principal, row.id)
        with pytest.raises(PermissionDenied):
            service.save_draft(principal, OTV)
        with pytest.raises(PermissionDenied):
            service.list_items(principal)

    assert all_audit_actions(database) == before
    assert len(rtdb.value("/flux_actualite")) == 1


@pytest.mark.parametrize(
    ("draft", "expected"),
    [
        (NewsDraft("", "Texte."), "Titre : Rédigez le titre"),
        (NewsDraft("T" * 81, "Texte."), "Titre : Le titre fait 81 caractères : 80 au plus."),
        (NewsDraft("Titre", "x" * 1001), "Texte : Le texte fait 1001 caractères : 1000 au plus."),
        (NewsDraft("Titre", "Texte.", "http://exemple.fr"), "Lien : Le lien doit commencer"),
        (NewsDraft("Titre", "Texte.", "https://exemple"), "Lien : Le lien n'indique pas"),
        (
            NewsDraft("Titre", "Texte.", "https://192.0.2.7/otv"),
            "Lien : Le lien désigne une adresse IP",
        ),
        (NewsDraft("Titre", "Texte.", "https://exemple.fr:99999/otv"), "Lien : Le port du lien"),
        (NewsDraft("Sécurité routière", "Ralentissez."), "hors du champ de l'application"),
        (
            NewsDraft("Cambriolage", "L'auteur, de type européen, circule en Renault Clio."),
            "retirez ce détail",
        ),
    ],
)
def test_invalid_items_are_refused_before_anything_is_stored(
    service: NewsService,
    opp: Principal,
    database: Database,
    rtdb: RtdbTestServer,
    draft: NewsDraft,
    expected: str,
) -> None:
    with pytest.raises(NewsRefused) as refused:
        service.publish(opp, draft)
    assert refused.value.message.startswith("Publication impossible")
    assert expected in refused.value.message
    with database.session() as session:
        assert session.scalars(select(NewsItem)).first() is None
    assert rtdb.requests == []


def test_eighty_characters_and_accents_are_accepted(service: NewsService, opp: Principal) -> None:
    title = ("Ç" + "é" * 79)[:80]
    assert service.publish(opp, NewsDraft(title, "Vérifiez vos serrures.")).ok


# 50 characters on screen, 214 stored: each family emoji is 5 code points (joined by U+200D).
EMOJI_TITLE = "\U0001f468\u200d\U0001f469\u200d\U0001f467" * 41 + " Vacances"


def test_a_title_short_on_screen_but_too_long_to_store_is_refused_in_french(
    service: NewsService, opp: Principal, database: Database, rtdb: RtdbTestServer
) -> None:
    """The title column holds 200 code points: PostgreSQL refused the row with SQLAlchemy's
    English « DataError » (SQLite kept it: the desks disagreed)."""
    draft = NewsDraft(EMOJI_TITLE, "Vérifiez vos serrures avant de partir.")
    for save in (service.publish, service.save_draft):
        with pytest.raises(NewsRefused) as refused:
            save(opp, draft)
        assert "Titre : Le titre est trop long une fois enregistré (214 signes" in (
            refused.value.message
        )
    with database.session() as session:
        assert session.scalars(select(NewsItem)).first() is None
    assert rtdb.requests == []


def test_draft_then_publish_then_update_keeps_one_entry(
    service: NewsService, opp: Principal, rtdb: RtdbTestServer, database: Database
) -> None:
    draft = service.save_draft(opp, NewsDraft("Brouillon", "Premier jet."))
    assert draft.status is NewsStatus.BROUILLON and rtdb.requests == []

    published = service.publish(opp, OTV, draft.id, draft.version).row
    updated = service.publish(
        opp, NewsDraft(OTV.title, OTV.body + " Merci."), published.id, published.version
    ).row

    assert updated.remote_key == draft.remote_key
    assert list(rtdb.value("/flux_actualite")) == [draft.remote_key]
    assert rtdb.value(f"/flux_actualite/{draft.remote_key}/texte").endswith("Merci.")
    with pytest.raises(NewsConflict, match="modifié entre-temps"):
        service.publish(opp, OTV, published.id, published.version)  # stale version
    assert "actualite_brouillon_cree" in all_audit_actions(database)


def test_abandoning_a_draft_needs_no_network(
    service: NewsService, opp: Principal, rtdb: RtdbTestServer
) -> None:
    draft = service.save_draft(opp, NewsDraft("Brouillon", "Premier jet."))
    outcome = service.withdraw(opp, draft.id)
    assert outcome.ok and outcome.row.status is NewsStatus.RETIREE
    assert rtdb.requests == []
    with pytest.raises(NewsRefused, match="déjà retiré"):
        service.withdraw(opp, draft.id)


def test_simulation_feed_writes_a_labelled_json_file(
    database: Database, opp: Principal, tmp_path: Path
) -> None:
    feed = SimulationNewsFeed(tmp_path, "Firebase non configuré")
    service = NewsService(database, feed)

    outcome = service.publish(opp, OTV)

    assert outcome.ok and outcome.simulated and "SIMULATION" in outcome.message
    assert "SIMULATION" in feed.description
    data = json.loads((tmp_path / "simulation-flux-actualite.json").read_text("utf-8"))
    assert data["flux_actualite"][outcome.row.remote_key]["titre"] == OTV.title
    service.withdraw(opp, outcome.row.id)
    assert feed.entries() == {}
    assert outcome.row.gateway == "simulation"


@pytest.mark.parametrize("vector", VECTORS)
def test_markup_is_refused_before_anything_is_stored_and_never_reaches_the_feed(
    service: NewsService,
    opp: Principal,
    database: Database,
    rtdb: RtdbTestServer,
    vector: str,
) -> None:
    draft = NewsDraft(f"Vacances {vector}", f"Fermez vos volets.\n\n{vector} Bonnes vacances.")

    for attempt in (service.publish, service.save_draft):
        with pytest.raises(NewsRefused) as refused:
            attempt(opp, draft)
        assert "code ou lien non permis" in refused.value.message
    with database.session() as session:
        assert session.scalars(select(NewsItem)).first() is None
    assert rtdb.requests == []

    cleaned, removals = draft.cleaned()
    assert {r.field for r in removals} == {"titre", "texte"}
    outcome = service.publish(opp, cleaned)

    assert outcome.ok, outcome.message
    assert_no_markup(rtdb.value("/"))
    entry = rtdb.value(f"/flux_actualite/{outcome.row.remote_key}")
    assert entry["texte"].startswith("Fermez vos volets.") and entry["titre"].startswith("Vacances")


def test_the_refusal_quotes_each_fragment_and_says_why(
    service: NewsService, opp: Principal, rtdb: RtdbTestServer
) -> None:
    draft = NewsDraft("Vigilance", "Ce soir <script>alert(1)</script> <img src=x onerror=alert(1)>")
    with pytest.raises(NewsRefused) as refused:
        service.publish(opp, draft)
    message = refused.value.message
    assert "« <script>alert(1)</script> » : élément <script> et son contenu" in message
    assert "« <img src=x onerror=alert(1)> » : balise <img> — gestionnaire d'événement onerror" in (
        message
    )
    assert rtdb.requests == []


def test_an_item_stored_with_markup_before_the_check_is_not_sent_again_by_retry(
    service: NewsService, opp: Principal, database: Database, rtdb: RtdbTestServer
) -> None:
    rtdb.script(Step(status=503))
    row = service.publish(opp, OTV).row
    with database.session() as session:  # as a desk of an older version could have left it
        item = session.get(NewsItem, row.id)
        assert item is not None
        item.body = "<script>alert(1)</script>"

    with pytest.raises(NewsRefused, match="code ou lien non permis"):
        service.retry(opp, row.id)
    assert rtdb.value("/") is None


def test_a_text_with_windows_line_endings_is_published_with_plain_line_breaks(
    service: NewsService, opp: Principal, rtdb: RtdbTestServer
) -> None:
    """« --texte "$(cat article.txt)" » from a file saved on Windows: CRLF are line breaks,
    not invisible characters to hunt for."""
    body = OTV.body.replace(". ", ".\r\n\r\n", 1) + "\r\n"
    outcome = service.publish(opp, NewsDraft(OTV.title, body, OTV.url))
    assert outcome.ok, outcome.message
    sent = rtdb.value(f"/flux_actualite/{outcome.row.remote_key}")["texte"]
    assert "\r" not in sent and sent == OTV.body.replace(". ", ".\n\n", 1)


def test_an_update_that_failed_cannot_turn_the_visible_item_into_a_draft(
    service: NewsService, opp: Principal, rtdb: RtdbTestServer
) -> None:
    """After a failed update the phones still show the version published before: saving the
    item as a draft would list as « Brouillon » (not in the app) what every phone shows."""
    row = service.publish(opp, OTV).row
    rtdb.script(Step(status=503))
    failed = service.publish(opp, NewsDraft(OTV.title, OTV.body + " Merci."), row.id, row.version)
    assert not failed.ok and failed.row.visible_in_app is True

    with pytest.raises(NewsRefused, match="publié"):
        service.save_draft(opp, NewsDraft(OTV.title, "Autre texte."), row.id, failed.row.version)
    kept = service.get(opp, row.id)
    assert kept.status is NewsStatus.A_PUBLIER and kept.body == OTV.body + " Merci."
    assert rtdb.value(f"/flux_actualite/{row.remote_key}")["texte"] == OTV.body


@pytest.mark.postgres
@pytest.mark.parametrize("withdraw", [False, True])
def test_a_database_gone_after_the_feed_answered_says_what_the_phones_show(
    pg_url: str, rtdb: RtdbTestServer, feed: RtdbNewsFeed, withdraw: bool
) -> None:
    """The shared database goes away between the feed's answer and its record: the error says
    the item is (or is no longer) in the app although the list still says « À publier » or
    « À retirer », and « Réessayer » once the database is back makes the two agree."""
    now = [datetime.now(UTC)]
    with tcp_proxy() as proxy:
        db = desk_db(proxy.url(pg_url.rsplit("/", 1)[1]))
        try:
            opp = add_operator(db, "opp34", Role.OPP_NATIONAL)
            service = NewsService(db, feed, clock=lambda: now[0])
            item = service.publish(opp, OTV).row
            pending = (
                service.request_withdrawal(opp, item.id, item.version)
                if withdraw
                else service.request_publication(opp, OTV, item.id, item.version)
            )
            assert pending is not None
            delivery = service.deliver(pending)
            assert delivery.ok
            proxy.cut()
            with pytest.raises(DatabaseError) as refused:
                service.record(opp, pending, delivery)
            shown = "retiré de l'application" if withdraw else "publié dans l'application"
            assert shown in refused.value.message and "Réessayer" in refused.value.message
            in_app = rtdb.value(f"/flux_actualite/{pending.remote_key}") is not None
            assert in_app is not withdraw  # what the phones show
            proxy.restore()
            db.engine.dispose()
            status = service.get(opp, item.id).status
            assert status is (NewsStatus.A_RETIRER if withdraw else NewsStatus.A_PUBLIER)
            now[0] += timedelta(minutes=3)  # the request no longer counts as on its way
            outcome = service.retry(opp, item.id)
            assert outcome.ok
            assert outcome.row.status is (NewsStatus.RETIREE if withdraw else NewsStatus.PUBLIEE)
        finally:
            db.dispose()
