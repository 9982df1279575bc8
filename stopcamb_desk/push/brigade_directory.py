"""Where the app reads the brigade directory: ``/annuaire_brigades`` of its Realtime Database.

The same database as the news feed (``[news] database_url`` / ``STOPCAMB_NEWS_DATABASE_URL``, the
desk's service account, or an ``http://host:port/?ns=<base>`` emulator URL in tests). Layout
(documented for the app team in docs/brigades.md)::

    /annuaire_brigades/brigades/<identifiant_public_unite> = {…one unit…}
    /annuaire_brigades/meta = {"version": 1, "publie_le": "…Z", "nombre": N, "jours_feries": {…}}

A publication is one multi-path ``PATCH`` of ``/annuaire_brigades`` (firebase-admin
``Reference.update``): the changed units, ``null`` for the removed ones, and ``meta``. The
Realtime Database applies it atomically, so the app never reads half a publication.

Without Firebase configured, :class:`SimulationDirectory` writes the same tree to a JSON file in
the data directory, clearly labelled SIMULATION.
"""

from __future__ import annotations

import json
import os
import tempfile
import threading
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol
from urllib.parse import urlsplit

from stopcamb_desk.lazy import firebase_admin
from stopcamb_desk.push.news_feed_base import NewsFeedError
from stopcamb_desk.push.news_feed_errors import Wording, map_error
from stopcamb_desk.push.news_feed_rtdb import (
    DEFAULT_TIMEOUT_SECONDS,
    check_database_url,
    is_emulator_url,
    open_reference,
    realtime_database,
)

if TYPE_CHECKING:
    from stopcamb_desk.config import Settings

DIRECTORY_ROOT = "annuaire_brigades"
SIMULATION_FILE = "simulation-annuaire-brigades.json"
WORDING = Wording(
    server="de l'annuaire des brigades",
    item="la publication",
    path=f"/{DIRECTORY_ROOT}",
    nothing_lost="L'annuaire du poste est inchangé ; rien n'est perdu.",
    retry="(sans risque : la même publication est renvoyée)",
)


class DirectoryPublishError(NewsFeedError):
    """The directory could not be published; ``message`` is French (``transient``,
    ``maybe_applied`` as for the news feed)."""


class DirectoryTarget(Protocol):
    name: str  # "firebase" | "emulateur" | "simulation"
    simulated: bool

    @property
    def description(self) -> str: ...

    def apply(self, changes: Mapping[str, Any]) -> None:
        """One atomic multi-path update under ``/annuaire_brigades`` (``None``: delete)."""
        ...

    def tree(self) -> dict[str, Any]:
        """What the app reads under ``/annuaire_brigades`` (``{}`` when empty)."""
        ...

    def close(self) -> None: ...


class RtdbDirectory:
    """The real target: firebase-admin ``db`` on a dedicated app; thread-safe, built lazily."""

    simulated = False

    def __init__(
        self,
        database_url: str,
        credentials_path: Path | None,
        *,
        timeout: float = DEFAULT_TIMEOUT_SECONDS,
    ) -> None:
        try:
            self.database_url = check_database_url(database_url)
        except NewsFeedError as exc:
            raise DirectoryPublishError(exc.message) from None
        self.emulator = is_emulator_url(self.database_url)
        if not self.emulator and credentials_path is None:
            raise DirectoryPublishError(
                "La publication de l'annuaire demande le fichier de compte de service Firebase "
                "(réglage fcm.credentials) : demandez-le à l'administrateur."
            )
        self.name = "emulateur" if self.emulator else "firebase"
        self.credentials_path = credentials_path
        self.timeout = timeout
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
        return f"RÉEL : annuaire lu par l'application (base Firebase {self.host})."

    def _reference(self) -> Any:
        with self._lock:
            if self._ref is None:
                self._app, self._ref = open_reference(
                    self.database_url,
                    self.credentials_path,
                    path=f"/{DIRECTORY_ROOT}",
                    timeout=self.timeout,
                    app_prefix="stopcamb-annuaire",
                    error=DirectoryPublishError,
                )
            return self._ref

    def apply(self, changes: Mapping[str, Any]) -> None:
        ref = self._reference()
        try:
            ref.update(dict(changes))
        except Exception as exc:
            raise self._map(exc) from None

    def tree(self) -> dict[str, Any]:
        ref = self._reference()
        try:
            value = ref.get()
        except Exception as exc:
            raise self._map(exc) from None
        return dict(value) if isinstance(value, dict) else {}

    def _map(self, exc: Exception) -> NewsFeedError:
        return map_error(
            exc, host=self.host, timeout=self.timeout, wording=WORDING, error=DirectoryPublishError
        )

    def close(self) -> None:
        with self._lock:
            app, self._app, self._ref = self._app, None, None
        if app is not None:
            firebase_admin.delete_app(app)


class SimulationDirectory:
    """The tree kept in ``<data_dir>/simulation-annuaire-brigades.json``: nothing leaves."""

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
            f"SIMULATION : l'annuaire est écrit dans {self.path}, aucun téléphone ne le verra{why}."
        )

    def tree(self) -> dict[str, Any]:
        with self._lock:
            return self._load()

    def _load(self) -> dict[str, Any]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}
        except (OSError, ValueError) as exc:
            raise DirectoryPublishError(
                f"SIMULATION : le fichier {self.path} est illisible ({exc.__class__.__name__}) : "
                "supprimez-le, puis publiez de nouveau."
            ) from None
        tree = data.get(DIRECTORY_ROOT) if isinstance(data, dict) else None
        return dict(tree) if isinstance(tree, dict) else {}

    def apply(self, changes: Mapping[str, Any]) -> None:
        with self._lock:
            tree = self._load()
            for path, value in changes.items():
                node = tree
                *parents, last = path.strip("/").split("/")
                for key in parents:
                    node = node.setdefault(key, {})
                if value is None:
                    node.pop(last, None)
                else:
                    node[last] = value
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                fd, tmp = tempfile.mkstemp(
                    prefix=".annuaire-", suffix=".json", dir=self.path.parent
                )
                with os.fdopen(fd, "w", encoding="utf-8") as fh:
                    json.dump({DIRECTORY_ROOT: tree}, fh, ensure_ascii=False, indent=1)
                os.replace(tmp, self.path)
            except OSError as exc:
                raise DirectoryPublishError(
                    f"SIMULATION : impossible d'écrire {self.path} ({exc.strerror})."
                ) from None

    def close(self) -> None:
        pass


def directory_target_for(settings: Settings) -> DirectoryTarget:
    """The app's Realtime Database when configured (same settings as the news feed), else
    SIMULATION."""
    found = realtime_database(settings.news_database_url or "", settings.fcm.credentials)
    if isinstance(found, str):
        return SimulationDirectory(settings.data_dir, found)
    return RtdbDirectory(*found)
