"""The SIMULATION news feed: a JSON file in the data directory; nothing reaches any phone."""

from __future__ import annotations

import json
import os
import tempfile
import threading
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from stopcamb_desk.push.news_feed_base import FEED_ROOT, NewsFeedError, check_key

SIMULATION_FILE = "simulation-flux-actualite.json"
SIMULATION_LABEL = "SIMULATION"


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
