"""« National »: the app's news feed (list, editor, preview) and national prevention. OPP only.

The widgets of :class:`~stopcamb_desk.services.national_model.NationalModel`, which holds the
state (the article in the editor, unsaved changes, what may be done) and runs the three
publication steps; the panels are built in :mod:`.panels`. This module binds them: it hands
the editor's draft to the model, asks before dropping unsaved changes, confirms a
publication, and shows what the model tells it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from PySide6.QtCore import Qt, QTimer, Slot
from PySide6.QtGui import QHideEvent, QKeySequence, QShortcut, QShowEvent
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from stopcamb_desk.domain.rules.model import MessageKind
from stopcamb_desk.geo.places import ReferencePlaceFinder, default_index
from stopcamb_desk.services.national_model import NationalModel
from stopcamb_desk.services.news_check import FeedCheck
from stopcamb_desk.services.news_draft import NewsDraft
from stopcamb_desk.services.news_service import open_news_service
from stopcamb_desk.services.news_state import NewsRow
from stopcamb_desk.ui.errors import expected_message
from stopcamb_desk.ui.national.dialogs import ConfirmNewsDialog
from stopcamb_desk.ui.national.editor import _refresh
from stopcamb_desk.ui.national.panels import EditorPanel, NewsListPanel, PreviewPanel
from stopcamb_desk.ui.national.style import STYLE, mode_colour

if TYPE_CHECKING:
    from stopcamb_desk.services.container import Services
    from stopcamb_desk.ui.context import ShellContext
    from stopcamb_desk.ui.tasks import TaskRunner

T = TypeVar("T")
MODE_TEXTS = {
    "simulation": "SIMULATION — le flux n'atteint aucun téléphone",
    "emulateur": "ÉMULATEUR — essai, aucun téléphone",
    "firebase": "RÉEL — publication dans l'application",
}
# While the view is shown, the app's feed is read back this often (a late write is found).
CHECK_INTERVAL_MS = 5 * 60 * 1000


class _OwnedJobs:
    """The desk's task runner with this view as the owner of every callback (dropped once the
    view is gone): the model's :class:`~stopcamb_desk.services.national_model.Jobs`."""

    def __init__(self, tasks: TaskRunner, owner: QWidget) -> None:
        self._tasks, self._owner = tasks, owner

    def run_db(
        self,
        fn: Callable[[], T],
        on_success: Callable[[T], None] | None = None,
        on_failure: Callable[[BaseException], None] | None = None,
    ) -> object:
        return self._tasks.run_db(fn, on_success, on_failure, owner=self._owner)

    def run_net(
        self,
        fn: Callable[[], T],
        on_success: Callable[[T], None] | None = None,
        on_failure: Callable[[BaseException], None] | None = None,
    ) -> object:
        return self._tasks.run_net(fn, on_success, on_failure, owner=self._owner)


