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
"""

from __future__ import annotations

import json
import logging
import os
import re
import tempfile
import threading
import uuid
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol
from urllib.parse import parse_qs, urlsplit

if TYPE_CHECKING:
    from stopcamb_desk.config import Settings

log = logging.getLogger(__name__)

FEED_ROOT = "flux_actualite"
DATABASE_URL_ENV = "STOPCAMB_NEWS_DATABASE_URL"
SIMULATION_FILE = "simulation-flux-actualite.json"
SIMULATION_LABEL = "SIMULATION"
DEFAULT_TIMEOUT_SECONDS = 10.0
# Realtime Database keys: no . $ # [ ] / nor ASCII control characters, at most 768 bytes.
_KEY_RE = re.compile(r"^[^.$#\[\]/\x00-\x1f\x7f]{1,768}$")


class NewsFeedError(Exception):
    """The feed could not be updated; ``message`` is French and says what to do next.

    ``transient``: trying again later may work (network, timeout, 5xx). ``maybe_applied``: the
    request may have reached the server (read timeout): the item may already be in the app.
    """

    def __init__(
        self,
        message: str,
        *,
        transient: bool = False,
        http_status: int | None = None,
        maybe_applied: bool = False,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.transient = transient
        self.http_status = http_status
        self.maybe_applied = maybe_applied


class NewsFeed(Protocol):
    """Where the national feed lives (Realtime Database or the simulation file)."""

    name: str  # "firebase" | "emulateur" | "simulation"
    simulated: bool

    @property
    def description(self) -> str:
        """French, one line: where a publication goes (shown in confirmations)."""
        ...

    def put(self, key: str, entry: Mapping[str, Any]) -> None: ...

    def remove(self, key: str) -> None: ...

    def entries(self) -> dict[str, Any]:
        """The whole feed as the app would read it (``{}`` when empty)."""
        ...

    def close(self) -> None: ...


def check_key(key: str) -> str:
    if not _KEY_RE.match(key):
        raise ValueError(f"invalid Realtime Database key: {key!r}")
    return key


def new_key() -> str:
    """A fresh entry key, unique across desks (never reused, even after a reinstall)."""
    return f"actu-{uuid.uuid4().hex}"


# -- simulation -----------------------------------------------------------------------------
class SimulationNewsFeed:
    """The feed kept in ``<data_dir>/simulation-flux-actualite.json``; nothing leaves the desk."""

    name = "simulation"
    simulated = True

    def __init__(self, data_dir: Path | str, reason: str = "") -> None:
        self.path = Path(data_dir) / SIMULATION_FILE
        self.reason = reason
        self._lock = threading.Lock()

    @property
    def description(self) -> str:
        why = f" ({self.reason})" if self.reason else ""
        return (
            f"{SIMULATION_LABEL} : le flux est écrit dans {self.path}, aucun téléphone ne le "
            f"verra{why}."
        )

    def _load(self) -> dict[str, Any]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}
        except (OSError, ValueError) as exc:
            raise NewsFeedError(
                f"{SIMULATION_LABEL} : le fichier du flux simulé {self.path} est illisible "
                f"({exc.__class__.__name__}) : supprimez-le ou corrigez-le, puis réessayez."
            ) from None
        feed = data.get(FEED_ROOT) if isinstance(data, dict) else None
        return dict(feed) if isinstance(feed, dict) else {}

    def _save(self, feed: Mapping[str, Any]) -> None:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=".flux-", suffix=".json", dir=self.path.parent)
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                json.dump({FEED_ROOT: dict(feed)}, fh, ensure_ascii=False, indent=2)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, self.path)
        except OSError as exc:
            raise NewsFeedError(
                f"{SIMULATION_LABEL} : impossible d'écrire le flux simulé {self.path} "
                f"({exc.strerror}) : vérifiez l'espace disque et les droits du dossier."
            ) from None

    def put(self, key: str, entry: Mapping[str, Any]) -> None:
        check_key(key)
        with self._lock:
            feed = self._load()
            feed[key] = dict(entry)
            self._save(feed)

    def remove(self, key: str) -> None:
        check_key(key)
        with self._lock:
            feed = self._load()
            if feed.pop(key, None) is not None:
                self._save(feed)

    def entries(self) -> dict[str, Any]:
        with self._lock:
            return self._load()

    def close(self) -> None:
        pass


# -- Realtime Database ----------------------------------------------------------------------
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

    def _credential(self) -> Any:
        from firebase_admin import credentials

        if self.credentials_path is None:
            # Emulator mode: firebase-admin uses its own "owner" credential for the emulator
            # and never asks this one for a token.
            from google.auth.credentials import AnonymousCredentials

            return AnonymousCredentials()
        from stopcamb_desk.push.credentials import check_credentials
        from stopcamb_desk.push.gateway import PushConfigError

        try:
            info = check_credentials(self.credentials_path)
            cert = credentials.Certificate(str(info.path))
        except PushConfigError as exc:
            raise NewsFeedError(exc.message_fr) from None
        except (ValueError, OSError) as exc:
            raise NewsFeedError(
                f"Le fichier de compte de service {self.credentials_path} est inutilisable "
                f"({exc.__class__.__name__}) : demandez une nouvelle clé à l'administrateur."
            ) from None
        from stopcamb_desk.push.fcm import _disable_regional_access_boundary

        _disable_regional_access_boundary(cert.get_credential())
        return cert

    def _build(self) -> Any:
        import firebase_admin
        from firebase_admin import db

        from stopcamb_desk.push.fcm import _no_retry_adapter

        app = firebase_admin.initialize_app(
            self._credential(),
            options={"databaseURL": self.database_url, "httpTimeout": self.timeout},
            name=f"stopcamb-news-{uuid.uuid4().hex[:12]}",
        )
        try:
            ref = db.reference(f"/{self.root}", app=app)
            session = getattr(getattr(ref, "_client", None), "session", None)
            if session is None or not hasattr(session, "mount"):
                raise NewsFeedError(
                    "Cette version de firebase-admin n'est pas prise en charge par le flux "
                    "d'actualité : réinstallez la version livrée avec l'application. Rien n'a "
                    "été publié."
                )
            for prefix in ("http://", "https://"):
                session.mount(prefix, _no_retry_adapter())
        except BaseException:
            firebase_admin.delete_app(app)
            raise
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
        import firebase_admin

        with self._lock:
            app, self._app, self._ref = self._app, None, None
        if app is not None:
            firebase_admin.delete_app(app)  # closes the database clients too


# -- errors ---------------------------------------------------------------------------------
_NOTHING_LOST = "L'article reste enregistré sur le poste ; rien n'est perdu."


def map_error(exc: BaseException, *, host: str, timeout: float) -> NewsFeedError:
    """French explanation of a failed Realtime Database call (firebase-admin / google-auth)."""
    import requests
    from firebase_admin import exceptions as fexc
    from google.auth import exceptions as gexc

    if isinstance(exc, NewsFeedError):
        return exc
    if isinstance(exc, gexc.GoogleAuthError):
        return NewsFeedError(
            "Connexion à Firebase refusée : le compte de service n'a pas pu obtenir de jeton "
            "(clé révoquée, fichier remplacé ou heure du poste fausse). Demandez à "
            f"l'administrateur de vérifier le fichier de compte de service. {_NOTHING_LOST}"
        )
    response = getattr(exc, "http_response", None)
    cause = getattr(exc, "cause", None) or exc.__cause__
    if response is None:
        if isinstance(exc, fexc.DeadlineExceededError) or isinstance(cause, requests.Timeout):
            return NewsFeedError(
                f"Le serveur du flux d'actualité ({host}) n'a pas répondu en {timeout:g} s. "
                "La modification est peut-être arrivée : vérifiez la connexion, puis cliquez sur "
                f"« Réessayer » (sans risque : le même article est remplacé). {_NOTHING_LOST}",
                transient=True,
                maybe_applied=True,
            )
        if isinstance(exc, fexc.UnavailableError) or isinstance(cause, requests.ConnectionError):
            return NewsFeedError(
                f"Le serveur du flux d'actualité ({host}) est injoignable : vérifiez la "
                "connexion Internet du poste (câble, proxy, pare-feu), puis cliquez sur "
                f"« Réessayer ». {_NOTHING_LOST}",
                transient=True,
            )
        return NewsFeedError(
            f"Échec de l'échange avec le serveur du flux d'actualité ({host}) : "
            f"{exc.__class__.__name__}. Réessayez ; si cela persiste, prévenez l'administrateur. "
            f"{_NOTHING_LOST}",
            transient=True,
        )
    status = int(response.status_code)
    detail = _server_message(response)
    if status in (401, 403):
        return NewsFeedError(
            f"La base du flux d'actualité a refusé l'accès (erreur {status}{detail}) : le "
            "compte de service n'a pas le droit d'écrire dans /flux_actualite, ou les règles de "
            "sécurité l'interdisent. Demandez à l'administrateur de vérifier le compte de "
            f"service et les règles de la Realtime Database. {_NOTHING_LOST}",
            http_status=status,
        )
    if status == 404:
        return NewsFeedError(
            f"Base du flux d'actualité introuvable sur {host} (erreur 404{detail}) : vérifiez "
            f"l'adresse {DATABASE_URL_ENV} avec l'administrateur. {_NOTHING_LOST}",
            http_status=status,
        )
    if status == 429 or status >= 500:
        return NewsFeedError(
            f"Le serveur du flux d'actualité est momentanément indisponible (erreur {status}"
            f"{detail}) : réessayez dans quelques minutes avec « Réessayer ». {_NOTHING_LOST}",
            transient=True,
            http_status=status,
        )
    return NewsFeedError(
        f"Le serveur du flux d'actualité a refusé l'article (erreur {status}{detail}) : "
        f"prévenez l'administrateur. {_NOTHING_LOST}",
        http_status=status,
    )


def _server_message(response: Any) -> str:
    """`` : <message>`` from the RTDB error body ``{"error": "..."}``, kept short."""
    try:
        body = response.json()
    except ValueError:
        return ""
    message = body.get("error") if isinstance(body, dict) else None
    if not isinstance(message, str) or not message.strip():
        return ""
    return f" : « {message.strip()[:120]} »"


# -- choice ---------------------------------------------------------------------------------
def news_feed_for(settings: Settings, env: Mapping[str, str] | None = None) -> NewsFeed:
    """The real feed when a database URL and credentials are configured, else SIMULATION."""
    url = (
        (settings.news_database_url or "") if env is None else (env.get(DATABASE_URL_ENV) or "")
    ).strip()
    credentials = settings.fcm.credentials
    if url and is_emulator_url(url):
        return RtdbNewsFeed(url, None)
    if url and credentials is not None:
        return RtdbNewsFeed(url, credentials)
    if url:
        reason = "compte de service Firebase non configuré"
    elif credentials is not None:
        reason = f"adresse de la base non réglée ({DATABASE_URL_ENV})"
    else:
        reason = "Firebase non configuré"
    return SimulationNewsFeed(settings.data_dir, reason)
