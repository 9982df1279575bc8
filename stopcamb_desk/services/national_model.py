"""The national desk's view-model: the news item in the editor, the list, what may be done, and
the three publication steps — without widgets.

``ui/national/view.py`` binds to it (napari's ``components/`` beside ``_qt/``): it hands the
editor's draft over, forwards the operator's commands and shows what the model tells its
:class:`NationalObserver`. Publishing is three steps, as :class:`NewsService` requires: the
request is committed on the database worker, the one call to the feed runs on the network
pool, the outcome is recorded on the database worker. ``tests/test_national_model.py`` drives
it without Qt.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol, TypeVar

from stopcamb_desk.domain.roles import Principal
from stopcamb_desk.services.news_check import FeedCheck, FeedCheckRequest, FeedReading
from stopcamb_desk.services.news_draft import NewsDraft, NewsProblem
from stopcamb_desk.services.news_service import NewsService
from stopcamb_desk.services.news_state import Delivery, NewsOutcome, NewsRow, NewsStatus, Pending

T = TypeVar("T")
EMPTY = NewsDraft("", "", "")
UNEXPECTED = "Erreur inattendue : rien n'a été publié (détails affichés)."
UNEXPECTED_IN_CHECK = (
    "Erreur inattendue pendant la vérification du flux : rien n'a été modifié (détails affichés)."
)


class Jobs(Protocol):
    """Where the model's steps run (the desk's task runner, bound to the view)."""

    def run_db(
        self,
        fn: Callable[[], T],
        on_success: Callable[[T], None] | None = None,
        on_failure: Callable[[BaseException], None] | None = None,
    ) -> object: ...

    def run_net(
        self,
        fn: Callable[[], T],
        on_success: Callable[[T], None] | None = None,
        on_failure: Callable[[BaseException], None] | None = None,
    ) -> object: ...


class NationalObserver(Protocol):
    """What the widgets are told (on the thread the jobs' callbacks run on: the GUI's)."""

    def status_changed(self, text: str, ok: bool) -> None: ...

    def item_loaded(self, row: NewsRow | None) -> None:
        """``row`` (None: a new, empty item) is now the current item: show :attr:`baseline`."""
        ...

    def rows_changed(self, rows: list[NewsRow], select_id: int | None) -> None: ...

    def state_changed(self) -> None:
        """Buttons and labels may have changed (busy, current item)."""
        ...

    def unexpected(self, exc: BaseException) -> None:
        """A bug: the error handler shows it."""
        ...

    def feed_checked(self, check: FeedCheck, asked: bool) -> None:
        """A check of the feed ended (``asked``: by the operator, else automatic)."""
        ...


class NationalModel:
    def __init__(
        self,
        service: NewsService,
        principal: Principal,
        jobs: Jobs,
        observer: NationalObserver,
        message_of: Callable[[BaseException], str | None],
    ) -> None:
        self.service = service
        self.principal = principal
        self.jobs = jobs
        self.observer = observer
        self._message_of = message_of  # the French message of an expected error, else None
        self.current: NewsRow | None = None  # the item in the editor (None: a new one)
        self.baseline = EMPTY  # the editor's content when loaded, to detect unsaved changes
        self.blocked = True  # the draft's problems forbid publishing
        self.busy = False  # a step is running: no second command
        self.checking = False  # a check of the feed is running
        self.last_check: FeedCheck | None = None

    # -- state ---------------------------------------------------------------------------------
    def dirty(self, draft: NewsDraft) -> bool:
        return draft != self.baseline

    def check(self, draft: NewsDraft) -> list[NewsProblem]:
        problems = self.service.check(draft)
        self.blocked = any(p.blocking for p in problems)
        return problems

    def editing_label(self, draft: NewsDraft) -> str:
        current = self.current
        label = "Nouvel article" if current is None else f"Article n° {current.id}"
        if current is not None:
            label += f" — {current.status_label}"
        return label + (" (modifié, non enregistré)" if self.dirty(draft) else "")

    @property
    def updates_published(self) -> bool:
        """« Mettre à jour… » rather than « Publier… »."""
        return self.current is not None and self.current.status is NewsStatus.PUBLIEE

    @property
    def can_publish(self) -> bool:
        return not self.blocked and not self.busy

    def can_withdraw(self, row: NewsRow | None) -> bool:
        return not self.busy and row is not None and row.status is not NewsStatus.RETIREE

    def can_retry(self, row: NewsRow | None) -> bool:
        return (
            not self.busy
            and row is not None
            and row.status in (NewsStatus.A_PUBLIER, NewsStatus.A_RETIRER)
            and row.last_attempt_at is not None
        )

    def load(self, row: NewsRow | None) -> NewsDraft:
        """``row`` goes into the editor; the draft to show."""
        self.current = row
        self.baseline = row.draft() if row is not None else EMPTY
        if (
            row is not None
            and row.last_error
            and row.status
            in (
                NewsStatus.A_PUBLIER,
                NewsStatus.A_RETIRER,
            )
        ):
            self.observer.status_changed(f"{row.status_label} : {row.last_error}", False)
        return self.baseline

    def _show(self, row: NewsRow | None) -> None:
        self.load(row)
        self.observer.item_loaded(row)

    # -- commands -------------------------------------------------------------------------------
    def refresh(self, select_id: int | None = None) -> None:
        principal = self.principal
        self.jobs.run_db(
            lambda: self.service.list_items(principal),
            lambda rows: self.observer.rows_changed(rows, select_id),
            self._failed,
        )

    def save_draft(self, draft: NewsDraft) -> None:
        if self.busy:
            return
        current, principal = self.current, self.principal
        self._db_step(
            "Enregistrement du brouillon…",
            lambda: self.service.save_draft(
                principal,
                draft,
                current.id if current else None,
                current.version if current else None,
            ),
            self._saved,
        )

    def _saved(self, row: NewsRow) -> None:
        self.busy = False
        self.current = row
        self.baseline = row.draft()
        self.observer.status_changed(f"✓ Brouillon n° {row.id} enregistré (non publié).", True)
        self.refresh(row.id)

    def publish(self, draft: NewsDraft) -> None:
        """After the confirmation: publish (or update) ``draft`` as the current item."""
        current, principal = self.current, self.principal
        item_id = current.id if current else None
        version = current.version if current else None
        self._db_step(
            "Enregistrement de l'article…",
            lambda: self.service.request_publication(principal, draft, item_id, version),
            self._deliver,
        )

    def withdraw(self, row: NewsRow) -> None:
        def requested(pending: Pending | None) -> None:
            if pending is None:  # a draft never published: simply abandoned
                self.busy = False
                if self.current is not None and self.current.id == row.id:
                    self._show(None)
                self.observer.status_changed(
                    f"✓ Brouillon n° {row.id} abandonné (jamais publié).", True
                )
                self.refresh()
                return
            self._deliver(pending)

        principal = self.principal
        self._db_step(
            "Enregistrement du retrait…",
            lambda: self.service.request_withdrawal(principal, row.id, row.version),
            requested,
        )

    def retry(self, row: NewsRow) -> None:
        if self.busy:
            return
        principal = self.principal
        self._db_step(
            "Nouvel essai…", lambda: self.service.request_retry(principal, row.id), self._deliver
        )

    def check_feed(self, asked: bool = True) -> None:
        """Read the app's feed back and record what it shows (``news_check``): three steps, the
        read on the network pool. Commands stay available meanwhile."""
        if self.checking:
            return
        self.checking = True
        if asked:
            self.observer.status_changed("Vérification du flux de l'application…", True)
        self.observer.state_changed()
        principal, service, jobs = self.principal, self.service, self.jobs

        def failed(exc: BaseException) -> None:
            self.checking = False
            self._report(exc, UNEXPECTED_IN_CHECK)

        def record(request: FeedCheckRequest, reading: FeedReading) -> None:
            jobs.run_db(
                lambda: service.record_feed_check(principal, request, reading),
                lambda check: self._checked(check, asked),
                failed,
            )

        def read(request: FeedCheckRequest) -> None:
            jobs.run_net(service.read_feed, lambda reading: record(request, reading), failed)

        jobs.run_db(lambda: service.request_feed_check(principal), read, failed)

    def _checked(self, check: FeedCheck, asked: bool) -> None:
        self.checking = False
        self.last_check = check
        if asked:  # an automatic check's disagreements go to the banner (feed_checked)
            self.observer.status_changed(("✓ " if check.ok else "✗ ") + check.message, check.ok)
        self.observer.feed_checked(check, asked)
        self.observer.state_changed()
        if any(g.item_id is not None for g in check.gaps):
            # Nothing in the editor: the first item to repair is selected, « Réessayer » ready.
            first = next((g.item_id for g in check.disagreements if g.item_id is not None), None)
            self.refresh(self.current.id if self.current is not None else first)

    # -- the three steps ----------------------------------------------------------------------
    def _db_step(self, message: str, fn: Callable[[], Any], then: Callable[[Any], None]) -> None:
        self.busy = True
        self.observer.status_changed(message, True)
        self.observer.state_changed()
        self.jobs.run_db(fn, then, self._failed)

    def _deliver(self, pending: Pending) -> None:
        """Step 2 on the network pool, then step 3 on the database worker."""
        self.busy = True
        verb = "Publication" if pending.action == "publier" else "Retrait"
        self.observer.status_changed(f"{verb} en cours ({self.service.feed_description})…", True)
        self.observer.state_changed()
        principal = self.principal

        def record(delivery: Delivery) -> None:
            self.jobs.run_db(
                lambda: self.service.record(principal, pending, delivery), self._done, self._failed
            )

        self.jobs.run_net(lambda: self.service.deliver(pending), record, self._failed)

    def _done(self, outcome: NewsOutcome) -> None:
        self.busy = False
        self.observer.status_changed(("✓ " if outcome.ok else "✗ ") + outcome.message, outcome.ok)
        if self.current is None or self.current.id == outcome.row.id:
            self._show(outcome.row)
        self.refresh(outcome.row.id)

    def _failed(self, exc: BaseException) -> None:
        self.busy = False
        self._report(exc, UNEXPECTED)

    def _report(self, exc: BaseException, unexpected: str) -> None:
        message = self._message_of(exc)
        if message is None:
            self.observer.status_changed(unexpected, False)
            self.observer.unexpected(exc)
        else:
            self.observer.status_changed(message, False)
        self.observer.state_changed()
