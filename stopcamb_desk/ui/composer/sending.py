"""Sending from the composer: confirmation, last check, hand-over to the durable outbox.

Nothing leaves before « Envoyer maintenant » in the confirmation dialog; the service then
re-checks the role and every rule on the exact draft, and the alert is committed to the outbox
on the database worker (the sender thread is woken; it owns the network).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING

from PySide6.QtCore import Slot

from stopcamb_desk.domain.places import PlaceFinder
from stopcamb_desk.domain.roles import PermissionDenied, Principal
from stopcamb_desk.domain.rules.model import Verdict
from stopcamb_desk.services.composer import DepartementChoice, Draft, SendRefused, banner_title, push_is_real, validate_for_send
from stopcamb_desk.ui.composer.confirm import ConfirmSendDialog
from stopcamb_desk.ui.errors import expected_message

if TYPE_CHECKING:
    from PySide6.QtWidgets import QLabel

    from stopcamb_desk.services.outbox import Outbox
    from stopcamb_desk.ui.composer.attestation import AttestationFields
    from stopcamb_desk.ui.composer.confirm import SendBar
    from stopcamb_desk.ui.composer.editor import AlertEditor
    from stopcamb_desk.ui.context import ShellContext


class SendingMixin:
    """The send half of :class:`ComposerView` (kept apart to keep each module small)."""

    ctx: ShellContext
    principal: Principal
    verdict: Verdict | None
    confirmation: ConfirmSendDialog | None
    last_sent_id: int | None
    send_bar: SendBar
    status: QLabel
    editor: AlertEditor
    attestation: AttestationFields
    _places: PlaceFinder
    _today: date | None

    if TYPE_CHECKING:  # provided by ComposerView / ReplacingMixin

        def draft(self) -> Draft: ...
        def current_departement(self) -> DepartementChoice | None: ...
        def _update(self) -> None: ...
        def _decorate_confirmation(self, dialog: ConfirmSendDialog) -> None: ...
        def _enqueue_job(
            self, outbox: Outbox, draft: Draft, verdict: Verdict
        ) -> Callable[[], int]: ...
        def _replacement_sent(self, alert_id: int | None) -> str: ...
        def _replacement_failed(self, exc: BaseException) -> bool: ...

    @Slot()
    def open_confirmation(self) -> None:
        """Ctrl+Entrée / « Envoyer… »: restate everything and ask; nothing leaves before."""
        self._update()
        if self.send_bar.blocked or self.verdict is None:
            self.send_bar.reason.setFocus()
            return
        draft = self.draft()
        attestation = draft.attestation
        dialog = ConfirmSendDialog(
            draft,
            self.verdict.text_to_send,
            banner_title(draft),
            self.current_departement(),
            push_is_real(self.ctx.settings),
            attestation.label if attestation is not None else None,
            self,  # type: ignore[arg-type]
        )
        self._decorate_confirmation(dialog)
        dialog.accepted.connect(lambda: self._send(draft))
        dialog.finished.connect(lambda _r: self._forget_confirmation(dialog))
        self.confirmation = dialog
        dialog.open()

    def _forget_confirmation(self, dialog: ConfirmSendDialog) -> None:
        if self.confirmation is dialog:
            self.confirmation = None
        dialog.deleteLater()

    def _send(self, draft: Draft) -> None:
        """After « Envoyer maintenant »: re-check role and rules, then hand over durably."""
        try:
            verdict = validate_for_send(self.principal, draft, self._places, self._today)
        except (PermissionDenied, SendRefused) as exc:
            self._show_status(exc.message, ok=False)
            return
        outbox = self.ctx.services.outbox
        if outbox is None:
            why = self.ctx.services.push_error
            self._show_status(
                f"Envoi impossible sur ce poste : {why} Rien n'est parti."
                if why
                else "L'envoi n'est pas relié à la file d'envoi sur ce poste : rien n'est "
                "parti. Prévenez l'administrateur.",
                ok=False,
            )
            return
        self.send_bar.button.setEnabled(False)  # no second click while the commit runs
        self._show_status("Enregistrement de l'alerte…")
        self.ctx.tasks.run_db(
            self._enqueue_job(outbox, draft, verdict),
            lambda alert_id: self._sent(draft, verdict, alert_id),
            self._send_failed,
            owner=self,  # type: ignore[arg-type]  # mixed into a QWidget
        )

    def _sent(self, draft: Draft, verdict: Verdict, alert_id: int) -> None:
        where = self.current_departement()
        target = where.label if where is not None else "national"
        number = f" n° {alert_id}"
        prefix = self._replacement_sent(alert_id)
        self._show_status(
            f"✓ {prefix}Alerte{number} enregistrée et confiée à l'envoi ({target}) : "
            f"« {verdict.text_to_send} ». Suivez sa remise dans l'Historique."
        )
        self.last_sent_id = alert_id
        self.editor.clear()
        self.attestation.clear()
        self.editor.setFocus()

    def _send_failed(self, exc: BaseException) -> None:
        self._update()
        if self._replacement_failed(exc):
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
