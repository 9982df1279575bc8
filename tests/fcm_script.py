"""Scripted answers of the loopback FCM server (one :class:`Step` per request) and what it
records of each ``messages:send`` request (:class:`Received`)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

FCM_ERROR_TYPE = "type.googleapis.com/google.firebase.fcm.v1.FcmError"
_GOOGLE_STATUS = {
    400: "INVALID_ARGUMENT",
    401: "UNAUTHENTICATED",
    403: "PERMISSION_DENIED",
    404: "NOT_FOUND",
    429: "RESOURCE_EXHAUSTED",
    500: "INTERNAL",
    503: "UNAVAILABLE",
}


@dataclass(frozen=True)
class Step:
    """How the server answers one request."""

    status: int = 200
    fcm_code: str | None = None
    retry_after: str | None = None
    delay: float = 0.0  # seconds before answering (longer than the client timeout = timeout)
    close: bool = False  # close the connection without any answer
    revoke_tokens: bool = False  # forget issued tokens first: the request gets a real 401
    body: dict[str, Any] | None = None  # raw JSON answer (token endpoint errors…)
    # Run once the request is in, before the answer (e.g. cut the desk's database then).
    before_answer: Callable[[], None] | None = None


def ok() -> Step:
    return Step()


def error(status: int, fcm_code: str | None = None, *, retry_after: str | None = None) -> Step:
    return Step(status=status, fcm_code=fcm_code, retry_after=retry_after)


def delay(seconds: float) -> Step:
    return Step(delay=seconds)


def ok_after(action: Callable[[], None]) -> Step:
    """Accept the message, but run ``action`` first (while the sender waits for the answer)."""
    return Step(before_answer=action)


def close() -> Step:
    return Step(close=True)


def revoke_tokens() -> Step:
    return Step(revoke_tokens=True)


def fcm_error_body(status: int, fcm_code: str | None = None, message: str = "") -> dict[str, Any]:
    error_obj: dict[str, Any] = {
        "code": status,
        "message": message or f"Scripted error {status}",
        "status": _GOOGLE_STATUS.get(status, "UNKNOWN"),
    }
    if fcm_code:
        error_obj["details"] = [{"@type": FCM_ERROR_TYPE, "errorCode": fcm_code}]
    return {"error": error_obj}


@dataclass
class Received:
    """One ``messages:send`` request as the server saw it."""

    body: Any
    message: Any
    headers: dict[str, str]
    errors: list[str]
    answered: int | None = None  # HTTP status sent back, None if the connection was closed


__all__ = [
    "FCM_ERROR_TYPE",
    "Received",
    "Step",
    "close",
    "delay",
    "error",
    "fcm_error_body",
    "ok",
    "ok_after",
    "revoke_tokens",
]
