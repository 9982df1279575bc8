"""What every delivery gateway (FCM, simulation) offers, and the errors it may raise.

A gateway sends one FCM v1 ``Message`` (the JSON object placed in ``{"message": …}``, exactly
as stored in the outbox) and either returns a :class:`SendResult` or raises:

- :class:`TransientPushError`: worth retrying later (network, timeout, 5xx, 429); the outbox
  schedules the retry, honouring ``retry_after``; the gateway itself never sleeps;
- :class:`PermanentPushError`: retrying the same request will fail again (400, 401/403 after
  one token refresh, 404, unusable credentials); the alert ends in « échec ».

Every ``message`` is meant for the operator: French, and says what to do next.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol, runtime_checkable

from stopcamb_desk.domain.errors import DeskError

SIMULATION_LABEL = "SIMULATION"


@dataclass(frozen=True, slots=True)
class SendResult:
    """A message accepted by the gateway; ``message_id`` is FCM's ``name``."""

    message_id: str
    gateway: str  # "fcm" | "simulation"
    simulated: bool = False

    @property
    def label(self) -> str:
        """A French summary for confirmations; simulation is always said loudly."""
        if self.simulated:
            return (
                f"{SIMULATION_LABEL} : aucun téléphone n'a reçu ce message "
                f"(identifiant simulé {self.message_id})."
            )
        return f"Accepté par Firebase Cloud Messaging ({self.message_id})."


class PushError(DeskError):
    """Base of the delivery errors; ``message`` is shown to the operator."""

    def __init__(
        self,
        message: str,
        *,
        http_status: int | None = None,
        fcm_code: str | None = None,
    ) -> None:
        super().__init__(message)
        self.http_status = http_status
        self.fcm_code = fcm_code


class TransientPushError(PushError):
    """Retry later: at ``retry_after`` seconds if the server said so, else by backoff.

    ``maybe_delivered`` is True when the request may have reached FCM (read timeout, connection
    closed after sending): a retry is still safe because the same tag replaces on the phone.
    """

    def __init__(
        self,
        message: str,
        *,
        retry_after: float | None = None,
        http_status: int | None = None,
        fcm_code: str | None = None,
        maybe_delivered: bool = False,
    ) -> None:
        super().__init__(message, http_status=http_status, fcm_code=fcm_code)
        self.retry_after = retry_after
        self.maybe_delivered = maybe_delivered


class PermanentPushError(PushError):
    """Do not retry automatically; the operator may « Renvoyer » after fixing the cause."""


class PushConfigError(PermanentPushError):
    """The gateway cannot be set up (credentials file, endpoint); nothing was sent."""


@runtime_checkable
class PushGateway(Protocol):
    """A delivery channel. Implementations are thread-safe; ``send`` may block on the network
    (call it from a worker thread, never from the GUI thread) but never sleeps to retry."""

    name: str
    simulated: bool

    def prepare(self) -> None:
        """Warm up (build the client, fetch the OAuth token) so the first send is fast."""
        ...

    def send(self, message: Mapping[str, Any]) -> SendResult:
        """Deliver one FCM v1 message; raise TransientPushError or PermanentPushError."""
        ...

    def close(self) -> None: ...
