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

:meth:`publish`, :meth:`withdraw` and :meth:`retry` chain the three (CLI, scripts). A late write
can still land after its outcome was recorded: :meth:`check_feed` (three steps too, see
:mod:`.news_check`) reads the feed back and records what the phones show. Validation
lives in :mod:`.news_draft` (:func:`check_news`, pure: titles of 80 characters at most, texts of
1 000, an optional ``https://`` link, and the rule checker's invisible-character, suspicion,
identification and scope rules applied to the title and the text, as a prevention message);
the publication state machine and the rows shown in :mod:`.news_state`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from stopcamb_desk.domain.roles import Permission, Principal, require
from stopcamb_desk.domain.rules.model import Severity
from stopcamb_desk.models import NewsItem, Operator, utcnow
from stopcamb_desk.models.db import Database, DatabaseError, explain_failure
from stopcamb_desk.push.news_feed import news_feed_for
from stopcamb_desk.push.news_feed_base import NewsFeed, NewsFeedError, new_key
from stopcamb_desk.services import audit
from stopcamb_desk.services.news_atom import atom_feed, published_rows
from stopcamb_desk.services.news_check import (
    FeedCheck,
    FeedCheckRequest,
    FeedGap,
    FeedReading,
    GapKind,
    classify,
    gap_message,
    summary,
)
from stopcamb_desk.services.news_draft import (
    MARKUP_RULE,
    NewsDraft,
    NewsProblem,
    NewsRefused,
    check_news,
    news_refusal,
)
from stopcamb_desk.services.news_state import (
    DELIVERY_DEADLINE,
    OBJECT_TYPE,
    Delivery,
    NewsConflict,
    NewsInFlight,
    NewsOutcome,
    NewsRow,
    NewsStatus,
    Pending,
    changed_meanwhile,
    editable_item,
    entry_published_at,
    feed_entry,
    load_item,
    news_row,
    outcome_message,
    settled_item,
)

if TYPE_CHECKING:
    from stopcamb_desk.domain.places import PlaceFinder

