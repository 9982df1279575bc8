"""The composer screen: write, check, preview, confirm, send — the widgets of
:class:`~stopcamb_desk.services.composer_model.ComposerModel`.

Every keystroke re-runs the rule checker (pure Python, a few hundred microseconds) and the
banner layout, so the underlines, the gauge, the checklist, the previews and the send button
always describe the text on screen. Nothing leaves before « Envoyer maintenant » in the
confirmation dialog; the model then re-checks the role and every rule on the exact draft and
the alert is committed to the outbox on the database worker (the change bus wakes the sender).
The « Remplacement de l'alerte n° N » mode (opened from the history) pre-fills the replaced
alert and locks its target.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from PySide6.QtCore import QDate, QSize, Qt, Slot
from PySide6.QtGui import QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from stopcamb_desk.domain.errors import DeskError
from stopcamb_desk.domain.places import PlaceFinder
from stopcamb_desk.domain.rules.catalog import RULES
from stopcamb_desk.domain.rules.model import MessageKind
from stopcamb_desk.domain.rules.morphology import warm_up
from stopcamb_desk.geo.places import ReferencePlaceFinder, default_index
from stopcamb_desk.services.composer import DepartementChoice, Draft, banner_title, push_is_real
from stopcamb_desk.services.composer_model import ComposerModel
from stopcamb_desk.services.replacement import ReplacementTarget
from stopcamb_desk.services.schedule import ScheduleService
from stopcamb_desk.services.templates import TemplateRow, TemplateService
from stopcamb_desk.ui.composer.attestation import AttestationFields
from stopcamb_desk.ui.composer.checklist import Checklist, Gauge
from stopcamb_desk.ui.composer.confirm import ConfirmSendDialog, SendBar
from stopcamb_desk.ui.composer.editor import AlertEditor
from stopcamb_desk.ui.composer.fixes import apply_fix
from stopcamb_desk.ui.composer.guided import GuidedDialog
from stopcamb_desk.ui.composer.replacing import LOCKED_TIP, ReplacementBanner
from stopcamb_desk.ui.composer.schedule import ScheduleDialog
from stopcamb_desk.ui.composer.style import STYLE
from stopcamb_desk.ui.composer.targets import (
    NATIONAL_LABEL,
    FittedCombo,
    departement_combo,
    kind_combo,
)
from stopcamb_desk.ui.errors import expected_message
from stopcamb_desk.ui.preview.panel import PreviewPanel

if TYPE_CHECKING:
    from stopcamb_desk.services.container import Services
    from stopcamb_desk.ui.context import ShellContext

TEMPLATE_PROMPT = "— insérer un modèle —"

# The example in the empty text box: what a message of the chosen kind looks like.
PLACEHOLDERS: dict[MessageKind, str] = {
    MessageKind.OPERATIONNEL: (
        "Ex. : MEYTHET, nombreux cambriolages dans les maisons, en fin de journée : "
        "prenez vos précautions et soyez vigilants, faites passer l'info !"
    ),
    MessageKind.PREVENTION: (
        "Ex. : Vous partez en vacances ? Pensez à l'opération tranquillité vacances auprès "
        "de votre brigade."
    ),
}


class ColumnScroll(QScrollArea):
    """The composer's vertical scroll area, asking for the width of its page (the writing
    column, the previews at their smallest, the checklist on two columns), so that nothing
    hides behind its scroll bar. A window narrower than the screens the desk is laid out for
    scrolls sideways instead."""

    def sizeHint(self) -> QSize:
        hint = super().sizeHint()
        column = self.widget()
        if column is None:
            return hint
        extra = self.verticalScrollBar().sizeHint().width() + 2 * self.frameWidth()
        return QSize(column.minimumSizeHint().width() + extra, hint.height())


class ComposerView(QWidget):
    """``ComposerView(ctx)`` for the shell.

    Sending commits to the desk's durable outbox (``ctx.services.outbox``) on the database
    worker; the change bus wakes the sender thread.
    """

    def __init__(
        self,
        ctx: ShellContext,
        parent: QWidget | None = None,
        *,
        places: PlaceFinder | None = None,
        today: date | None = None,
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.principal = ctx.principal
        self.setObjectName("composerView")
        self.setStyleSheet(STYLE)
        self._today = today
        self._places = places if places is not None else _default_places(ctx)
        self.model = ComposerModel(ctx.services, self.principal, places=self._places, today=today)
        self._service = TemplateService(ctx.services.db)
        self._departements = self.model.departements
        self._kinds = self.model.kinds
        self._templates: list[TemplateRow] = []
        self._unlocked_tips: list[str] = []
        self.confirmation: ConfirmSendDialog | None = None
        self._build()
        self._load_templates()
        self._update()

    # -- construction ------------------------------------------------------------------------
    def _build(self) -> None:
        # Two rows in one scroll area: the writing column beside the phone previews, then the
        # checklist across the whole width (its rules on as many columns as it holds). At
        # 1366×768, notification banner shown, the text and its gauge, « Envoyer… », every rule
        # with its verdict and the four previews are all on screen without scrolling.
        root = QVBoxLayout(self)
        root.setContentsMargins(0, 0, 0, 0)
        page = QWidget()
        page.setObjectName("composerPage")
        rows = QVBoxLayout(page)
        rows.setContentsMargins(12, 4, 8, 4)
        rows.setSpacing(4)
        top = QHBoxLayout()
        top.setSpacing(12)
        rows.addLayout(top)
        column = QWidget()
        column.setObjectName("composerColumn")
        left = QVBoxLayout(column)
        left.setContentsMargins(0, 0, 0, 0)
        left.setSpacing(5)
        top.addWidget(column, 1)
        self.page_scroll = ColumnScroll()
        self.page_scroll.setObjectName("composerScroll")
        self.page_scroll.setWidgetResizable(True)
        self.page_scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        self.page_scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        self.page_scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.page_scroll.setWidget(page)
        root.addWidget(self.page_scroll)

        self.exercise_banner = QLabel("EXERCICE — préfixe « EXERCICE », sujets d'exercice")
        self.exercise_banner.setObjectName("exerciseBanner")
        self.exercise_banner.setVisible(False)
        left.addWidget(self.exercise_banner)
        self.replacement_banner = ReplacementBanner()
        self.replacement_banner.links.linkActivated.connect(self._on_replacement_link)
        left.addWidget(self.replacement_banner)

        targets = QGridLayout()
        targets.setHorizontalSpacing(8)
        targets.setVerticalSpacing(4)
        self.departement = departement_combo(self._departements)
        self.kind = kind_combo(self._kinds)
        self.exercise = QCheckBox("E&xercice")
        self.exercise.setObjectName("exercise")
        self.exercise.setToolTip("Message d'entraînement : préfixe « EXERCICE », sujets d'exercice")
        self.templates = FittedCombo(fitted=1)  # the prompt; a chosen model is not kept shown
        self.templates.setObjectName("templates")
        self.templates.setToolTip("Modèles de ce département, ou modèles nationaux de prévention")
        # One target per row: « National (tous départements) » and « Alerte opérationnelle »
        # stay whole in the column left of the previews at 1280 pixels.
        self._add_labelled(targets, 0, 0, "&Département :", self.departement)
        self._add_labelled(targets, 1, 0, "T&ype :", self.kind)
        targets.addWidget(self.exercise, 1, 2)
        targets.setColumnStretch(1, 1)
        left.addLayout(targets)

        text_row = QHBoxLayout()
        text_label = QLabel("&Texte de l'alerte :")
        templates_label = QLabel("&Modèles :")
        templates_label.setBuddy(self.templates)
        text_row.addWidget(text_label)
        text_row.addStretch(1)
        text_row.addWidget(templates_label)
        text_row.addWidget(self.templates, 2)
        left.addLayout(text_row)
        self.editor = AlertEditor()
        self.editor.setPlaceholderText(PLACEHOLDERS[MessageKind.OPERATIONNEL])
        self.editor.setToolTip("Survolez un passage souligné pour voir l'explication")
        self.editor.setFixedHeight(self.editor.height_for_lines(5))
        text_label.setBuddy(self.editor)
        left.addWidget(self.editor)
        self.gauge = Gauge()
        self.guided_button = QPushButton("Rédaction &guidée…")
        self.guided_button.setObjectName("guidedButton")
        self.guided_button.setToolTip("Choisir le fait, la commune, le moment et le conseil")
        self.guided_button.clicked.connect(self.open_guided)
        self.guided: GuidedDialog | None = None
        self.schedule_button = QPushButton("&Programmer…")
        self.schedule_button.setObjectName("scheduleButton")
        self.schedule_button.setToolTip(
            "Envoyer ce message de prévention plus tard, à l'heure choisie (et voir les messages "
            "déjà programmés)"
        )
        self.schedule_button.clicked.connect(self.open_schedule)
        self.schedule_dialog: ScheduleDialog | None = None
        leading = QWidget()
        leading_row = QHBoxLayout(leading)
        leading_row.setContentsMargins(0, 0, 0, 0)
        leading_row.addWidget(self.guided_button)
        leading_row.addWidget(self.schedule_button)
        leading_row.addWidget(self.gauge, 1)
        self.send_bar = SendBar(leading)
        left.addWidget(self.send_bar)
        self.status = QLabel()
        self.status.setObjectName("sendStatus")
        self.status.setWordWrap(True)
        self.status.setVisible(False)
        left.addWidget(self.status)

        self.attestation = AttestationFields(self._today)
        left.addWidget(self.attestation)
        left.addStretch(1)

        self.preview = PreviewPanel(columns=2)
        # Its own size hint would take width from the column: it grows only with what is left.
        policy = self.preview.sizePolicy()
        policy.setHorizontalPolicy(QSizePolicy.Policy.Ignored)
        self.preview.setSizePolicy(policy)
        self.preview.setMinimumWidth(self.preview.minimumSizeHint().width())
        self.preview.setMaximumWidth(self.preview.full_size_width())
        top.addWidget(self.preview, 1, Qt.AlignmentFlag.AlignTop)

        self.checklist = Checklist(RULES, [d.code for d in self._departements])
        rows.addWidget(self.checklist)
        rows.addStretch(1)

        self.setTabOrder(self.departement, self.kind)
        self.setTabOrder(self.kind, self.templates)
        self.setTabOrder(self.templates, self.exercise)
        self.setTabOrder(self.exercise, self.editor)
        self.setTabOrder(self.editor, self.send_bar.button)
        self.setTabOrder(self.send_bar.button, self.attestation.procedure)

        self.editor.textChanged.connect(self._update)
        self.departement.currentIndexChanged.connect(self._on_target_changed)
        self.kind.currentIndexChanged.connect(self._on_target_changed)
        self.exercise.toggled.connect(self._on_exercise_toggled)
        self.templates.activated.connect(self._on_template_chosen)
        self.attestation.changed.connect(self._update)
        self.checklist.place_confirmation_changed.connect(self._update)
        self.checklist.help_requested.connect(self._open_rule_help)
        self.checklist.fix_requested.connect(
            lambda fix: apply_fix(fix, self.editor, self.departement, self.attestation)
        )
        self.send_bar.send_requested.connect(self.open_confirmation)
        for keys in ("Ctrl+Return", "Ctrl+Enter"):
            shortcut = QShortcut(QKeySequence(keys), self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(self.open_confirmation)
        self._sync_kind_widgets()

    @staticmethod
    def _add_labelled(grid: QGridLayout, row: int, column: int, text: str, w: QWidget) -> None:
        label = QLabel(text)
        label.setBuddy(w)
        grid.addWidget(label, row, column)
        grid.addWidget(w, row, column + 1)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Ctrl+Entrée ignored by a child (editor, line edits) when no shortcut caught it."""
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and (
            event.modifiers() & Qt.KeyboardModifier.ControlModifier
        ):
            self.open_confirmation()
            return
        super().keyPressEvent(event)

    # -- the shell's composer interface ----------------------------------------------------
    def set_text(self, text: str) -> None:
        self.editor.setPlainText(text)

    def text(self) -> str:
        return self.editor.toPlainText()

    def set_kind(self, kind: MessageKind) -> None:
        """Write a message of ``kind`` (« Rédiger un message de prévention » of the national
        view); ignored when the operator may not send that kind."""
        index = self.kind.findData(str(kind))
        if index >= 0:
            self.kind.setCurrentIndex(index)
        self.editor.setFocus()

    def help_topic(self) -> str | None:
        """F1: the most serious rule the text does not respect."""
        return self.checklist.first_problem()

    def _open_rule_help(self, rule_id: str) -> None:
        if self.ctx.navigator is not None:
            self.ctx.navigator.show_help(rule_id)

    def activated(self) -> None:
        self._load_templates()  # they may have changed in « Modèles »
        self.editor.setFocus()

    def set_departement(self, code: str) -> None:
        """Target ``code`` (chosen on the map): one of the operator's départements, which the
        map checked with ``services.composer.target_departement``."""
        index = self.departement.findData(code)
        if index < 0:
            raise KeyError(code)
        operational = self.kind.findData(str(MessageKind.OPERATIONNEL))
        self.kind.setCurrentIndex(operational)
        self.departement.setCurrentIndex(index)

    # -- state -------------------------------------------------------------------------------
    def current_kind(self) -> MessageKind:
        data = self.kind.currentData()  # Qt hands enum members back as plain str
        return MessageKind(data) if data else MessageKind.OPERATIONNEL

    def current_departement(self) -> DepartementChoice | None:
        if self.current_kind() is MessageKind.PREVENTION:
            return None
        return self.model.departement(self.departement.currentData())

    @property
    def last_sent_id(self) -> int | None:
        return self.model.last_sent_id

    def draft(self) -> Draft:
        kind = self.current_kind()
        departement = self.current_departement()
        operational = kind is MessageKind.OPERATIONNEL
        return Draft(
            text=self.editor.toPlainText(),
            kind=kind,
            departement=departement.code if departement is not None else None,
            exercise=self.exercise.isChecked(),
            attestation=self.attestation.attestation() if operational else None,
            parquet=self.attestation.parquet(),
            place_confirmed=self.checklist.place_confirmed(),
        )

    @Slot()
    def _update(self) -> None:
        draft = self.draft()
        verdict = self.model.evaluate(draft)
        if self.checklist.place_confirmation_lapsed(verdict, draft.text):
            draft = self.draft()  # confirmed for other communes: not for these
            verdict = self.model.evaluate(draft)
        self.editor.set_findings(verdict.findings)
        self.gauge.set_count(verdict.length, verdict.limit)
        self.checklist.set_verdict(verdict, draft.text, waiting=self.model.waiting_for_text)
        self.send_bar.set_reason(self.model.reason, hint=self.model.waiting_for_text)
        self.preview.set_message(banner_title(draft), verdict.text_to_send, exercise=draft.exercise)

    def _sync_kind_widgets(self) -> None:
        prevention = self.current_kind() is MessageKind.PREVENTION
        if prevention:
            if self.departement.findData(None) < 0:
                self.departement.addItem(NATIONAL_LABEL, None)
            self.departement.setCurrentIndex(self.departement.findData(None))
        else:
            index = self.departement.findData(None)
            if index >= 0:
                self.departement.removeItem(index)
        self.departement.setEnabled(not prevention)
        self.editor.setPlaceholderText(PLACEHOLDERS[self.current_kind()])
        self.attestation.setEnabled(not prevention)
        self.guided_button.setEnabled(not prevention)
        self.guided_button.setVisible(not prevention)
        self.schedule_button.setVisible(prevention)

    @Slot()
    def _on_target_changed(self) -> None:
        self._sync_kind_widgets()
        self._load_templates()
        self._update()

    @Slot(bool)
    def _on_exercise_toggled(self, on: bool) -> None:
        self.exercise_banner.setVisible(on)
        self.editor.setProperty("exercise", on)
        self.editor.style().unpolish(self.editor)
        self.editor.style().polish(self.editor)
        self._update()

    # -- sending -------------------------------------------------------------------------------
    @Slot()
    def open_confirmation(self) -> None:
        """Ctrl+Entrée / « Envoyer… »: restate everything and ask; nothing leaves before."""
        self._update()
        verdict = self.model.verdict
        if self.send_bar.blocked or verdict is None:
            self.send_bar.reason.setFocus()
            return
        draft = self.draft()
        attestation = draft.attestation
        dialog = ConfirmSendDialog(
            draft,
            verdict.text_to_send,
            banner_title(draft),
            self.current_departement(),
            push_is_real(self.ctx.settings),
            attestation.label if attestation is not None else None,
            self,
        )
        target = self.model.replacing
        if target is not None:
            dialog.setWindowTitle(f"Confirmer le remplacement de l'alerte n° {target.alert_id}")
            dialog.title_label.setText(
                f"{dialog.title_label.text()} — remplace l'alerte n° {target.alert_id}"
            )
        dialog.accepted.connect(lambda: self._send(draft))
        dialog.finished.connect(lambda _r: self._forget_confirmation(dialog))
        self.confirmation = dialog
        dialog.open()

    def _forget_confirmation(self, dialog: ConfirmSendDialog) -> None:
        if self.confirmation is dialog:
            self.confirmation = None
        dialog.deleteLater()

    def _send(self, draft: Draft) -> None:
        """After « Envoyer maintenant »: the model checks again, the worker commits."""
        try:
            job = self.model.send_job(draft)
        except DeskError as exc:
            self._show_status(exc.message, ok=False)
            return
        self.send_bar.button.setEnabled(False)  # no second click while the commit runs
        self._show_status("Enregistrement de l'alerte…")
        self.ctx.tasks.run_db(job, self._sent, self._send_failed, owner=self)

    def _sent(self, alert_id: int) -> None:
        where = self.current_departement()
        target = where.label if where is not None else "national"
        verdict = self.model.verdict
        text = verdict.text_to_send if verdict is not None else self.text()
        replacing = self.model.replacing is not None
        self._show_status(self.model.sent(alert_id, text, target))
        if replacing:
            self._unlock_target()
        self.editor.clear()
        self.attestation.clear()
        self.editor.setFocus()

    def _send_failed(self, exc: BaseException) -> None:
        self._update()
        conflict = self.model.conflict(exc)
        if conflict is not None:
            self.replacement_banner.show_conflict(conflict)
            self._show_status(f"Rien n'est parti : {conflict.message}", ok=False)
            return
        message = expected_message(exc)
        if message is not None:
            self._show_status(f"Rien n'est parti : {message}", ok=False)
        else:
            self._show_status("Rien n'est parti : erreur inattendue (détails affichés).", ok=False)
            self.ctx.errors.report(exc)

    def _show_status(self, text: str, ok: bool = True) -> None:
        self.status.setText(text)
        self.status.setProperty("ok", ok)
        self.status.style().unpolish(self.status)
        self.status.style().polish(self.status)
        self.status.setVisible(True)

    # -- replacement mode ----------------------------------------------------------------------
    @property
    def replacing(self) -> ReplacementTarget | None:
        return self.model.replacing

    def start_replacement(self, target: ReplacementTarget) -> None:
        """Pre-fill with the alert to replace and lock its target (called by the history)."""
        draft = self.model.start_replacement(target)
        self.kind.setCurrentIndex(self.kind.findData(str(draft.kind)))
        index = self.departement.findData(draft.departement)
        if index >= 0:
            self.departement.setCurrentIndex(index)
        self.exercise.setChecked(draft.exercise)
        self._fill_attestation(draft)
        self.editor.setPlainText(draft.text)
        if not self._unlocked_tips:
            self._unlocked_tips = [w.toolTip() for w in self._locked_widgets()]
        for widget in self._locked_widgets():
            widget.setEnabled(False)
            widget.setToolTip(LOCKED_TIP)
        self.replacement_banner.show_target(target)
        self._show_status(
            f"Corrigez le texte de l'alerte n° {target.alert_id}, puis « Envoyer… ».", ok=True
        )
        self.editor.setFocus()

    def _fill_attestation(self, draft: Draft) -> None:
        fields = self.attestation
        fields.clear()
        if draft.attestation is not None:
            found = draft.attestation
            fields.procedure.setCurrentIndex(fields.procedure.findData(str(found.procedure)))
            fields.numero.setText(found.numero)
            fields.date.setDate(QDate(found.date.year, found.date.month, found.date.day))
        if draft.parquet is not None:
            fields.parquet_enabled.setChecked(True)
            fields.parquet_ref.setText(draft.parquet.reference)
            day = draft.parquet.date
            fields.parquet_date.setDate(QDate(day.year, day.month, day.day))

    def cancel_replacement(self) -> None:
        """« Annuler le remplacement »: back to a blank composer; nothing was sent."""
        message = self.model.cancel_replacement()
        if message is None:
            return
        self._unlock_target()
        self.editor.clear()
        self.attestation.clear()
        self._show_status(message)

    def _unlock_target(self) -> None:
        self.replacement_banner.setVisible(False)
        for widget, tip in zip(self._locked_widgets(), self._unlocked_tips, strict=False):
            widget.setEnabled(True)
            widget.setToolTip(tip)
        self._unlocked_tips = []
        self._sync_kind_widgets()

    def _locked_widgets(self) -> tuple[QWidget, ...]:
        return (self.kind, self.departement, self.exercise)

    def _on_replacement_link(self, link: str) -> None:
        if link == "cancel":
            self.cancel_replacement()
        elif link.startswith("show:") and self.ctx.navigator is not None:
            self.ctx.navigator.show_alert(int(link.removeprefix("show:")))

    # -- templates ---------------------------------------------------------------------------
    def _load_templates(self) -> None:
        departement = self.current_departement()
        code = departement.code if departement is not None else None
        kind = self.current_kind()
        if kind not in self._kinds or (kind is MessageKind.OPERATIONNEL and code is None):
            self._show_templates([])
            return
        self.ctx.tasks.run_db(
            lambda: self._service.for_composer(self.principal, kind, code),
            self._show_templates,
            self.ctx.errors.report,
            owner=self,
        )

    def _show_templates(self, templates: list[TemplateRow]) -> None:
        kind = self.current_kind()
        self._templates = [t for t in templates if t.kind is kind]  # the kind may have changed
        self.templates.clear()
        self.templates.addItem(TEMPLATE_PROMPT, None)
        for template in self._templates:
            scope = "" if template.departement is None else f" ({template.departement})"
            self.templates.addItem(template.title + scope, template.id)
        self.templates.setEnabled(bool(self._templates))

    @Slot(int)
    def _on_template_chosen(self, index: int) -> None:
        template_id = self.templates.itemData(index)
        template = next((t for t in self._templates if t.id == template_id), None)
        if template is None:
            return
        self.templates.setCurrentIndex(0)
        self._replace_text(template.text)

    def _replace_text(self, text: str) -> None:
        cursor = self.editor.textCursor()
        cursor.select(cursor.SelectionType.Document)
        cursor.insertText(text)  # undoable with Ctrl+Z
        self.editor.setFocus()

    # -- guided composition ----------------------------------------------------------------
    @Slot()
    def open_guided(self) -> None:
        """« Rédaction guidée… »: a form writes a lawful text; once inserted it stays editable."""
        departement = self.current_departement()
        if departement is None:
            return
        dialog = GuidedDialog(departement.code, self._places, self._today, self)
        dialog.accepted.connect(lambda: self._replace_text(dialog.text()))
        dialog.finished.connect(lambda _r: self._forget_guided(dialog))
        self.guided = dialog
        dialog.open()

    # -- planned prevention messages -------------------------------------------------------
    @Slot()
    def open_schedule(self) -> None:
        """« Programmer… »: plan this national prevention message for later."""
        outbox = self.ctx.services.outbox
        if outbox is None:
            why = self.ctx.services.push_error or "la file d'envoi n'est pas disponible"
            self._show_status(f"Programmation impossible sur ce poste : {why}", ok=False)
            return
        dialog = ScheduleDialog(self.ctx, ScheduleService(outbox, self._places), self.draft(), self)
        dialog.finished.connect(lambda _r: self._forget_schedule(dialog))
        self.schedule_dialog = dialog
        dialog.open()

    def _forget_schedule(self, dialog: ScheduleDialog) -> None:
        if self.schedule_dialog is dialog:
            self.schedule_dialog = None
        dialog.deleteLater()

    def _forget_guided(self, dialog: GuidedDialog) -> None:
        if self.guided is dialog:
            self.guided = None
        dialog.deleteLater()


def _default_places(ctx: ShellContext) -> PlaceFinder:
    return ReferencePlaceFinder(prefer_departements=ctx.principal.departements)


def prepare(services: Services) -> None:
    """Warm the commune index and the French lemmatiser on a worker thread so the first
    keystroke is instant."""
    default_index()
    warm_up()
