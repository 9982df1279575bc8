"""Publication state machine of a news item: statuses, the rows shown, the three-step records.

Life cycle of a news item (``news_items.status``)::

    brouillon ─publier─▶ a_publier ─OK─▶ publiee ─retirer─▶ a_retirer ─OK─▶ retiree
                            ↺ failed: stays « Non publiée »    ↺ failed: « Retrait non confirmé »
                              (the error is kept; Réessayer)      (the error is kept; Réessayer)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from stopcamb_desk.models import AuditEvent, NewsItem, Operator, utcnow
from stopcamb_desk.push.news_feed_base import NewsFeedError
from stopcamb_desk.services.news_draft import NewsDraft, NewsRefused


class NewsStatus(StrEnum):
    BROUILLON = "brouillon"
    A_PUBLIER = "a_publier"
    PUBLIEE = "publiee"
    A_RETIRER = "a_retirer"
    RETIREE = "retiree"

    @property
    def label(self) -> str:
        return STATUS_LABELS[self]


STATUS_LABELS: dict[NewsStatus, str] = {
    NewsStatus.BROUILLON: "Brouillon",
    NewsStatus.A_PUBLIER: "Non publiée",
    NewsStatus.PUBLIEE: "Publiée",
    NewsStatus.A_RETIRER: "Retrait non confirmé",
    NewsStatus.RETIREE: "Retirée",
}
EDITABLE = frozenset({NewsStatus.BROUILLON, NewsStatus.A_PUBLIER, NewsStatus.PUBLIEE})
OBJECT_TYPE = "actualite"
REQUEST_ACTIONS = ("actualite_publication_demandee", "actualite_retrait_demande")
# While one desk's call to the feed is on its way (requested, not yet recorded), no other call
# may start on the item: the outcome recorded last must be the last write the feed received, or
# the desk would show « Retirée » an item the phones still show. A call gives up after the
# feed's timeout (10 s) and one still waiting to start after DELIVERY_DEADLINE is not sent
# (NewsService.deliver), so past IN_FLIGHT a request never recorded (a desk closed mid-call)
# no longer blocks the item.
DELIVERY_DEADLINE = timedelta(seconds=60)
IN_FLIGHT = timedelta(minutes=2)


@dataclass(frozen=True, slots=True)
class NewsRow:
    """A news item as the screens and the CLI show it (no ORM object escapes the service)."""

    id: int
    status: NewsStatus
    title: str
    body: str
    url: str
    created_at: datetime
    published_at: datetime | None
    withdrawn_at: datetime | None
    author_login: str
    author_nom: str
    remote_key: str
    gateway: str | None
    last_error: str | None
    last_attempt_at: datetime | None
    version: int

    @property
    def status_label(self) -> str:
        return self.status.label

    @property
    def visible_in_app(self) -> bool | None:
        """True/False when known; None when a call failed halfway (may or may not be)."""
        if self.status is NewsStatus.PUBLIEE:
            return True
        if self.status in (NewsStatus.BROUILLON, NewsStatus.RETIREE):
            return False
        if self.status is NewsStatus.A_PUBLIER and self.published_at is not None:
            return True  # the previous version stays until the update goes through
        if self.status is NewsStatus.A_RETIRER and self.last_attempt_at is None:
            return True
        return None if self.last_attempt_at is not None else False

    def draft(self) -> NewsDraft:
        return NewsDraft(self.title, self.body, self.url)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "statut": str(self.status),
            "statut_libelle": self.status_label,
            "titre": self.title,
            "texte": self.body,
            "url": self.url,
            "cree_le": self.created_at.isoformat(),
            "publie_le": self.published_at.isoformat() if self.published_at else None,
            "retire_le": self.withdrawn_at.isoformat() if self.withdrawn_at else None,
            "auteur": self.author_login,
            "cle": self.remote_key,
            "passerelle": self.gateway,
            "derniere_erreur": self.last_error,
        }


def news_row(item: NewsItem, author: Operator | None) -> NewsRow:
    return NewsRow(
        id=item.id,
        status=NewsStatus(item.status),
        title=item.title,
        body=item.body,
        url=item.url or "",
        created_at=item.created_at,
        published_at=item.published_at,
        withdrawn_at=item.withdrawn_at,
        author_login=author.login if author else "",
        author_nom=author.nom if author else "",
        remote_key=item.remote_key or "",
        gateway=item.gateway,
        last_error=item.last_error,
        last_attempt_at=item.last_attempt_at,
        version=item.version,
    )


def feed_entry(draft: NewsDraft, published_at: datetime) -> dict[str, str]:
    """What the app reads at ``/flux_actualite/<clé>``."""
    return {
        "titre": draft.title,
        "texte": draft.body,
        "url": draft.url,
        "publie_le": published_at.astimezone(UTC).isoformat(timespec="seconds"),
    }


def entry_published_at(entry: Any) -> datetime | None:
    """When a feed entry says it was published (:func:`feed_entry`), None if it cannot say."""
    try:
        return datetime.fromisoformat(str(entry["publie_le"]))
    except (KeyError, TypeError, ValueError):
        return None


@dataclass(frozen=True, slots=True)
class Pending:
    """A committed request waiting for its one call to the feed."""

    item_id: int
    action: str  # "publier" | "retirer"
    remote_key: str
    version: int
    entry: dict[str, str] = field(default_factory=dict)
    at: datetime = field(default_factory=utcnow)


@dataclass(frozen=True, slots=True)
class Delivery:
    """The answer of the feed to one :class:`Pending` (never raises)."""

    ok: bool
    gateway: str
    simulated: bool
    error: NewsFeedError | None = None

    @property
    def message(self) -> str:
        return self.error.message if self.error else ""


@dataclass(frozen=True, slots=True)
class NewsOutcome:
    """Where an item stands after a publication or withdrawal; ``message`` is French."""

    row: NewsRow
    ok: bool
    message: str
    simulated: bool = False


def outcome_message(row: NewsRow, pending: Pending, delivery: Delivery) -> str:
    publish = pending.action == "publier"
    if delivery.ok:
        if delivery.simulated:
            where = "SIMULATION : aucun téléphone ne le verra"
        elif publish:
            where = "visible dans l'application"
        else:
            where = "il n'apparaît plus dans l'application"
        verb = "publié" if publish else "retiré du flux"
        return f"Article n° {row.id} {verb} ({where})."
    if publish and row.published_at is not None:
        state = (
            "mis à jour sur le poste seulement : l'application montre encore la version "
            f"publiée le {row.published_at.astimezone():%d/%m/%Y à %H:%M}"
        )
    elif publish:
        state = "non publié"
    else:
        state = "pas encore retiré : il peut rester visible dans l'application"
    return f"Article n° {row.id} {state}. {delivery.message}"


class NewsConflict(NewsRefused):
    """The item changed on another desk since it was shown."""


def load_item(session: Session, item_id: int, expected_version: int | None = None) -> NewsItem:
    """The item, checked against the version the operator saw (another desk may have moved it)."""
    item = session.get(NewsItem, item_id)
    if item is None:
        raise NewsRefused(f"Article n° {item_id} introuvable : actualisez la liste.")
    if expected_version is not None and item.version != expected_version:
        raise changed_meanwhile(item_id)
    return item


def changed_meanwhile(item_id: int) -> NewsConflict:
    """Another desk changed the item since it was shown, or in the same instant (its write
    came first: ours matched no row, ``version`` column)."""
    return NewsConflict(
        f"L'article n° {item_id} a été modifié entre-temps (sur un autre poste ?) : "
        "actualisez la liste, relisez-le, puis recommencez. Rien n'a été enregistré."
    )


class NewsInFlight(NewsRefused):
    """Another call to the feed on this item is on its way (see :data:`IN_FLIGHT`)."""


def settled_item(
    session: Session, item_id: int, expected_version: int | None, now: datetime
) -> NewsItem:
    """The item, checked against the version seen, with no call to the feed on its way."""
    item = load_item(session, item_id, expected_version)
    status = NewsStatus(item.status)
    if status not in (NewsStatus.A_PUBLIER, NewsStatus.A_RETIRER) or item.last_error is not None:
        return item  # nothing requested, or the request's outcome is recorded (a failure)
    requested = session.execute(
        select(AuditEvent.at, AuditEvent.actor)
        .where(
            AuditEvent.object_type == OBJECT_TYPE,
            AuditEvent.object_id == str(item.id),
            AuditEvent.action.in_(REQUEST_ACTIONS),
        )
        .order_by(AuditEvent.id.desc())
        .limit(1)
    ).first()
    if requested is None or now - requested.at >= IN_FLIGHT:
        return item
    what = "publication" if status is NewsStatus.A_PUBLIER else "retrait"
    minutes = int(IN_FLIGHT.total_seconds() // 60)
    raise NewsInFlight(
        f"L'article n° {item.id} est en cours de {what} (demandé par {requested.actor} à "
        f"{requested.at.astimezone():%H:%M:%S}) : attendez la réponse du flux, actualisez la "
        f"liste, puis recommencez. Si ce poste a été fermé entre-temps, l'article se débloque "
        f"{minutes} minutes après la demande. Rien n'a été enregistré."
    )


def editable_item(
    session: Session, item_id: int, expected_version: int | None, now: datetime
) -> NewsItem:
    """The item, if its state still lets the operator change its text."""
    item = settled_item(session, item_id, expected_version, now)
    status = NewsStatus(item.status)
    if status not in EDITABLE:
        raise NewsRefused(
            f"L'article n° {item_id} est « {status.label} » : il ne peut plus être modifié. "
            "Rédigez un nouvel article."
        )
    return item