# What a draft must already respect: nothing is stored that could not be published as it is.
DRAFT_RULES = frozenset({"longueur", "lien", "ligne", MARKUP_RULE})


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
            return [news_row(item, author) for item, author in rows]

    def get(self, principal: Principal, item_id: int) -> NewsRow:
        require(principal, Permission.PUBLISH_NEWS)
        with self.db.session() as session:
            item = load_item(session, item_id)
            return self._row(session, item)

    def atom(self, principal: Principal) -> tuple[bytes, int]:
        """The Atom 1.0 document of the published items, and how many it holds."""
        rows = self.list_items(principal)
        return atom_feed(rows, self.clock()), len(published_rows(rows))

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
        """Create or update a draft (lengths, links and markup checked; rules at publication)."""
        require(principal, Permission.PUBLISH_NEWS)
        draft = draft.normalised()
        problems = [p for p in check_news(draft, self.places) if p.rule in DRAFT_RULES]
        if not (draft.title or draft.body):
            problems.append(NewsProblem("titre", Severity.BLOQUANT, "Le brouillon est vide."))
        refused = news_refusal(problems, "Enregistrement")
        if refused is not None:
            raise refused
        with self._writing(item_id) as session:
            if item_id is None:
                item = self._new_item(session, principal, draft)
                action = "actualite_brouillon_cree"
            else:
                item = editable_item(session, item_id, expected_version, self.clock())
                # Published, or an update not yet through (the phones show the version
                # published before): a draft would list as « Brouillon » what they show.
                if item.published_at is not None:
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
            return self._row(session, item)

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
        refused = news_refusal(check_news(draft, self.places), "Publication")
        if refused is not None:
            raise refused
        now = self.clock()
        with self._writing(item_id) as session:
            if item_id is None:
                item = self._new_item(session, principal, draft)
            else:
                item = editable_item(session, item_id, expected_version, now)
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
        with self._writing(item_id) as session:
            item = settled_item(session, item_id, expected_version, now)
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
        """One call to the feed, outside any transaction; failures come back as values.

        A request that waited more than :data:`DELIVERY_DEADLINE` to be sent (a desk closed,
        then reopened) is not sent: another desk may have acted on the item since."""
        try:
            feed = self.feed
        except NewsFeedError as exc:
            return Delivery(False, "?", False, exc)
        waited = self.clock() - pending.at
        if waited > DELIVERY_DEADLINE:
            return Delivery(
                False,
                feed.name,
                feed.simulated,
                NewsFeedError(
                    f"La demande n'a pas été envoyée : elle attendait depuis "
                    f"{int(waited.total_seconds() // 60)} min {int(waited.total_seconds() % 60)} s "
                    "(poste fermé ou réseau bloqué), et un autre poste a pu modifier l'article "
                    "entre-temps. Actualisez la liste et vérifiez l'article ; rien n'a été "
                    "envoyé au flux."
                ),
            )
        try:
            if pending.action == "publier":
                feed.put(pending.remote_key, pending.entry)
            else:
                feed.remove(pending.remote_key)
        except NewsFeedError as exc:
            return Delivery(False, feed.name, feed.simulated, exc)
        return Delivery(True, feed.name, feed.simulated)

    # -- step 3: record the outcome -------------------------------------------------------
    def record(self, principal: Principal, pending: Pending, delivery: Delivery) -> NewsOutcome:
        """Step 3: the feed's answer in the record. If the database fails here, the French
        error says what the phones now show (the call went through or not)."""
        try:
            return self._record(principal, pending, delivery)
        except SQLAlchemyError as exc:
            raise DatabaseError(
                _unrecorded(pending, delivery) + " " + explain_failure(exc, self.db.url)
            ) from exc

    def _record(self, principal: Principal, pending: Pending, delivery: Delivery) -> NewsOutcome:
        publish = pending.action == "publier"
        expected = NewsStatus.A_PUBLIER if publish else NewsStatus.A_RETIRER
        now = self.clock()
        with self.db.session() as session:
            item = load_item(session, pending.item_id)
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
            row = self._row(session, item)
        message = outcome_message(row, pending, delivery)
        if not current:
            message = (
                f"Article n° {row.id} modifié entre-temps sur un autre poste (il est maintenant "
                f"« {row.status_label} ») : ce résultat n'est pas retenu. {delivery.message}"
            ).strip()
        return NewsOutcome(row, delivery.ok and current, message, delivery.simulated)

    # -- the three steps chained (CLI, scripts) ------------------------------------------
    def publish(
        self,
        principal: Principal,
        draft: NewsDraft,
        item_id: int | None = None,
        expected_version: int | None = None,
    ) -> NewsOutcome:
        pending = self.request_publication(principal, draft, item_id, expected_version)
        return self._complete(principal, pending)

    def withdraw(
        self, principal: Principal, item_id: int, expected_version: int | None = None
    ) -> NewsOutcome:
        pending = self.request_withdrawal(principal, item_id, expected_version)
        if pending is None:
            row = self.get(principal, item_id)
            return NewsOutcome(row, True, "Brouillon abandonné (il n'avait jamais été publié).")
        return self._complete(principal, pending)

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

    def retry(self, principal: Principal, item_id: int) -> NewsOutcome:
        pending = self.request_retry(principal, item_id)
        return self._complete(principal, pending)

    # -- reading the feed back (news_check) ---------------------------------------------------
    def request_feed_check(self, principal: Principal) -> FeedCheckRequest:
        """Check step 1 (database worker): every item's version, read before the feed."""
        require(principal, Permission.PUBLISH_NEWS)
        with self.db.session() as session:
            versions = {
                int(i): int(v) for i, v in session.execute(select(NewsItem.id, NewsItem.version))
            }
        return FeedCheckRequest(versions, self.clock())

    def read_feed(self) -> FeedReading:
        """Check step 2 (network pool): one read of the whole feed; failures come back as
        values."""
        try:
            feed = self.feed
        except NewsFeedError as exc:
            return FeedReading("?", None, exc)
        try:
            return FeedReading(feed.name, feed.entries())
        except NewsFeedError as exc:
            return FeedReading(feed.name, None, exc)

    def record_feed_check(
        self, principal: Principal, request: FeedCheckRequest, reading: FeedReading
    ) -> FeedCheck:
        """Check step 3 (database worker): each settled item of this feed, unchanged since
        step 1, against what the feed holds; the record takes what the phones show."""
        require(principal, Permission.PUBLISH_NEWS)
        if reading.entries is None:
            why = reading.error.message if reading.error else ""
            return FeedCheck(
                False, f"Le flux de l'application n'a pas pu être relu : {why}".strip()
            )
        entries = dict(reading.entries)
        now = self.clock()
        gaps: list[FeedGap] = []
        skipped: list[int] = []
        try:
            with self.db.session() as session:
                items = session.scalars(select(NewsItem).order_by(NewsItem.id)).all()
                for item in items:
                    entry = entries.get(item.remote_key or "")
                    if item.gateway not in (None, reading.feed_name):
                        continue  # published on another feed (simulation)
                    seen = request.versions.get(item.id)
                    if seen is None:
                        continue  # created during the check
                    try:
                        settled_item(session, item.id, seen, now)
                    except (NewsInFlight, NewsConflict):  # a call on its way; changed since
                        skipped.append(item.id)
                        continue
                    status = NewsStatus(item.status)
                    kind = classify(
                        status,
                        item.last_error is not None,
                        item.published_at is not None,
                        entry,
                        (item.title, item.body, item.url or ""),
                    )
                    if kind is None:
                        continue
                    message = gap_message(kind, item.id, item.title, item.remote_key or "", entry)
                    _settle_gap(item, kind, message, entry, reading.feed_name, now)
                    session.flush()
                    audit.record(
                        session,
                        principal.login,
                        "actualite_ecart_flux" if kind.disagreement else "actualite_constatee",
                        OBJECT_TYPE,
                        item.id,
                        {
                            "ecart": str(kind),
                            "statut_avant": str(status),
                            "statut": item.status,
                            "vu_dans_le_flux": entry,
                            "passerelle": reading.feed_name,
                        },
                        at=now,
                    )
                    gaps.append(FeedGap(kind, item.id, item.title, item.remote_key or "", message))
                known = {item.remote_key for item in items}
                for key, entry in sorted(entries.items()):
                    if key not in known:
                        message = gap_message(GapKind.UNKNOWN, None, "", key, entry)
                        gaps.append(FeedGap(GapKind.UNKNOWN, None, "", key, message))
        except StaleDataError:
            return FeedCheck(
                False,
                "Un article a été modifié sur un autre poste pendant la vérification : rien "
                "n'a été enregistré, relancez « Vérifier le flux ».",
            )
        found = tuple(gaps)
        return FeedCheck(
            not any(g.kind.disagreement for g in found),
            summary(found, len(entries), tuple(skipped)),
            found,
            len(entries),
            tuple(skipped),
        )

    def check_feed(self, principal: Principal) -> FeedCheck:
        """The three check steps chained (CLI, scripts)."""
        request = self.request_feed_check(principal)
        return self.record_feed_check(principal, request, self.read_feed())

    # -- helpers ------------------------------------------------------------------------------
    @contextmanager
    def _writing(self, item_id: int | None) -> Iterator[Session]:
        """The transaction of an operator's change: when another desk's change committed after
        this one read the item, the write matches no row (version column) — rolled back, and
        said in French."""
        try:
            with self.db.session() as session:
                yield session
        except StaleDataError:
            if item_id is None:
                raise
            raise changed_meanwhile(item_id) from None

    def _complete(self, principal: Principal, pending: Pending) -> NewsOutcome:
        """Steps 2 and 3 for a committed request."""
        return self.record(principal, pending, self.deliver(pending))

    @staticmethod
    def _row(session: Session, item: NewsItem) -> NewsRow:
        return news_row(item, session.get(Operator, item.author_id))

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


