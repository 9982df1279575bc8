"""The app's national news feed (« Flux d'actualité ») on the Firebase Realtime Database.

The smartphone app reads ``/flux_actualite``; each entry is
``/flux_actualite/<clé> = {"titre", "texte", "url", "publie_le"}`` (``publie_le``: ISO 8601 UTC).
Publishing is a REST ``PUT <base>/flux_actualite/<clé>.json`` (idempotent: publishing the same
item again replaces it), withdrawing a ``DELETE`` of the same path.

Two implementations of :class:`NewsFeed`:

- :class:`RtdbNewsFeed`: firebase-admin's ``db`` module on a dedicated named app. The database
  URL comes from the settings (``[news] database_url`` / ``STOPCAMB_NEWS_DATABASE_URL``):
  ``https://<base>.firebaseio.com`` (or ``…firebasedatabase.app``) with the desk's
  service-account file, or an ``http://host:port/?ns=<base>`` URL, which firebase-admin treats
  as the Realtime Database *emulator* for that app only (no credential, ``ns`` sent on every
  request). Tests point a desk at their loopback server that way: no environment variable
  (``FIREBASE_DATABASE_EMULATOR_HOST`` would switch every app of the process), no patching.
  firebase-admin mounts urllib3 retries (5xx retried 4 times with back-off, ``Retry-After``
  honoured by sleeping): we mount a no-retry adapter on our app's client instead and keep a
  short timeout, so an operator's click gets an answer in seconds; retrying is their choice.
- :class:`SimulationNewsFeed`: no Firebase configured. The feed is a JSON file in the data
  directory, clearly labelled SIMULATION; nothing reaches any phone.

Every failure becomes a :class:`NewsFeedError` whose ``message`` is French and says what to do.

The pieces live in sibling modules (:mod:`.news_feed_base`, :mod:`.news_feed_simulation`,
:mod:`.news_feed_rtdb`, :mod:`.news_feed_errors`); this module chooses the feed and re-exports
their public names, so ``from stopcamb_desk.push.news_feed import …`` keeps working.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from stopcamb_desk.push.news_feed_base import (
    DATABASE_URL_ENV,
    FEED_ROOT,
    NewsFeed,
    NewsFeedError,
    check_key,
    new_key,
)
from stopcamb_desk.push.news_feed_errors import map_error
from stopcamb_desk.push.news_feed_rtdb import (
    DEFAULT_TIMEOUT_SECONDS,
    RtdbNewsFeed,
    check_database_url,
    is_emulator_url,
    realtime_database,
)
from stopcamb_desk.push.news_feed_simulation import (
    SIMULATION_FILE,
    SIMULATION_LABEL,
    SimulationNewsFeed,
)

if TYPE_CHECKING:
    from stopcamb_desk.config import Settings

__all__ = [
    "DATABASE_URL_ENV",
    "DEFAULT_TIMEOUT_SECONDS",
    "FEED_ROOT",
    "SIMULATION_FILE",
    "SIMULATION_LABEL",
    "NewsFeed",
    "NewsFeedError",
    "RtdbNewsFeed",
    "SimulationNewsFeed",
    "check_database_url",
    "check_key",
    "is_emulator_url",
    "map_error",
    "new_key",
    "news_feed_for",
]


def news_feed_for(settings: Settings, env: Mapping[str, str] | None = None) -> NewsFeed:
    """The real feed when a database URL and credentials are configured, else SIMULATION."""
    url = (
        (settings.news_database_url or "") if env is None else (env.get(DATABASE_URL_ENV) or "")
    ).strip()
    found = realtime_database(url, settings.fcm.credentials)
    if isinstance(found, str):
        return SimulationNewsFeed(settings.data_dir, found)
    return RtdbNewsFeed(*found)
