"""The composer's « Remplacement de l'alerte n° N » mode, opened from the history.

The draft starts as the replaced alert (text, département, kind, exercise, procedure); the
target stays locked (a replacement reaches the same phones); sending goes through
:meth:`ReplacementService.replace`, which checks that the alert is still the one on the
phones. If another desk got there first, the banner says who and when, and links to the alert
now on the phones.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QFrame, QLabel, QVBoxLayout, QWidget

from stopcamb_desk.services.replacement import ReplacementService, ReplacementTarget, for_services
from stopcamb_desk.services.replacement_checks import ReplacementConflict

if TYPE_CHECKING:
    from PySide6.QtWidgets import QCheckBox, QComboBox

    from stopcamb_desk.domain.places import PlaceFinder
    from stopcamb_desk.domain.rules.model import Verdict
    from stopcamb_desk.services.composer import Draft
    from stopcamb_desk.services.outbox import Outbox
    from stopcamb_desk.ui.composer.attestation import AttestationFields
    from stopcamb_desk.ui.composer.confirm import ConfirmSendDialog
    from stopcamb_desk.ui.composer.editor import AlertEditor
    from stopcamb_desk.ui.context import ShellContext

BANNER_STYLE = """
QFrame#replacementBanner { background: #fff3e0; border: 2px solid #e65100; border-radius: 4px; }
QFrame#replacementBanner QLabel { border: none; background: transparent; }
QLabel#replacementTitle { font-size: 13pt; font-weight: bold; color: #bf360c; }
QLabel#replacementConflict { color: #b00020; font-weight: bold; }
"""
CANCEL_LINK = "<a href='cancel'>Annuler le remplacement</a>"
LOCKED_TIP = "Un remplacement garde le département, le type et le mode de l'alerte remplacée."


class ReplacementBanner(QFrame):
    """« Remplacement de l'alerte n° N » + what it said + « Annuler le remplacement »."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("replacementBanner")
        self.setStyleSheet(BANNER_STYLE)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 6, 8, 6)
        layout.setSpacing(3)
        self.title = QLabel()
        self.title.setObjectName("replacementTitle")
        self.original = QLabel()
        self.original.setObjectName("replacementOriginal")
        self.original.setWordWrap(True)
        self.original.setTextFormat(Qt.TextFormat.PlainText)
        self.conflict = QLabel()
        self.conflict.setObjectName("replacementConflict")
        self.conflict.setWordWrap(True)
        self.conflict.setTextFormat(Qt.TextFormat.PlainText)
        self.conflict.setVisible(False)
        self.links = QLabel()
        self.links.setObjectName("replacementLinks")
        self.links.setTextFormat(Qt.TextFormat.RichText)
        self.links.setTextInteractionFlags(Qt.TextInteractionFlag.TextBrowserInteraction)
        for widget in (self.title, self.original, self.conflict, self.links):
            layout.addWidget(widget)
        self.setVisible(False)

    def show_target(self, target: ReplacementTarget) -> None:
        self.title.setText(f"Remplacement de l'alerte n° {target.alert_id}")
        self.original.setText(
            f"Elle disait : « {target.draft.text} » ({target.target_label}). Le texte envoyé "
            "prendra sa place sur les téléphones."
        )
        self.conflict.setVisible(False)
        self.links.setText(CANCEL_LINK)
        self.setVisible(True)

    def show_conflict(self, conflict: ReplacementConflict) -> None:
        text = conflict.message
        if conflict.head_text:
            text += f"\nSur les téléphones : « {conflict.head_text} »"
        self.conflict.setText(text)
        self.conflict.setVisible(True)
        links = [CANCEL_LINK]
        if conflict.head_id is not None:
            links.insert(
                0, f"<a href='show:{conflict.head_id}'>Voir l'alerte n° {conflict.head_id}</a>"
            )
        self.links.setText(" · ".join(links))


class ReplacingMixin:
    """The replacement half of :class:`ComposerView` (see ``sending.py`` for the send half)."""

    ctx: ShellContext
    editor: AlertEditor
    attestation: AttestationFields
    departement: QComboBox
    kind: QComboBox
    exercise: QCheckBox
    _places: PlaceFinder
    _today: date | None
    replacing: ReplacementTarget | None
    replacement_banner: ReplacementBanner

    if TYPE_CHECKING:  # provided by SendingMixin / ComposerView / QWidget (not shadowed)

        def _show_status(self, text: str, ok: bool = True) -> None: ...
        def _sync_kind_widgets(self) -> None: ...

    def _build_replacement_banner(self) -> ReplacementBanner:
        self.replacing = None
        self._replacement_service: ReplacementService | None = None
        self._unlocked_tips: list[str] = []
        self.replacement_banner = ReplacementBanner()
        self.replacement_banner.links.linkActivated.connect(self._on_replacement_link)
        return self.replacement_banner

    def start_replacement(self, target: ReplacementTarget) -> None:
        """Pre-fill with the alert to replace and lock its target (called by the history)."""
        draft = target.draft
        self.replacing = target
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
        if self.replacing is None:
            return
        number = self.replacing.alert_id
        self._leave_replacement()
        self.editor.clear()
        self.attestation.clear()
        self._show_status(f"Remplacement de l'alerte n° {number} annulé : rien n'est parti.")

    def _leave_replacement(self) -> None:
        self.replacing = None
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

    # -- hooks called by SendingMixin --------------------------------------------------------
    def _decorate_confirmation(self, dialog: ConfirmSendDialog) -> None:
        if self.replacing is not None:
            number = self.replacing.alert_id
            dialog.setWindowTitle(f"Confirmer le remplacement de l'alerte n° {number}")
            dialog.title_label.setText(
                f"{dialog.title_label.text()} — remplace l'alerte n° {number}"
            )

    def _enqueue_job(self, outbox: Outbox, draft: Draft, verdict: Verdict) -> Callable[[], int]:
        """What the database worker runs to hand the confirmed draft over."""
        target = self.replacing
        if target is None:
            principal = self.ctx.principal
            return lambda: outbox.enqueue(principal, draft, verdict)
        service = self._replacement_service
        if service is None:
            service = for_services(self.ctx.services, places=self._places, today=self._today)
            self._replacement_service = service
        assert service is not None  # an outbox exists, so the service does
        principal = self.ctx.principal
        return lambda: service.replace(principal, target.alert_id, target.version, draft)

    def _replacement_sent(self, alert_id: Any) -> str:
        """After a successful hand-over: leave the mode; the status sentence's prefix."""
        target = self.replacing
        if target is None:
            return ""
        self._leave_replacement()
        return f"Remplacement de l'alerte n° {target.alert_id} : "

    def _replacement_failed(self, exc: BaseException) -> bool:
        """A conflict is shown in the banner (True); anything else is the caller's."""
        if self.replacing is None or not isinstance(exc, ReplacementConflict):
            return False
        self.replacement_banner.show_conflict(exc)
        self._show_status(f"Rien n'est parti : {exc.message}", ok=False)
        return True