def open_news_service(services: Any, *, places: PlaceFinder | None = None) -> NewsService:
    """The desk's news service: the feed chosen from the settings, built on first use."""
    return NewsService(services.db, lambda: news_feed_for(services.settings), places=places)


def _settle_gap(
    item: NewsItem, kind: GapKind, message: str, entry: Any, feed_name: str, now: datetime
) -> None:
    """The record takes what the phones show (``kind``, found by a check of the feed)."""
    if kind is GapKind.WITHDRAWAL_DONE:
        item.status = NewsStatus.RETIREE
        item.withdrawn_at, item.last_error, item.gateway = now, None, feed_name
        return
    if kind is GapKind.PUBLICATION_DONE:
        item.status = NewsStatus.PUBLIEE
        item.published_at = entry_published_at(entry) or now
        item.withdrawn_at, item.last_error, item.gateway = None, None, feed_name
        return
    # A disagreement: « Réessayer » repairs the feed (withdraws, or publishes the record's text).
    if kind is GapKind.REAPPEARED:
        item.status = NewsStatus.A_RETIRER
        item.withdrawn_at = None
    else:
        item.status = NewsStatus.A_PUBLIER
        if kind is GapKind.MISSING:
            item.published_at = None
    item.last_error = message
    item.last_attempt_at = now


def _unrecorded(pending: Pending, delivery: Delivery) -> str:
    """What a desk whose database failed after the call to the feed must tell the operator:
    the list on screen (« À publier », « À retirer ») no longer says what the phones show."""
    n = pending.item_id
    if not delivery.ok:
        return (
            f"L'article n° {n} n'a pas changé dans l'application : {delivery.message.strip()} "
            "La base de données n'a pas pu enregistrer cet échec non plus."
        )
    if pending.action == "publier":
        done, status = "est publié dans l'application", "À publier"
    else:
        done, status = "est retiré de l'application", "À retirer"
    return (
        f"L'article n° {n} {done}, mais la base de données n'a pas pu l'enregistrer : ce poste "
        f"l'affiche encore « {status} ». Quand la base répond, cliquez sur « Réessayer » (même "
        "envoi, sans doublon) pour que la liste dise ce que voient les téléphones."
    )
