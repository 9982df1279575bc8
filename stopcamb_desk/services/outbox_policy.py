"""Value objects of the outbox: retry policy, claimed alerts, outcomes, errors."""

from __future__ import annotations

import os
import random
import socket
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from stopcamb_desk.domain.errors import DeskError
from stopcamb_desk.domain.lifecycle import MAX_LEASE_SECONDS
from stopcamb_desk.domain.status import IN_PROGRESS_STATUSES
from stopcamb_desk.push.payload import is_retraction

LEASE_LOST_MESSAGE = (
    "Le poste qui devait l'envoyer a perdu son tour (arrêté ou suspendu trop longtemps) avant "
    "tout appel à Firebase : rien n'est parti, l'alerte est remise dans la file."
)

CRASH_MESSAGE = (
    "Le poste qui envoyait cette alerte s'est arrêté avant la réponse de Firebase : elle a "
    "peut-être été reçue. Vérifiez puis « Renvoyer » si besoin (sans doublon visible : le "
    "nouveau push remplace le précédent)."
)


class OutboxError(DeskError):
    """A refused outbox action; ``message`` is French and says what to do."""


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    base_delay: float = 2.0  # seconds before the 2nd attempt
    factor: float = 2.0
    max_delay: float = 300.0
    jitter: float = 0.2  # ± 20 %
    max_attempts: int = 6
    lease_seconds: float = MAX_LEASE_SECONDS  # an « envoi » older than this is « à vérifier »

    @property
    def send_margin(self) -> float:
        """Seconds of lease a claim must still have to be handed to FCM: the request (token
        and POST, each bounded by the gateway's timeout) must end before another desk may take
        the alert for lost (30 s of the 120 s lease)."""
        return self.lease_seconds / 4

    def delay(self, attempt: int, retry_after: float | None, rng: random.Random) -> float:
        """Seconds before attempt ``attempt + 1`` (``attempt`` ≥ 1 already made)."""
        backoff = min(self.max_delay, self.base_delay * self.factor ** max(0, attempt - 1))
        backoff *= 1.0 + rng.uniform(-self.jitter, self.jitter)
        return max(backoff, retry_after or 0.0)


@dataclass(frozen=True, slots=True)
class Claimed:
    """An alert this desk moved to ``envoi``: everything needed to send and record it."""

    id: int
    topic: str
    sequence: int
    replaces_id: int | None
    attempt_count: int
    created_at: datetime
    payload: dict[str, Any]
    version: int = 0  # the row's version right after this claim
    lease_until: datetime | None = None  # this desk may send it only until then
    payload_json: str = ""  # the stored request body, as authenticated by the audit trail
    forged: str | None = None  # why the claim found ``payload_json`` unauthenticated
    gateway: str = ""  # the mode it was queued in and claimed for (``alerts.gateway``)

    @property
    def withdrawn_id(self) -> int | None:
        """The alert a retraction withdraws (None for a plain alert or a replacement)."""
        return self.replaces_id if is_retraction(self.payload) else None


@dataclass(frozen=True, slots=True)
class Outcome:
    """Where one delivery attempt left the alert."""

    alert_id: int
    status: str  # envoyee | remplacee | en_attente (retry scheduled) | echec | …
    message_id: str | None = None
    error: str | None = None
    next_attempt_at: datetime | None = None
    simulated: bool = False
    # Other alerts of the topic this outcome changed: (id, new status), e.g. replaced ones.
    others: tuple[tuple[int, str], ...] = ()

    @property
    def final(self) -> bool:
        return self.status not in IN_PROGRESS_STATUSES


def desk_name() -> str:
    """Who made an attempt, as recorded in ``alert_attempts.desk``."""
    return f"{socket.gethostname()}:{os.getpid()}"[:120]
