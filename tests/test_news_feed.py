"""Which feed a desk uses, and the Realtime Database REST exchanges it makes."""

from __future__ import annotations

from pathlib import Path

import pytest
from rtdb_server import RtdbTestServer

from stopcamb_desk.config import load_settings
from stopcamb_desk.push.news_feed import news_feed_for
from stopcamb_desk.push.news_feed_base import DATABASE_URL_ENV, NewsFeedError, check_key
from stopcamb_desk.push.news_feed_rtdb import RtdbNewsFeed
from stopcamb_desk.push.news_feed_simulation import SimulationNewsFeed


def test_without_firebase_the_feed_is_a_labelled_simulation(tmp_path: Path) -> None:
    settings = load_settings({"STOPCAMB_DATA_DIR": str(tmp_path)})
    feed = news_feed_for(settings, {})
    assert isinstance(feed, SimulationNewsFeed) and feed.simulated
    assert feed.description.startswith("SIMULATION")
    assert feed.path == tmp_path / "simulation-flux-actualite.json"


def test_a_url_without_credentials_stays_in_simulation_and_says_why(tmp_path: Path) -> None:
    settings = load_settings({"STOPCAMB_DATA_DIR": str(tmp_path)})
    url = "https://stopcamb-default-rtdb.europe-west1.firebasedatabase.app"
    feed = news_feed_for(settings, {DATABASE_URL_ENV: url})
    assert feed.simulated and "compte de service Firebase non configuré" in feed.description


def test_an_emulator_url_needs_no_credentials(tmp_path: Path) -> None:
    settings = load_settings({"STOPCAMB_DATA_DIR": str(tmp_path)})
    with RtdbTestServer() as server:
        feed = news_feed_for(settings, {DATABASE_URL_ENV: server.database_url})
        try:
            assert isinstance(feed, RtdbNewsFeed) and not feed.simulated
            assert feed.description.startswith("ÉMULATEUR")
            feed.put("actu-1", {"titre": "T"})
            assert feed.entries() == {"actu-1": {"titre": "T"}}
            assert server.requests[0].authorization == "Bearer owner"
            feed.remove("actu-1")
            assert server.value("/") is None
        finally:
            feed.close()


@pytest.mark.parametrize(
    "url",
    [
        "stopcamb.firebaseio.com",
        "http://stopcamb.firebaseio.com",
        "https://stopcamb.firebaseio.com/flux_actualite",
    ],
)
def test_a_wrong_database_url_is_refused_in_french(url: str) -> None:
    with pytest.raises(NewsFeedError, match="Adresse de la base du flux d'actualité invalide"):
        RtdbNewsFeed(url, "sa.json")


def test_a_real_database_needs_the_service_account() -> None:
    with pytest.raises(NewsFeedError, match="compte de service"):
        RtdbNewsFeed("https://stopcamb.firebaseio.com", None)


@pytest.mark.parametrize("key", ["a.b", "a/b", "a#b", "a$b", "a[b", "", "x" * 769])
def test_keys_the_database_would_refuse_are_refused_here(key: str) -> None:
    with pytest.raises(ValueError):
        check_key(key)
