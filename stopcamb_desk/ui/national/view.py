"""« National »: the app's news feed (list, editor, preview) and national prevention. OPP only.

Publishing runs in three steps, as the service requires: the request is committed on the
database worker, the one call to the feed runs on the network pool, the outcome is recorded on
the database worker; the GUI thread only shows where things stand.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QItemSelectionModel, Qt, Slot
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from stopcamb_desk.domain.rules.model import MessageKind
from stopcamb_desk.services.news import (
    Delivery,
    NewsDraft,
    NewsRow,
    NewsService,
    NewsStatus,
    Outcome,
    Pending,
    open_news_service,
)
from stopcamb_desk.ui.errors import expected_message
from stopcamb_desk.ui.national.card import FeedCard
from stopcamb_desk.ui.national.dialogs import ConfirmNewsDialog
from stopcamb_desk.ui.national.editor import NewsEditor, _refresh
from stopcamb_desk.ui.national.model import ROW_ROLE, NewsTableModel
from stopcamb_desk.ui.national.style import STYLE, mode_colour

if TYPE_CHECKING:
    from stopcamb_desk.ui.context import ShellContext

EMPTY = NewsDraft("", "", "")
MODE_TEXTS = {
    "simulation": "SIMULATION — le flux n'atteint aucun téléphone",
    "emulateur": "ÉMULATEUR — essai, aucun téléphone",
    "firebase": "RÉEL — publication dans l'application",
}


class NationalView(QWidget):
    """``NationalView(ctx)`` for the shell; ``service`` may be injected (tests)."""

    def __init__(
        self,
        ctx: ShellContext,
        parent: QWidget | None = None,
        *,
        service: NewsService | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("nationalView")
        self.setStyleSheet(STYLE)
        self.ctx = ctx
        self.principal = ctx.principal
        self.tasks = ctx.tasks
        self.service = service if service is not None else open_news_service(ctx.services)
        self.current: NewsRow | None = None  # the item in the editor (None: a new one)
        self._baseline = EMPTY  # editor content when loaded, to detect unsaved changes
        self._blocked = True
        self._busy = False
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

        self.model = NewsTableModel(self)
        self.table = QTableView()
        self.table.setObjectName("newsTable")
        self.table.setAccessibleName("Articles du flux d'actualité")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().setVisible(False)
        self.table.setWordWrap(False)
        self.table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.table.selectionModel().currentRowChanged.connect(self._on_row_changed)
        self.empty = QLabel("Aucun article pour l'instant : rédigez le premier à droite.")
        self.empty.setWordWrap(True)
        self.new_button = QPushButton("&Nouvel article")
        self.new_button.setToolTip("Vider l'éditeur pour un nouvel article (Ctrl+N)")
        self.new_button.clicked.connect(self.new_item)
        self.withdraw_button = QPushButton("&Retirer…")
        self.withdraw_button.setToolTip("Retirer l'article sélectionné du flux de l'application")
        self.withdraw_button.clicked.connect(self.open_withdrawal)
        self.retry_button = QPushButton("Réessa&yer")
        self.retry_button.setToolTip("Refaire la publication ou le retrait qui a échoué")
        self.retry_button.clicked.connect(self.retry)
        buttons = QHBoxLayout()
        for button in (self.new_button, self.withdraw_button, self.retry_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.table, 1)
        left_layout.addWidget(self.empty)
        left_layout.addLayout(buttons)

        self.editing = QLabel()
        self.editing.setObjectName("sectionTitle")
        self.editor = NewsEditor()
        self.editor.connect_changed(self._update)
        self.save_button = QPushButton("&Enregistrer le brouillon")
        self.save_button.setToolTip("Enregistrer sans publier (Ctrl+S)")
        self.save_button.clicked.connect(self.save_draft)
        self.publish_button = QPushButton("Pu&blier…")
        self.publish_button.setObjectName("publishButton")
        self.publish_button.setToolTip("Relire et confirmer la publication (Ctrl+Entrée)")
        self.publish_button.setMinimumHeight(44)
        self.publish_button.clicked.connect(self.open_publication)
        actions = QHBoxLayout()
        actions.addWidget(self.save_button)
        actions.addStretch(1)
        actions.addWidget(self.publish_button)
        self.status = QLabel()
        self.status.setObjectName("newsStatus")
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        middle = QWidget()
        middle_layout = QVBoxLayout(middle)
        middle_layout.setContentsMargins(0, 0, 0, 0)
        middle_layout.addWidget(self.editing)
        middle_layout.addWidget(self.editor, 1)
        middle_layout.addLayout(actions)
        middle_layout.addWidget(self.status)

        preview_title = QLabel("Aperçu dans l'application")
        preview_title.setObjectName("sectionTitle")
        self.card = FeedCard()
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(preview_title)
        right_layout.addWidget(self.card)
        note = QLabel(
            "Carte simplifiée : le flux de l'application affiche titre, date, texte et lien."
        )
        note.setWordWrap(True)
        note.setStyleSheet("color: #5f6368; font-size: 10pt;")
        right_layout.addWidget(note)
        right_layout.addSpacing(16)
        right_layout.addWidget(self._prevention_box())
        right_layout.addStretch(1)

        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(left)
        split.addWidget(middle)
        split.addWidget(right)
        split.setSizes([330, 430, 300])
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

    def _prevention_box(self) -> QWidget:
        box = QFrame()
        box.setObjectName("preventionBox")
        layout = QVBoxLayout(box)
        heading = QLabel("Prévention nationale (push)")
        heading.setObjectName("sectionTitle")
        heading.setWordWrap(True)
        explain = QLabel(
            "Notification de 160 caractères à tous les utilisateurs de l'application, "
            "rédigée et contrôlée dans « Rédiger une alerte »."
        )
        explain.setWordWrap(True)
        self.prevention_button = QPushButton("Rédiger un message de\n&prévention national…")
        self.prevention_button.setObjectName("preventionButton")
        self.prevention_button.setToolTip(
            "Ouvre « Rédiger une alerte » avec le type Prévention (national)"
        )
        self.prevention_button.clicked.connect(self.compose_prevention)
        layout.addWidget(heading)
        layout.addWidget(explain)
        layout.addWidget(self.prevention_button)
        return box

    def activated(self) -> None:
        self.refresh()
        self.editor.title.setFocus()

    # -- state -------------------------------------------------------------------------------
    @property
    def dirty(self) -> bool:
        return self.editor.draft() != self._baseline

    def selected_row(self) -> NewsRow | None:
        index = self.table.currentIndex()
        return index.data(ROW_ROLE) if index.isValid() else None

    @Slot()
    def _update(self) -> None:
        draft = self.editor.draft()
        self._blocked = self.editor.show_problems(self.service.check(draft))
        published = self.current.published_at if self.current is not None else None
        self.card.set_item(draft.title, draft.body, draft.url, published)
        current = self.current
        label = "Nouvel article" if current is None else f"Article n° {current.id}"
        if current is not None:
            label += f" — {current.status_label}"
        self.editing.setText(label + (" (modifié, non enregistré)" if self.dirty else ""))
        self.publish_button.setText(
            "&Mettre à jour…"
            if current is not None and current.status is NewsStatus.PUBLIEE
            else "Pu&blier…"
        )
        self.publish_button.setEnabled(not self._blocked and not self._busy)
        self.save_button.setEnabled(not self._busy)
        selected = self.selected_row()
        self.withdraw_button.setEnabled(
            not self._busy and selected is not None and selected.status is not NewsStatus.RETIREE
        )
        self.retry_button.setEnabled(
            not self._busy
            and selected is not None
            and selected.status in (NewsStatus.A_PUBLIER, NewsStatus.A_RETIRER)
            and selected.last_attempt_at is not None
        )

    def _set_places(self, places: Any) -> None:
        self.service.places = places
        self._update()

    def show_status(self, text: str, ok: bool = True) -> None:
        self.status.setText(text)
        _refresh(self.status, "ok", ok)

    # -- list --------------------------------------------------------------------------------
    @Slot()
    def refresh(self, select_id: int | None = None) -> None:
        keep = select_id if select_id is not None else getattr(self.selected_row(), "id", None)
        self.tasks.run_db(
            lambda: self.service.list_items(self.principal),
            lambda rows: self._show_rows(rows, keep),
            self._failed,
            owner=self,
        )

    def _show_rows(self, rows: list[NewsRow], select_id: int | None) -> None:
        selection = self.table.selectionModel()
        selection.blockSignals(True)
        self.model.set_rows(rows)
        row = self.model.row_for(select_id) if select_id is not None else -1
        if row >= 0:
            flags = (
                QItemSelectionModel.SelectionFlag.ClearAndSelect
                | QItemSelectionModel.SelectionFlag.Rows
            )
            selection.setCurrentIndex(self.model.index(row, 0), flags)
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
        selection = self.table.selectionModel()
        selection.blockSignals(True)
        if row >= 0:
            selection.setCurrentIndex(
                self.model.index(row, 0),
                QItemSelectionModel.SelectionFlag.ClearAndSelect
                | QItemSelectionModel.SelectionFlag.Rows,
            )
        else:
            selection.clearSelection()
            selection.setCurrentIndex(
                self.model.index(-1, 0), QItemSelectionModel.SelectionFlag.Clear
            )
        selection.blockSignals(False)
        self._update()

    def _load(self, row: NewsRow | None) -> None:
        self.current = row
        draft = row.draft() if row is not None else EMPTY
        self._baseline = draft
        self.editor.set_draft(draft)
        if (
            row is not None
            and row.last_error
            and row.status
            in (
                NewsStatus.A_PUBLIER,
                NewsStatus.A_RETIRER,
            )
        ):
            self.show_status(f"{row.status_label} : {row.last_error}", ok=False)
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
        selection = self.table.selectionModel()
        selection.blockSignals(True)
        selection.clearSelection()
        selection.setCurrentIndex(self.model.index(-1, 0), QItemSelectionModel.SelectionFlag.Clear)
        selection.blockSignals(False)

    # -- actions -----------------------------------------------------------------------------
    @Slot()
    def compose_prevention(self) -> None:
        """Open the composer with the national prevention kind (the shell's composer view)."""
        show_view = getattr(self.window(), "show_view", None)
        if not callable(show_view):
            self.show_status(
                "La rédaction des messages de prévention n'est pas disponible dans cette "
                "fenêtre : ouvrez « Rédiger une alerte » depuis le menu Affichage.",
                ok=False,
            )
            return
        composer = show_view("composer")
        set_kind = getattr(composer, "set_kind", None)
        if callable(set_kind):
            set_kind(MessageKind.PREVENTION)

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
        dialog = ConfirmNewsDialog(action, draft, name, self.service.feed_description, self)
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
        self.tasks.run_db(fn, then, self._failed, owner=self)

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
                owner=self,
            )

        self.tasks.run_net(lambda: self.service.deliver(pending), record, self._failed, owner=self)

    def _done(self, outcome: Outcome) -> None:
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


def _place_finder() -> Any:
    from stopcamb_desk.geo.places import ReferencePlaceFinder

    return ReferencePlaceFinder()
