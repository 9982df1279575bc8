"""Links that imitate an official site with letters of another alphabet (a Cyrillic « е » in
« gendarmerie ») are refused before anything is stored or sent to the Realtime Database."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from rtdb_server import RtdbTestServer
from sqlalchemy import select

from stopcamb_desk.domain.roles import Principal
from stopcamb_desk.models import NewsItem
from stopcamb_desk.models.db import Database
from stopcamb_desk.push.news_feed_rtdb import RtdbNewsFeed
from stopcamb_desk.services.news_draft import NewsDraft, NewsRefused, check_url
from stopcamb_desk.services.news_service import NewsService

BODY = "Inscrivez-vous à l'opération tranquillité vacances auprès de votre brigade."


@pytest.fixture
def service(database: Database, rtdb: RtdbTestServer) -> Iterator[NewsService]:
    feed = RtdbNewsFeed(rtdb.database_url, timeout=2.0)
    yield NewsService(database, feed)
    feed.close()


LOOKALIKES = [
    "https://www.g\u0435ndarmerie.interieur.gouv.fr/otv",  # Cyrillic е
    "https://www.gendarmer\u0456e.interieur.gouv.fr/otv",  # Ukrainian і
    "https://www.xn--gndarmerie-ksi.fr/otv",  # the same trick, in its punycode spelling
    "https://service-publ\u0131c.fr/",  # dotless ı (Latin, but not in French)
]


@pytest.mark.parametrize("url", LOOKALIKES)
def test_a_lookalike_link_is_refused_as_the_item_link_and_in_the_text(
    service: NewsService, opp: Principal, database: Database, rtdb: RtdbTestServer, url: str
) -> None:
    for draft in (
        NewsDraft("Opération tranquillité vacances", BODY, url),
        NewsDraft("Opération tranquillité vacances", f"{BODY} Inscription : {url}"),
    ):
        with pytest.raises(NewsRefused) as refused:
            service.publish(opp, draft)
        assert "imitent" in refused.value.message
    with database.session() as session:
        assert session.scalars(select(NewsItem)).first() is None
    assert rtdb.requests == []


@pytest.mark.parametrize(
    "url",
    [
        "https://www.gendarmerie.interieur.gouv.fr/otv",
        "https://www.préfecture-hérault.fr/",  # accented French letters are fine
        "https://www.xn--prfecture-c4a.fr/",  # « préfecture », in punycode
    ],
)
def test_french_addresses_stay_accepted(url: str) -> None:
    assert check_url(url) is None


def test_a_whole_file_pasted_as_the_text_is_refused_for_its_length_at_once() -> None:
    from stopcamb_desk.services.news_draft import check_news

    problems = check_news(NewsDraft("Titre", "Fermez vos portes. <b>" * 100_000))
    assert [(p.field, p.rule) for p in problems] == [("texte", "longueur")]
    assert "1000 au plus" in problems[0].message and "2200000" in problems[0].message
