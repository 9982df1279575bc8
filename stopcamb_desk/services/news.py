"""The national news feed (« Flux d'actualité »): drafts, publication, withdrawal. OPP GGD34 only.

Life cycle of a news item (``news_items.status``)::

    brouillon ─publier─▶ a_publier ─OK─▶ publiee ─retirer─▶ a_retirer ─OK─▶ retiree
                            ↺ failed: stays « Non publiée »    ↺ failed: « Retrait non confirmé »
                              (the error is kept; Réessayer)      (the error is kept; Réessayer)

Like the alert outbox, nothing is lost: each publication or withdrawal is three steps —

1. :meth:`NewsService.request_publication` / :meth:`request_withdrawal` (database worker): role
   check, validation, the item and its audit event committed in one transaction, state
   ``a_publier`` / ``a_retirer``; no network;
2. :meth:`NewsService.deliver` (network pool): one call to the feed, no database, no retry;
3. :meth:`NewsService.record` (database worker): the outcome and its audit event; a failure
   keeps the intermediate state and the French error, the operator chooses « Réessayer ».

:meth:`publish`, :meth:`withdraw` and :meth:`retry` chain the three (CLI, scripts). Validation
(:func:`check_news`) is pure: titles of 80 characters at most, texts of 1 000, an optional
``https://`` link, and the rule checker's invisible-character, suspicion, identification and
scope rules applied to the title and the text (as a prevention message).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from sqlalchemy import select
from sqlalchemy.orm import Session

from stopcamb_desk.domain.roles import Permission, Principal, require
from stopcamb_desk.domain.rules import catalog
from stopcamb_desk.domain.rules.model import MessageKind, Severity
from stopcamb_desk.domain.rules.text import count_graphemes
from stopcamb_desk.models import NewsItem, Operator, utcnow
from stopcamb_desk.models.db import Database
from stopcamb_desk.push.news_feed import NewsFeed, NewsFeedError, new_key
from stopcamb_desk.services import audit

if TYPE_CHECKING:
    from stopcamb_desk.domain.places import PlaceFinder

TITLE_MAX = 80
BODY_MAX = 1000
URL_MAX = 500
CHECKED_RULES = frozenset(
    {catalog.CARACTERES_INVISIBLES, catalog.SOUPCON, catalog.IDENTIFICATION, catalog.HORS_CHAMP}
)
OBJECT_TYPE = "actualite"


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


class NewsRefused(Exception):
    """The item cannot be saved or published as it is; ``message`` is French."""

    def __init__(self, message: str, problems: tuple[NewsProblem, ...] = ()) -> None:
        super().__init__(message)
        self.message = message
        self.problems = problems


@dataclass(frozen=True, slots=True)
class NewsDraft:
    title: str
    body: str
    url: str = ""

    def normalised(self) -> NewsDraft:
        def clean(value: str) -> str:
            return unicodedata.normalize("NFC", value).strip()

        return NewsDraft(clean(self.title), clean(self.body), self.url.strip())


@dataclass(frozen=True, slots=True)
class NewsProblem:
    """One problem of a draft: ``field`` is ``titre``, ``texte`` or ``url``."""

    field: str
    severity: Severity
    message: str
    rule: str = ""
    start: int = 0
    end: int = 0

    @property
    def blocking(self) -> bool:
        return self.severity is Severity.BLOQUANT


FIELD_LABELS = {"titre": "Titre", "texte": "Texte", "url": "Lien"}


def check_url(url: str) -> str | None:
    """The French problem with ``url`` (empty is fine), or None."""
    if not url:
        return None
    if len(url) > URL_MAX:
        return f"Le lien dépasse {URL_MAX} caractères : raccourcissez-le."
    if any(ch.isspace() for ch in url):
        return "Le lien contient des espaces : copiez l'adresse exacte depuis le navigateur."
    parts = urlsplit(url)
    if parts.scheme != "https":
        return (
            "Le lien doit commencer par https:// (connexion sécurisée) ; "
            "un lien http:// ou sans préfixe est refusé."
        )
    host = parts.hostname or ""
    if "@" in parts.netloc:
        return "Le lien ne doit pas contenir d'identifiant ni de mot de passe (caractère @)."
    if "." not in host or host.startswith(".") or host.endswith("."):
        return "Le lien n'indique pas un site valide (ex. https://www.gendarmerie.interieur.gouv.fr/…)."
    return None


def check_news(draft: NewsDraft, places: PlaceFinder | None = None) -> list[NewsProblem]:
    """Every problem of ``draft`` (as typed), blocking or not; pure, fast enough per keystroke."""
    from stopcamb_desk.domain.rules import check

    problems: list[NewsProblem] = []
    for name, text, limit, what in (
        ("titre", draft.title, TITLE_MAX, "le titre"),
        ("texte", draft.body, BODY_MAX, "le texte"),
    ):
        length = count_graphemes(unicodedata.normalize("NFC", text).strip())
        if length == 0:
            problems.append(
                NewsProblem(name, Severity.BLOQUANT, f"Rédigez {what} de l'article.", "vide")
            )
            continue
        if length > limit:
            problems.append(
                NewsProblem(
                    name,
                    Severity.BLOQUANT,
                    f"{what.capitalize()} fait {length} caractères : {limit} au plus.",
                    "longueur",
                )
            )
        verdict = check(text, kind=MessageKind.PREVENTION, places=places)
        for finding in verdict.findings:
            if finding.rule in CHECKED_RULES and finding.severity is not Severity.INFO:
                problems.append(
                    NewsProblem(
                        name,
                        finding.severity,
                        finding.message,
                        finding.rule,
                        finding.start,
                        finding.end,
                    )
                )
    url_problem = check_url(draft.url.strip())
    if url_problem:
        problems.append(NewsProblem("url", Severity.BLOQUANT, url_problem, "lien"))
    return problems


def refusal(problems: list[NewsProblem], action: str) -> NewsRefused | None:
    blocking = tuple(p for p in problems if p.blocking)
    if not blocking:
        return None
    lines = "\n".join(f"• {FIELD_LABELS[p.field]} : {p.message}" for p in blocking)
    return NewsRefused(f"{action} impossible :\n{lines}", blocking)


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


def _row(item: NewsItem, author: Operator | None) -> NewsRow:
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
class Outcome:
    """Where an item stands after a publication or withdrawal; ``message`` is French."""

    row: NewsRow
    ok: bool
    message: str
    simulated: bool = False


class NewsConflict(NewsRefused):
    """The item changed on another desk since it was shown."""


FeedSource = NewsFeed | Callable[[], NewsFeed]


class NewsService:
    """Use cases of the national feed. ``feed``: a :class:`NewsFeed` or a factory (lazy)."""

    def __init__(
        self,
        db: Database,
        feed: FeedSource,
        *,
        places: PlaceFinder | None = None,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self.db = db
        self._feed_source = feed
        self._feed: NewsFeed | None = None
        self.places = places
        self.clock = clock

    @property
    def feed(self) -> NewsFeed:
        if self._feed is None:
            source = self._feed_source
            self._feed = source() if callable(source) else source
        return self._feed

    @property
    def feed_description(self) -> str:
        """Where a publication goes (« SIMULATION : … » or « RÉEL : … »), French."""
        try:
            return self.feed.description
        except NewsFeedError as exc:
            return f"Flux d'actualité inutilisable : {exc.message}"

    @property
    def simulated(self) -> bool:
        try:
            return self.feed.simulated
        except NewsFeedError:
            return True

    def close(self) -> None:
        if self._feed is not None:
            self._feed.close()
            self._feed = None

    # -- reading ------------------------------------------------------------------------------
    def list_items(self, principal: Principal) -> list[NewsRow]:
        """Every item, newest first (drafts, published, withdrawn)."""
        require(principal, Permission.PUBLISH_NEWS)
        with self.db.session() as session:
            rows = session.execute(
                select(NewsItem, Operator)
                .join(Operator, Operator.id == NewsItem.author_id, isouter=True)
                .order_by(NewsItem.created_at.desc(), NewsItem.id.desc())
            ).all()
            return [_row(item, author) for item, author in rows]

    def get(self, principal: Principal, item_id: int) -> NewsRow:
        require(principal, Permission.PUBLISH_NEWS)
        with self.db.session() as session:
            item = self._load(session, item_id)
            return _row(item, session.get(Operator, item.author_id))

    def check(self, draft: NewsDraft) -> list[NewsProblem]:
        return check_news(draft, self.places)

    # -- drafts -------------------------------------------------------------------------------
    def save_draft(
        self,
        principal: Principal,
        draft: NewsDraft,
        item_id: int | None = None,
        expected_version: int | None = None,
    ) -> NewsRow:
        """Create or update a draft (lengths and link checked; rules only at publication)."""
        require(principal, Permission.PUBLISH_NEWS)
        draft = draft.normalised()
        problems = [p for p in check_news(draft, self.places) if p.rule in ("longueur", "lien")]
        if not (draft.title or draft.body):
            problems.append(NewsProblem("titre", Severity.BLOQUANT, "Le brouillon est vide."))
        refused = refusal(problems, "Enregistrement")
        if refused is not None:
            raise refused
        with self.db.session() as session:
            if item_id is None:
                item = self._new_item(session, principal, draft)
                action = "actualite_brouillon_cree"
            else:
                item = self._editable(session, item_id, expected_version)
                if NewsStatus(item.status) is NewsStatus.PUBLIEE:
                    raise NewsRefused(
                        "Cet article est publié : modifiez-le puis cliquez sur « Publier » pour "
                        "mettre à jour l'application (un brouillon ne remplace pas un article "
                        "publié)."
                    )
                item.title, item.body, item.url = draft.title, draft.body, draft.url
                item.status = NewsStatus.BROUILLON
                action = "actualite_brouillon_modifie"
            session.flush()
            audit.record(
                session,
                principal.login,
                action,
                OBJECT_TYPE,
                item.id,
                {"titre": draft.title},
                at=self.clock(),
            )
            return _row(item, session.get(Operator, item.author_id))

    # -- step 1: commit the request -------------------------------------------------------
    def request_publication(
        self,
        principal: Principal,
        draft: NewsDraft,
        item_id: int | None = None,
        expected_version: int | None = None,
    ) -> Pending:
        """Validate and commit « à publier » (new item, draft or update of a published one)."""
        require(principal, Permission.PUBLISH_NEWS)
        draft = draft.normalised()
        refused = refusal(check_news(draft, self.places), "Publication")
        if refused is not None:
            raise refused
        now = self.clock()
        with self.db.session() as session:
            if item_id is None:
                item = self._new_item(session, principal, draft)
            else:
                item = self._editable(session, item_id, expected_version)
                item.title, item.body, item.url = draft.title, draft.body, draft.url
            item.status = NewsStatus.A_PUBLIER
            item.last_error = None
            session.flush()
            audit.record(
                session,
                principal.login,
                "actualite_publication_demandee",
                OBJECT_TYPE,
                item.id,
                {"titre": draft.title, "texte": draft.body, "url": draft.url},
                at=now,
            )
            session.flush()
            return Pending(
                item.id,
                "publier",
                item.remote_key or "",
                item.version,
                feed_entry(draft, now),
                now,
            )

    def request_withdrawal(
        self, principal: Principal, item_id: int, expected_version: int | None = None
    ) -> Pending | None:
        """Commit « à retirer »; a draft never sent is withdrawn at once (returns None)."""
        require(principal, Permission.PUBLISH_NEWS)
        now = self.clock()
        with self.db.session() as session:
            item = self._load(session, item_id, expected_version)
            status = NewsStatus(item.status)
            if status is NewsStatus.RETIREE:
                raise NewsRefused("Cet article est déjà retiré du flux.")
            if status is NewsStatus.BROUILLON and item.last_attempt_at is None:
                item.status = NewsStatus.RETIREE
                item.withdrawn_at = now
                audit.record(
                    session,
                    principal.login,
                    "actualite_brouillon_abandonne",
                    OBJECT_TYPE,
                    item.id,
                    at=now,
                )
                return None
            item.status = NewsStatus.A_RETIRER
            item.last_error = None
            session.flush()
            audit.record(
                session,
                principal.login,
                "actualite_retrait_demande",
                OBJECT_TYPE,
                item.id,
                {"titre": item.title},
                at=now,
            )
            session.flush()
            return Pending(item.id, "retirer", item.remote_key or "", item.version, {}, now)

    # -- step 2: the network ------------------------------------------------------------------
    def deliver(self, pending: Pending) -> Delivery:
        """One call to the feed, outside any transaction; failures come back as values."""
        try:
            feed = self.feed
        except NewsFeedError as exc:
            return Delivery(False, "?", False, exc)
        try:
            if pending.action == "publier":
                feed.put(pending.remote_key, pending.entry)
            else:
                feed.remove(pending.remote_key)
        except NewsFeedError as exc:
            return Delivery(False, feed.name, feed.simulated, exc)
        return Delivery(True, feed.name, feed.simulated)

    # -- step 3: record the outcome -------------------------------------------------------
    def record(self, principal: Principal, pending: Pending, delivery: Delivery) -> Outcome:
        publish = pending.action == "publier"
        expected = NewsStatus.A_PUBLIER if publish else NewsStatus.A_RETIRER
        now = self.clock()
        with self.db.session() as session:
            item = self._load(session, pending.item_id)
            current = item.version == pending.version and NewsStatus(item.status) is expected
            details: dict[str, Any] = {"passerelle": delivery.gateway}
            if delivery.ok:
                action = "actualite_publiee" if publish else "actualite_retiree"
                if current:
                    item.status = NewsStatus.PUBLIEE if publish else NewsStatus.RETIREE
                    item.gateway = delivery.gateway
                    item.last_error = None
                    if publish:
                        item.published_at = pending.at
                        item.withdrawn_at = None
                    else:
                        item.withdrawn_at = now
            else:
                action = "actualite_publication_echec" if publish else "actualite_retrait_echec"
                details["erreur"] = delivery.message
                if current:
                    item.last_error = delivery.message
            if not current:
                details["ignore"] = "article modifié entre-temps sur un autre poste"
            item.last_attempt_at = now
            if delivery.simulated:
                details["simulation"] = True
            audit.record(session, principal.login, action, OBJECT_TYPE, item.id, details, at=now)
            session.flush()
            row = _row(item, session.get(Operator, item.author_id))
        return Outcome(
            row, delivery.ok, _outcome_message(row, pending, delivery), delivery.simulated
        )

    # -- the three steps chained (CLI, scripts) ------------------------------------------
    def publish(
        self,
        principal: Principal,
        draft: NewsDraft,
        item_id: int | None = None,
        expected_version: int | None = None,
    ) -> Outcome:
        pending = self.request_publication(principal, draft, item_id, expected_version)
        return self.record(principal, pending, self.deliver(pending))

    def withdraw(
        self, principal: Principal, item_id: int, expected_version: int | None = None
    ) -> Outcome:
        pending = self.request_withdrawal(principal, item_id, expected_version)
        if pending is None:
            row = self.get(principal, item_id)
            return Outcome(row, True, "Brouillon abandonné (il n'avait jamais été publié).")
        return self.record(principal, pending, self.deliver(pending))

    def request_retry(self, principal: Principal, item_id: int) -> Pending:
        """Re-run the call that failed (« Réessayer »): same key, so never a duplicate."""
        require(principal, Permission.PUBLISH_NEWS)
        row = self.get(principal, item_id)
        if row.status is NewsStatus.A_PUBLIER:
            return self.request_publication(principal, row.draft(), row.id, row.version)
        if row.status is NewsStatus.A_RETIRER:
            pending = self.request_withdrawal(principal, row.id, row.version)
            assert pending is not None
            return pending
        raise NewsRefused(f"Rien à réessayer : l'article est « {row.status_label} ».")

    def retry(self, principal: Principal, item_id: int) -> Outcome:
        pending = self.request_retry(principal, item_id)
        return self.record(principal, pending, self.deliver(pending))

    # -- helpers ------------------------------------------------------------------------------
    def _new_item(self, session: Session, principal: Principal, draft: NewsDraft) -> NewsItem:
        item = NewsItem(
            created_at=self.clock(),
            title=draft.title,
            body=draft.body,
            url=draft.url,
            author_id=principal.operator_id,
            status=NewsStatus.BROUILLON,
            remote_key=new_key(),
        )
        session.add(item)
        session.flush()
        return item

    def _load(
        self, session: Session, item_id: int, expected_version: int | None = None
    ) -> NewsItem:
        item = session.get(NewsItem, item_id)
        if item is None:
            raise NewsRefused(f"Article n° {item_id} introuvable : actualisez la liste.")
        if expected_version is not None and item.version != expected_version:
            raise NewsConflict(
                f"L'article n° {item_id} a été modifié entre-temps (sur un autre poste ?) : "
                "actualisez la liste, relisez-le, puis recommencez."
            )
        return item

    def _editable(self, session: Session, item_id: int, expected_version: int | None) -> NewsItem:
        item = self._load(session, item_id, expected_version)
        status = NewsStatus(item.status)
        if status not in EDITABLE:
            raise NewsRefused(
                f"L'article n° {item_id} est « {status.label} » : il ne peut plus être modifié. "
                "Rédigez un nouvel article."
            )
        return item


def _outcome_message(row: NewsRow, pending: Pending, delivery: Delivery) -> str:
    publish = pending.action == "publier"
    if delivery.ok:
        where = (
            "SIMULATION : aucun téléphone ne le verra"
            if delivery.simulated
            else "visible dans l'application"
        )
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


def open_news_service(services: Any, *, places: PlaceFinder | None = None) -> NewsService:
    """The desk's news service: the feed chosen from the settings, built on first use."""
    from stopcamb_desk.push.news_feed import news_feed_for

    return NewsService(services.db, lambda: news_feed_for(services.settings), places=places)
