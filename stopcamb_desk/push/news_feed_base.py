"""What every news feed shares: the error, the protocol, the keys (see :mod:`.news_feed`)."""

from __future__ import annotations

import re
import uuid
from collections.abc import Mapping
from typing import Any, Protocol

from stopcamb_desk.domain.errors import DeskError

FEED_ROOT = "flux_actualite"
DATABASE_URL_ENV = "STOPCAMB_NEWS_DATABASE_URL"
# Realtime Database keys: no . $ # [ ] / nor ASCII control characters, at most 768 bytes.
_KEY_RE = re.compile(r"^[^.$#\[\]/\x00-\x1f\x7f]{1,768}$")


class NewsFeedError(DeskError):
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
