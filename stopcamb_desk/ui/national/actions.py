"""The actions of the national view: save, publish, withdraw, retry, national prevention.

Publishing runs in three steps, as the service requires: the request is committed on the
database worker, the one call to the feed runs on the network pool, the outcome is recorded on
the database worker; the GUI thread only shows where things stand.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Slot

from stopcamb_desk.domain.rules.model import MessageKind
from stopcamb_desk.services.news_draft import NewsDraft
from stopcamb_desk.services.news_service import NewsService
from stopcamb_desk.services.news_state import Delivery, NewsOutcome, NewsRow, NewsStatus, Pending
from stopcamb_desk.ui.errors import expected_message
from stopcamb_desk.ui.national.dialogs import ConfirmNewsDialog

if TYPE_CHECKING:
    from stopcamb_desk.domain.roles import Principal
    from stopcamb_desk.ui.context import ShellContext
    from stopcamb_desk.ui.national.editor import NewsEditor
    from stopcamb_desk.ui.tasks import TaskRunner


class NewsActionsMixin:
    """The action half of :class:`~.view.NationalView` (kept apart to keep each module small)."""

    ctx: ShellContext
    principal: Principal
    tasks: TaskRunner
    service: NewsService
    current: NewsRow | None
    editor: NewsEditor
    confirmation: ConfirmNewsDialog | None
    _baseline: NewsDraft
    _blocked: bool
    _busy: bool

    def _update(self) -> None: ...
    def _load(self, row: NewsRow | None) -> None: ...
    def refresh(self, select_id: int | None = None) -> None: ...
    def selected_row(self) -> NewsRow | None: ...
    def show_status(self, text: str, ok: bool = True) -> None: ...

    @Slot()
    def compose_prevention(self) -> None:
        """Open the composer with the national prevention kind (the shell's composer view)."""
        navigator = self.ctx.navigator
        if navigator is None:
            self.show_status(
                "La rédaction des messages de prévention n'est pas disponible dans cette "
                "fenêtre : ouvrez « Rédiger une alerte » depuis le menu Affichage.",
                ok=False,
            )
            return
        navigator.compose(MessageKind.PREVENTION)

    @Slot()
    def save_draft(self) -> None:
        if self._busy:
            return
        draft, current = self.editor.draft(), self.current
        self._run_db_step(
            "Enregistrement du brouillon…",
            lambda: self.service.save_draft(
                self.principal,
                draft,
                current.id if current else None,
                current.version if current else None,
            ),
            self._saved,
        )

    def _saved(self, row: NewsRow) -> None:
        self._busy = False
        self.current = row
        self._baseline = row.draft()
        self.show_status(f"✓ Brouillon n° {row.id} enregistré (non publié).")
        self.refresh(row.id)

    @Slot()
    def open_publication(self) -> None:
        self._update()
        if self._blocked or self._busy:
            return
        current = self.current
        update = current is not None and current.status is NewsStatus.PUBLIEE
        draft = self.editor.draft().normalised()
        dialog = self._confirm("mettre_a_jour" if update else "publier", draft)
        item_id = current.id if current else None
        version = current.version if current else None
        dialog.accepted.connect(lambda: self._publish(draft, item_id, version))

    @Slot()
    def open_withdrawal(self) -> None:
        row = self.selected_row()
        if row is None or row.status is NewsStatus.RETIREE or self._busy:
            return
        dialog = self._confirm("retirer", row.draft())
        dialog.accepted.connect(lambda: self._withdraw(row))

    def _confirm(self, action: str, draft: NewsDraft) -> ConfirmNewsDialog:
        name = "simulation" if self.service.simulated else self.service.feed.name
        parent: Any = self
        dialog = ConfirmNewsDialog(action, draft, name, self.service.feed_description, parent)
        dialog.finished.connect(lambda _r: self._forget(dialog))
        self.confirmation = dialog
        dialog.open()
        return dialog

    def _forget(self, dialog: ConfirmNewsDialog) -> None:
        if self.confirmation is dialog:
            self.confirmation = None
        dialog.deleteLater()

    def _publish(self, draft: NewsDraft, item_id: int | None, version: int | None) -> None:
        self._run_db_step(
            "Enregistrement de l'article…",
            lambda: self.service.request_publication(self.principal, draft, item_id, version),
            self._deliver,
        )

    def _withdraw(self, row: NewsRow) -> None:
        def requested(pending: Pending | None) -> None:
            if pending is None:
                self._busy = False
                if self.current is not None and self.current.id == row.id:
                    self._load(None)
                self.show_status(f"✓ Brouillon n° {row.id} abandonné (jamais publié).")
                self.refresh()
                return
            self._deliver(pending)

        self._run_db_step(
            "Enregistrement du retrait…",
            lambda: self.service.request_withdrawal(self.principal, row.id, row.version),
            requested,
        )

    @Slot()
    def retry(self) -> None:
        row = self.selected_row()
        if row is None or self._busy:
            return
        self._run_db_step(
            "Nouvel essai…",
            lambda: self.service.request_retry(self.principal, row.id),
            self._deliver,
        )

    def _run_db_step(
        self, message: str, fn: Callable[[], Any], then: Callable[[Any], None]
    ) -> None:
        self._busy = True
        self.show_status(message)
        self._update()
        self.tasks.run_db(fn, then, self._failed, owner=self)  # type: ignore[arg-type]

    def _deliver(self, pending: Pending) -> None:
        """Step 2 on the network pool, then step 3 on the database worker."""
        self._busy = True
        verb = "Publication" if pending.action == "publier" else "Retrait"
        self.show_status(f"{verb} en cours ({self.service.feed_description})…")
        self._update()

        def record(delivery: Delivery) -> None:
            self.tasks.run_db(
                lambda: self.service.record(self.principal, pending, delivery),
                self._done,
                self._failed,
                owner=self,  # type: ignore[arg-type]  # mixed into a QWidget
            )

        self.tasks.run_net(
            lambda: self.service.deliver(pending),
            record,
            self._failed,
            owner=self,  # type: ignore[arg-type]  # mixed into a QWidget
        )

    def _done(self, outcome: NewsOutcome) -> None:
        self._busy = False
        prefix = "✓ " if outcome.ok else "✗ "
        self.show_status(prefix + outcome.message, ok=outcome.ok)
        if self.current is None or self.current.id == outcome.row.id:
            self._load(outcome.row)
        self.refresh(outcome.row.id)

    def _failed(self, exc: BaseException) -> None:
        self._busy = False
        message = expected_message(exc)
        if message is None:
            self.show_status(
                "Erreur inattendue : rien n'a été publié (détails affichés).", ok=False
            )
            self.ctx.errors.report(exc)
        else:
            self.show_status(message, ok=False)
        self._update()
