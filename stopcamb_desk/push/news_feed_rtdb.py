"""The real news feed: firebase-admin's Realtime Database ``db`` module on a dedicated app.

See :mod:`stopcamb_desk.push.news_feed` for the database URL (real base or per-app emulator)
and why our app's client gets a no-retry adapter and a short timeout.
"""

from __future__ import annotations

import logging
import threading
import uuid
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from stopcamb_desk.lazy import firebase_admin, firebase_credentials, firebase_db, google_credentials
from stopcamb_desk.push.credentials import check_credentials
from stopcamb_desk.push.fcm import no_retry_adapter
from stopcamb_desk.push.firebase_private import (
    UnsupportedLibrary,
    disable_regional_access_boundary,
    rtdb_session,
)
from stopcamb_desk.push.gateway import PushConfigError
from stopcamb_desk.push.news_feed_base import (
    DATABASE_URL_ENV,
    FEED_ROOT,
    NewsFeedError,
    check_key,
)
from stopcamb_desk.push.news_feed_errors import map_error

# The logger keeps the name it had before the feed was split into modules.
log = logging.getLogger("stopcamb_desk.push.news_feed")

DEFAULT_TIMEOUT_SECONDS = 10.0


def is_emulator_url(url: str) -> bool:
    """``http://host:port/?ns=name``: firebase-admin's per-app emulator mode."""
    parts = urlsplit(url)
    return parts.scheme == "http" and bool(parse_qs(parts.query).get("ns"))


def check_database_url(url: str) -> str:
    """Refuse an address firebase-admin would reject, with a French message."""
    url = url.strip()
    parts = urlsplit(url)
    if parts.scheme == "https" and parts.netloc and not parts.path.strip("/"):
        return url
    if is_emulator_url(url) and parts.netloc:
        return url
    raise NewsFeedError(
        f"Adresse de la base du flux d'actualité invalide : « {url} ». Attendu : "
        "https://<projet>-default-rtdb.<région>.firebasedatabase.app (ou …firebaseio.com), "
        "sans chemin ; ou http://hôte:port/?ns=<base> pour un émulateur. Corrigez "
        f"{DATABASE_URL_ENV}."
    )


def realtime_database(url: str, credentials: Path | None) -> tuple[str, Path | None] | str:
    """``(url, credentials or None for an emulator)`` when the app's Realtime Database can be
    reached, else the French reason why the desk stays in SIMULATION."""
    url = url.strip()
    if url and is_emulator_url(url):
        return url, None
    if url and credentials is not None:
        return url, credentials
    if url:
        return "compte de service Firebase non configuré"
    if credentials is not None:
        return f"adresse de la base non réglée ({DATABASE_URL_ENV})"
    return "Firebase non configuré"


def _credential(credentials_path: Path | None, error: type[NewsFeedError]) -> Any:
    if credentials_path is None:
        # Emulator mode: firebase-admin uses its own "owner" credential for the emulator
        # and never asks this one for a token.
        return google_credentials.AnonymousCredentials()
    try:
        info = check_credentials(credentials_path)
        cert = firebase_credentials.Certificate(str(info.path))
    except PushConfigError as exc:
        raise error(exc.message) from None
    except (ValueError, OSError) as exc:
        raise error(
            f"Le fichier de compte de service {credentials_path} est inutilisable "
            f"({exc.__class__.__name__}) : demandez une nouvelle clé à l'administrateur."
        ) from None
    disable_regional_access_boundary(cert.get_credential())
    return cert


def open_reference(
    database_url: str,
    credentials_path: Path | None,
    *,
    path: str,
    timeout: float,
    app_prefix: str,
    error: type[NewsFeedError] = NewsFeedError,
) -> tuple[Any, Any]:
    """``(app, reference)``: firebase-admin ``db`` at ``path`` of the app's Realtime Database,
    on a dedicated named app with a no-retry adapter and a short timeout (the news feed and the
    brigade directory both live in that database). ``firebase_admin.delete_app(app)`` closes it.
    """
    app = firebase_admin.initialize_app(
        _credential(credentials_path, error),
        options={"databaseURL": database_url, "httpTimeout": timeout},
        name=f"{app_prefix}-{uuid.uuid4().hex[:12]}",
    )
    try:
        ref = firebase_db.reference(path, app=app)
        try:
            session = rtdb_session(ref)
        except UnsupportedLibrary as exc:
            raise error(exc.message) from None
        for prefix in ("http://", "https://"):
            session.mount(prefix, no_retry_adapter())
    except BaseException:
        firebase_admin.delete_app(app)
        raise
    return app, ref


class RtdbNewsFeed:
    """The real feed: firebase-admin ``db`` on a dedicated app; thread-safe, built lazily."""

    simulated = False

    def __init__(
        self,
        database_url: str,
        credentials_path: Path | str | None = None,
        *,
        timeout: float = DEFAULT_TIMEOUT_SECONDS,
        root: str = FEED_ROOT,
    ) -> None:
        self.database_url = check_database_url(database_url)
        self.emulator = is_emulator_url(self.database_url)
        if not self.emulator and credentials_path is None:
            raise NewsFeedError(
                "Le flux d'actualité réel demande le fichier de compte de service Firebase "
                "(réglage fcm.credentials) : demandez-le à l'administrateur."
            )
        self.name = "emulateur" if self.emulator else "firebase"
        self.credentials_path = Path(credentials_path) if credentials_path else None
        self.timeout = timeout
        self.root = check_key(root)
        self._lock = threading.Lock()
        self._app: Any = None
        self._ref: Any = None

    @property
    def host(self) -> str:
        return urlsplit(self.database_url).netloc

    @property
    def description(self) -> str:
        if self.emulator:
            return f"ÉMULATEUR de la base Firebase sur {self.host} : aucun téléphone ne le verra."
        return f"RÉEL : flux d'actualité de l'application (base Firebase {self.host})."

    def _reference(self) -> Any:
        with self._lock:
            if self._ref is None:
                self._ref = self._build()
            return self._ref

    def _build(self) -> Any:
        app, ref = open_reference(
            self.database_url,
            self.credentials_path,
            path=f"/{self.root}",
            timeout=self.timeout,
            app_prefix="stopcamb-news",
        )
        self._app = app
        log.info("Flux d'actualité : %s", self.description)
        return ref

    def put(self, key: str, entry: Mapping[str, Any]) -> None:
        ref = self._reference()
        try:
            ref.child(check_key(key)).set(dict(entry))
        except Exception as exc:
            raise self._map(exc) from None

    def remove(self, key: str) -> None:
        ref = self._reference()
        try:
            ref.child(check_key(key)).delete()
        except Exception as exc:
            raise self._map(exc) from None

    def entries(self) -> dict[str, Any]:
        ref = self._reference()
        try:
            value = ref.get()
        except Exception as exc:
            raise self._map(exc) from None
        return dict(value) if isinstance(value, dict) else {}

    def _map(self, exc: Exception) -> NewsFeedError:
        return map_error(exc, host=self.host, timeout=self.timeout)

    def close(self) -> None:
        with self._lock:
            app, self._app, self._ref = self._app, None, None
        if app is not None:
            firebase_admin.delete_app(app)  # closes the database clients too