class NationalView(QWidget):
    """``NationalView(ctx)`` for the shell; the model's :class:`NationalObserver`."""

    def __init__(self, ctx: ShellContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("nationalView")
        self.setStyleSheet(STYLE)
        self.ctx = ctx
        self.principal = ctx.principal
        self.tasks = ctx.tasks
        self.service = open_news_service(ctx.services)
        self.news = NationalModel(
            self.service, self.principal, _OwnedJobs(ctx.tasks, self), self, expected_message
        )
        self.confirmation: ConfirmNewsDialog | None = None
        self.discard_box: QMessageBox | None = None
        self._build()
        self._update()
        self.refresh()
        self.tasks.run_db(_place_finder, self._set_places, lambda _exc: None, owner=self)

    # -- construction ------------------------------------------------------------------------
    def _build(self) -> None:
        title = QLabel("Flux d'actualité national")
        title.setObjectName("viewTitle")
        feed_name = "simulation" if self.service.simulated else self.service.feed.name
        self.mode = QLabel(MODE_TEXTS.get(feed_name, MODE_TEXTS["firebase"]))
        self.mode.setObjectName("feedMode")
        self.mode.setToolTip(self.service.feed_description)
        self.mode.setStyleSheet(f"background: {mode_colour(feed_name)};")
        header = QHBoxLayout()
        header.addWidget(title)
        header.addSpacing(12)
        header.addWidget(self.mode)
        header.addStretch(1)

        self.list_panel = NewsListPanel()
        self.model = self.list_panel.model
        self.table = self.list_panel.table
        self.empty = self.list_panel.empty
        self.new_button = self.list_panel.new_button
        self.withdraw_button = self.list_panel.withdraw_button
        self.retry_button = self.list_panel.retry_button
        self.check_button = self.list_panel.check_button
        self.gaps = self.list_panel.gaps
        self.table.selectionModel().currentRowChanged.connect(self._on_row_changed)
        self.new_button.clicked.connect(self.new_item)
        self.withdraw_button.clicked.connect(self.open_withdrawal)
        self.retry_button.clicked.connect(self.retry)
        self.check_button.clicked.connect(self.check_feed)
        self.check_timer = QTimer(self)
        self.check_timer.setInterval(CHECK_INTERVAL_MS)
        self.check_timer.timeout.connect(lambda: self.news.check_feed(asked=False))

        self.editor_panel = EditorPanel()
        self.editing = self.editor_panel.editing
        self.editor = self.editor_panel.editor
        self.save_button = self.editor_panel.save_button
        self.publish_button = self.editor_panel.publish_button
        self.status = self.editor_panel.status
        self.editor.connect_changed(self._update)
        self.save_button.clicked.connect(self.save_draft)
        self.publish_button.clicked.connect(self.open_publication)

        self.preview_panel = PreviewPanel()
        self.card = self.preview_panel.card
        self.prevention_button = self.preview_panel.prevention_button
        self.prevention_button.clicked.connect(self.compose_prevention)

        # The articles above the editor, as wide as it: status, whole title and date side by
        # side at 1280 pixels; the phone's preview beside them.
        articles = QSplitter(Qt.Orientation.Vertical)
        articles.setObjectName("articlesSplit")
        articles.addWidget(self.list_panel)
        articles.addWidget(self.editor_panel)
        articles.setStretchFactor(1, 1)
        articles.setSizes([200, 500])
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(articles)
        split.addWidget(self.preview_panel)
        split.setStretchFactor(0, 1)
        split.setSizes([760, 300])
        layout = QVBoxLayout(self)
        layout.addLayout(header)
        layout.addWidget(split, 1)

        self.setTabOrder(self.editor.url, self.save_button)
        self.setTabOrder(self.save_button, self.publish_button)
        self.setTabOrder(self.publish_button, self.table)
        for keys, slot in (
            ("Ctrl+N", self.new_item),
            ("Ctrl+S", self.save_draft),
            ("Ctrl+Return", self.open_publication),
            ("Ctrl+Enter", self.open_publication),
            ("F5", self.refresh),
        ):
            shortcut = QShortcut(QKeySequence(keys), self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(slot)

    def activated(self) -> None:
        self.refresh()
        self.news.check_feed(asked=False)
        self.editor.title.setFocus()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.check_timer.start()

    def hideEvent(self, event: QHideEvent) -> None:
        super().hideEvent(event)
        self.check_timer.stop()

    # -- state -------------------------------------------------------------------------------
    @property
    def current(self) -> NewsRow | None:
        """The item in the editor (None: a new one)."""
        return self.news.current

    @property
    def dirty(self) -> bool:
        return self.news.dirty(self.editor.draft())

    def selected_row(self) -> NewsRow | None:
        return self.list_panel.selected_row()

    def _selected_id(self) -> int | None:
        row = self.selected_row()
        return row.id if row is not None else None

    @Slot()
    def _update(self) -> None:
        draft, news = self.editor.draft(), self.news
        self.editor.show_problems(news.check(draft))
        published = news.current.published_at if news.current is not None else None
        self.card.set_item(draft.title, draft.body, draft.url, published)
        self.editing.setText(news.editing_label(draft))
        self.publish_button.setText("&Mettre à jour…" if news.updates_published else "Pu&blier…")
        self.publish_button.setEnabled(news.can_publish)
        self.save_button.setEnabled(not news.busy)
        selected = self.selected_row()
        self.withdraw_button.setEnabled(news.can_withdraw(selected))
        self.retry_button.setEnabled(news.can_retry(selected))
        self.check_button.setEnabled(not news.checking)

    def _set_places(self, places: Any) -> None:
        self.service.places = places
        self._update()

    def show_status(self, text: str, ok: bool = True) -> None:
        self.status.setText(text)
        _refresh(self.status, "ok", ok)

    # -- list --------------------------------------------------------------------------------
    @Slot()
    def refresh(self, select_id: int | None = None) -> None:
        self.news.refresh(select_id if select_id is not None else self._selected_id())

    # -- what the model tells (NationalObserver) ----------------------------------------------
    def status_changed(self, text: str, ok: bool) -> None:
        self.show_status(text, ok)

    def item_loaded(self, row: NewsRow | None) -> None:
        self.editor.set_draft(self.news.baseline)
        self._update()

    def state_changed(self) -> None:
        self._update()

    def unexpected(self, exc: BaseException) -> None:
        self.ctx.errors.report(exc)

    def feed_checked(self, check: FeedCheck, asked: bool) -> None:
        """The banner above the list says what the app shows unlike the record, until a check
        finds them agreeing (a failed read leaves the last finding shown)."""
        if check.disagreements:
            self.gaps.setText(
                "⚠ Le flux de l'application ne correspond pas au registre : "
                + " ".join(g.message for g in check.disagreements)
            )
            self.gaps.setVisible(True)
        elif check.ok:
            self.gaps.setVisible(False)

    def rows_changed(self, rows: list[NewsRow], select_id: int | None) -> None:
        selection = self.table.selectionModel()
        selection.blockSignals(True)
        self.model.set_rows(rows)
        row = self.model.row_for(select_id) if select_id is not None else -1
        if row >= 0:
            self.list_panel.select(row)
        selection.blockSignals(False)
        self.empty.setVisible(not rows)
        if self.current is not None and row >= 0 and not self.dirty:
            self._load(self.model.rows[row])
        self._update()

    @Slot()
    def _on_row_changed(self) -> None:
        row = self.selected_row()
        if row is None or (self.current is not None and row.id == self.current.id):
            self._update()
            return
        self._after_discard(lambda: self._load(row), self._reselect_current)

    def _reselect_current(self) -> None:
        row = self.model.row_for(self.current.id) if self.current is not None else -1
        self.list_panel.select(row)
        self._update()

    def _load(self, row: NewsRow | None) -> None:
        self.editor.set_draft(self.news.load(row))
        self._update()

    def _after_discard(self, then: Callable[[], None], otherwise: Callable[[], None]) -> None:
        """Run ``then`` now, or after the operator agrees to drop unsaved changes."""
        if not self.dirty:
            then()
            return
        box = QMessageBox(self)
        box.setObjectName("discardBox")
        box.setIcon(QMessageBox.Icon.Question)
        box.setWindowTitle("Modifications non enregistrées")
        box.setText(
            "Le texte en cours de rédaction n'est pas enregistré. L'abandonner ?\n"
            "(« Enregistrer le brouillon » le garde sans le publier.)"
        )
        drop = box.addButton("&Abandonner le texte", QMessageBox.ButtonRole.DestructiveRole)
        keep = box.addButton("&Continuer la rédaction", QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(keep)

        def finished(_result: int) -> None:
            self.discard_box = None
            if box.clickedButton() is drop:
                then()
            else:
                otherwise()
            box.deleteLater()

        box.finished.connect(finished)
        self.discard_box = box
        box.open()

    @Slot()
    def new_item(self) -> None:
        def clear() -> None:
            self._reselect_none()
            self._load(None)
            self.editor.title.setFocus()

        self._after_discard(clear, lambda: None)

    def _reselect_none(self) -> None:
        self.list_panel.select(-1)

    # -- commands -------------------------------------------------------------------------------
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
        self.news.save_draft(self.editor.draft())

    @Slot()
    def open_publication(self) -> None:
        self._update()
        if not self.news.can_publish:
            return
        draft = self.editor.draft().normalised()
        dialog = self._confirm("mettre_a_jour" if self.news.updates_published else "publier", draft)
        dialog.accepted.connect(lambda: self.news.publish(draft))

    @Slot()
    def open_withdrawal(self) -> None:
        row = self.selected_row()
        if row is None or not self.news.can_withdraw(row):
            return
        dialog = self._confirm("retirer", row.draft())
        dialog.accepted.connect(lambda: self.news.withdraw(row))

    @Slot()
    def check_feed(self) -> None:
        self.news.check_feed(asked=True)

    @Slot()
    def retry(self) -> None:
        row = self.selected_row()
        if row is not None:
            self.news.retry(row)

    def _confirm(self, action: str, draft: NewsDraft) -> ConfirmNewsDialog:
        name = "simulation" if self.service.simulated else self.service.feed.name
        dialog = ConfirmNewsDialog(action, draft, name, self.service.feed_description, self)
        dialog.finished.connect(lambda _r: self._forget(dialog))
        self.confirmation = dialog
        dialog.open()
        return dialog

    def _forget(self, dialog: ConfirmNewsDialog) -> None:
        if self.confirmation is dialog:
            self.confirmation = None
        dialog.deleteLater()


def _place_finder() -> Any:
    return ReferencePlaceFinder()


def prepare(services: Services) -> None:
    """Warm the commune index (identity rule) on a worker thread, as the composer does."""
    default_index()
