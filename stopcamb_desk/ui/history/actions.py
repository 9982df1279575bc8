"""« Remplacer… », « Retirer… », « Renvoyer » under the history's detail pane.

The buttons only reflect what :class:`~stopcamb_desk.services.replacement.ReplacementService`
says (head of the chain, role, status); the service checks everything again when acting. All
database work runs on the shell's database worker.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QMessageBox, QPushButton, QWidget

from stopcamb_desk.services.composer import push_is_real
from stopcamb_desk.services.replacement import ActionState, ReplacementTarget, for_services
from stopcamb_desk.services.replacement_checks import ReplacementConflict, target_label
from stopcamb_desk.ui.errors import expected_message

if TYPE_CHECKING:
    from stopcamb_desk.ui.context import ShellContext

NO_SELECTION = "Sélectionnez une alerte dans le tableau."


class AlertActions(QWidget):
    """The three buttons; ``message`` (French) and ``show_alert`` (an id) go to the view."""

    message = Signal(str)
    show_alert = Signal(int)

    def __init__(self, ctx: ShellContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("alertActions")
        self.ctx = ctx
        self.principal = ctx.principal
        self.runner = ctx.tasks
        self.service = for_services(ctx.services)
        why = ctx.services.push_error
        self.no_sender = (
            None
            if self.service is not None
            else f"Envoi impossible sur ce poste : {why}"
            if why
            else "Envoi impossible sur ce poste (pas de file d'envoi) : prévenez l'administrateur."
        )
        self.state: ActionState | None = None
        self.confirmation: QMessageBox | None = None

        self.replace_button = QPushButton("Re&mplacer…")
        self.replace_button.setObjectName("replaceButton")
        self.retract_button = QPushButton("Re&tirer…")
        self.retract_button.setObjectName("retractButton")
        self.resend_button = QPushButton("Ren&voyer")
        self.resend_button.setObjectName("resendButton")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        for button in (self.replace_button, self.retract_button, self.resend_button):
            layout.addWidget(button)
        layout.addStretch(1)
        self.replace_button.clicked.connect(self.replace_clicked)
        self.retract_button.clicked.connect(self.retract_clicked)
        self.resend_button.clicked.connect(self.resend_clicked)
        self.set_state(None)

    # -- state ------------------------------------------------------------------------------
    def load_state(self, alert_id: int) -> ActionState | None:
        """On the database worker: what the buttons may do for ``alert_id``."""
        return self.service.actions(self.principal, alert_id) if self.service else None

    def set_state(self, state: ActionState | None) -> None:
        self.state = state
        replace_why: str | None
        resend_why: str | None
        if state is None:
            replace_why = resend_why = self.no_sender or NO_SELECTION
        else:
            replace_why = state.replace_reason
            resend_why = state.resend_reason
        for button, why, tip in (
            (
                self.replace_button,
                replace_why,
                "Ouvrir la rédaction pré-remplie : le nouveau texte prendra la place de "
                "celui-ci sur les téléphones.",
            ),
            (
                self.retract_button,
                replace_why,
                "Envoyer le message neutre de retrait à la place de celui-ci.",
            ),
            (self.resend_button, resend_why, "Remettre cette alerte dans la file d'envoi."),
        ):
            button.setEnabled(why is None)
            button.setToolTip(tip if why is None else why)

    # -- actions ------------------------------------------------------------------------------
    def _failed(self, exc: BaseException) -> None:
        if isinstance(exc, ReplacementConflict) and exc.head_id is not None:
            self.show_alert.emit(exc.head_id)
        message = expected_message(exc)
        if message is not None:
            self.message.emit(message)
        else:
            self.message.emit("Erreur inattendue : rien n'a été envoyé (détails affichés).")
            self.ctx.errors.report(exc)

    def replace_clicked(self) -> None:
        state, service = self.state, self.service
        if state is None or service is None:
            return
        self.runner.run_db(
            lambda: service.target(self.principal, state.alert_id),
            self._open_composer,
            self._failed,
            owner=self,
        )

    def _open_composer(self, target: ReplacementTarget) -> None:
        navigator = self.ctx.navigator
        if navigator is None:
            self.message.emit("La rédaction n'est pas disponible dans cette fenêtre.")
            return
        navigator.start_replacement(target)

    def retract_clicked(self) -> None:
        state, service = self.state, self.service
        if state is None or service is None:
            return
        self.runner.run_db(
            lambda: service.target(self.principal, state.alert_id),
            self._confirm_retraction,
            self._failed,
            owner=self,
        )

    def _confirm_retraction(self, target: ReplacementTarget) -> None:
        assert self.service is not None
        real = push_is_real(self.ctx.settings)
        exercise = " (EXERCICE)" if target.draft.exercise else ""
        where = (
            f"aux téléphones abonnés au département {target.target_label}{exercise}"
            if target.draft.departement
            else f"à tous les téléphones (message national){exercise}"
        )
        mode = (
            "ENVOI RÉEL : les téléphones vont recevoir ce message."
            if real
            else "SIMULATION : aucun téléphone ne recevra ce message."
        )
        box = QMessageBox(self)
        box.setObjectName("confirmRetraction")
        box.setIcon(QMessageBox.Icon.Warning)
        box.setWindowTitle(f"Retirer l'alerte n° {target.alert_id}")
        box.setTextFormat(Qt.TextFormat.PlainText)
        box.setText(
            f"Envoyer {where} le message de retrait :\n\n« {self.service.retraction_text} »\n\n"
            f"Il remplacera sur les téléphones l'alerte n° {target.alert_id} :\n"
            f"« {target.draft.text} »\n\n{mode}"
        )
        retract = box.addButton("Retirer l'alerte", QMessageBox.ButtonRole.AcceptRole)
        retract.setObjectName("confirmRetractButton")
        cancel = box.addButton("Annuler", QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(cancel)
        box.setEscapeButton(cancel)
        self.confirmation = box

        def finished(_result: int) -> None:
            self.confirmation = None
            box.deleteLater()
            if box.clickedButton() is retract:
                self._retract(target)

        box.finished.connect(finished)
        box.open()

    def _retract(self, target: ReplacementTarget) -> None:
        service = self.service
        assert service is not None

        def done(new_id: int) -> None:
            self.message.emit(
                f"Retrait de l'alerte n° {target.alert_id} confié à l'envoi (message n° "
                f"{new_id}, {target_label(target.draft.departement)})."
            )
            self.show_alert.emit(target.alert_id)

        self.runner.run_db(
            lambda: service.retract(self.principal, target.alert_id, target.version),
            done,
            self._failed,
            owner=self,
        )

    def resend_clicked(self) -> None:
        state = self.state
        outbox = self.ctx.services.outbox
        if state is None or outbox is None:
            return

        def done(_none: object) -> None:
            self.message.emit(f"Alerte n° {state.alert_id} remise dans la file d'envoi.")
            self.show_alert.emit(state.alert_id)

        self.runner.run_db(
            lambda: outbox.resend(self.principal, state.alert_id),
            done,
            self._failed,
            owner=self,
        )
