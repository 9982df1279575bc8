"""Value objects of the send history (rows, pages, detail, what the phones show) and small
formatting helpers; the queries live in ``services/history.py``."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from stopcamb_desk.domain.errors import DeskError
from stopcamb_desk.domain.status import (
    acceptance_summary,
    alert_nature,
    excerpt,
    kind_label,
    phones_label,
    status_label,
)


class HistoryError(DeskError):
    """The alert does not exist or is not visible to the operator; ``message`` is French."""


@dataclass(frozen=True, slots=True)
class HistoryFilter:
    """Operator filters; None/empty means « tous ». Period: ``since <= created_at < until``."""

    departement: str | None = None
    statuses: tuple[str, ...] = ()
    author: str | None = None  # operator login
    since: datetime | None = None
    until: datetime | None = None
    text: str | None = None
    kind: str | None = None
    exercise: bool | None = None


@dataclass(frozen=True, slots=True)
class Cursor:
    """Position after the last row of a page (keyset pagination)."""

    created_at: datetime
    id: int


@dataclass(frozen=True, slots=True)
class AlertRow:
    id: int
    created_at: datetime
    sent_at: datetime | None
    departement: str | None
    kind: str
    status: str
    exercise: bool
    author_login: str
    author_nom: str
    text: str
    topic: str
    replaces_id: int | None
    version: int
    retraction: bool = False  # the neutral message withdrawing the alert it replaces

    @property
    def status_label(self) -> str:
        """« Envoyée », or « Retrait envoyé » for a retraction."""
        return status_label(self.status, retraction=bool(self.retraction))

    @property
    def kind_label(self) -> str:
        """« Alerte opérationnelle », « Prévention nationale », or « Retrait »."""
        return kind_label(self.kind, retraction=bool(self.retraction))

    @property
    def nature(self) -> str:
        """« Alerte », « Remplacement » or « Retrait »."""
        return alert_nature(self.replaces_id, bool(self.retraction))

    @property
    def excerpt(self) -> str:
        return excerpt(self.text)

    @property
    def cursor(self) -> Cursor:
        return Cursor(self.created_at, self.id)

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "cree_le": self.created_at.isoformat(),
            "envoye_le": self.sent_at.isoformat() if self.sent_at else None,
            "departement": self.departement,
            "type": self.kind,
            "statut": self.status,
            "statut_libelle": self.status_label,
            "exercice": self.exercise,
            "auteur": self.author_login,
            "texte": self.text,
            "sujet": self.topic,
            "remplace": self.replaces_id,
            "retrait": bool(self.retraction),
        }


@dataclass(frozen=True, slots=True)
class Page:
    rows: tuple[AlertRow, ...]
    next_cursor: Cursor | None  # None: no more rows

    @property
    def has_more(self) -> bool:
        return self.next_cursor is not None


@dataclass(frozen=True, slots=True)
class AttemptInfo:
    at: datetime
    outcome: str
    http_status: int | None
    error: str | None
    desk: str
    message_id: str | None = None  # FCM's id when accepted


@dataclass(frozen=True, slots=True)
class AlertDetail:
    row: AlertRow
    procedure_type: str | None
    procedure_number: str | None
    procedure_date: date | None
    parquet_ref: str | None
    parquet_date: date | None
    verdict: dict[str, Any]
    payload: dict[str, Any]
    fcm_message_id: str | None
    gateway: str
    last_error: str | None
    replacement_key: str
    sequence: int
    attempts: tuple[AttemptInfo, ...]
    # Oldest first, ending with the alert this one replaced (empty if it replaced nothing).
    replaced: tuple[AlertRow, ...] = ()
    # Newest last: what replaced this alert, then what replaced that one, and so on.
    replaced_by: tuple[AlertRow, ...] = ()
    other_replacements: tuple[AlertRow, ...] = field(default=())  # failed sibling attempts
    scheduled_for: datetime | None = None  # a planned message: its planned time
    valid_until: datetime | None = None  # … and the end of its validity window

    @property
    def is_chain_head(self) -> bool:
        return not self.replaced_by

    @property
    def acceptance(self) -> str | None:
        """« Acceptée 2 fois … » from the attempts (every accepted message id is kept)."""
        return acceptance_summary(a.outcome for a in self.attempts)


@dataclass(frozen=True, slots=True)
class PhoneEntry:
    """The alert currently shown on the phones subscribed to ``topic``."""

    topic: str
    departement: str | None
    exercise: bool
    alert: AlertRow
    age: timedelta
    retraction: bool = False  # the neutral message that withdrew the previous alert

    @property
    def label(self) -> str:
        """« Alerte affichée » or « Message de retrait affiché »."""
        return phones_label(True, self.retraction)


NO_AGE = timedelta(0)


def loads_object(text: str | None) -> dict[str, Any]:
    try:
        value = json.loads(text or "{}")
    except ValueError:
        return {"brut": text}
    return value if isinstance(value, dict) else {"valeur": value}


def format_age(age: timedelta) -> str:
    """« 3 min », « 2 h 05 », « 4 j » — what the « Sur les téléphones » panel shows."""
    seconds = int(age.total_seconds())
    if seconds < 60:
        return "à l'instant"
    minutes = seconds // 60
    if minutes < 60:
        return f"{minutes} min"
    hours, minutes = divmod(minutes, 60)
    if hours < 48:
        return f"{hours} h {minutes:02d}"
    return f"{hours // 24} j"
