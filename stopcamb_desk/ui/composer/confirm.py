"""The send bar (reason why sending is impossible, « Envoyer… ») and the confirmation dialog."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from stopcamb_desk.domain.status import kind_label
from stopcamb_desk.services.composer import DepartementChoice, Draft

SIMULATION_BG = "#e65100"
REAL_BG = "#b71c1c"


class SendBar(QWidget):
    """« Envoi impossible : … » (or « Prêt à envoyer ») next to the « Envoyer… » button."""

    send_requested = Signal()

    def __init__(self, leading: QWidget | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        top = QHBoxLayout()
        self.reason = QLabel()
        self.reason.setObjectName("sendReason")
        self.reason.setWordWrap(True)
        self.reason.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.button = QPushButton("&Envoyer…")
        self.button.setObjectName("sendButton")
        self.button.setToolTip("Relire et confirmer l'envoi (Ctrl+Entrée)")
        self.button.setMinimumHeight(44)
        self.button.clicked.connect(self.send_requested.emit)
        if leading is not None:
            top.addWidget(leading, 1)
        else:
            top.addStretch(1)
        top.addWidget(self.button)
        layout.addLayout(top)
        layout.addWidget(self.reason)
        self._blocked: bool | None = None
        self.set_reason("")

    def set_reason(self, reason: str | None, *, hint: bool = False) -> None:
        """``None``: sendable; otherwise the French sentence that explains why not, in red, or
        in plain text when it is only a ``hint`` (nothing typed yet: nothing is wrong)."""
        blocked = reason is not None
        text = reason if reason is not None else "✓ Prêt à envoyer — relisez puis Ctrl+Entrée."
        if text != self.reason.text():
            self.reason.setText(text)
        state = "hint" if hint and blocked else str(blocked).lower()
        if (blocked, state) != (self._blocked, self.reason.property("blocked")):
            self._blocked = blocked
            self.button.setEnabled(not blocked)
            self.reason.setProperty("blocked", state)
            self.reason.style().unpolish(self.reason)
            self.reason.style().polish(self.reason)

    @property
    def blocked(self) -> bool:
        return bool(self._blocked)


class ConfirmSendDialog(QDialog):
    """Restates département, kind, exact text and push mode; « Annuler » is the default."""

    def __init__(
        self,
        draft: Draft,
        text_to_send: str,
        title: str,
        departement: DepartementChoice | None,
        real: bool,
        procedure_label: str | None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("confirmSend")
        self.setWindowTitle("Confirmer l'envoi de l'alerte")
        self.draft = draft
        self.setMinimumWidth(620)
        layout = QVBoxLayout(self)
        layout.setSpacing(12)

        if real:
            where = departement.label if departement is not None else "toute la France"
            mode = f"ENVOI RÉEL — les téléphones abonnés ({where}) vont sonner."
        else:
            mode = "SIMULATION — aucun téléphone ne recevra ce message."
        if draft.exercise:
            mode = "EXERCICE — " + mode
        self.mode = QLabel(mode)
        self.mode.setObjectName("confirmMode")
        self.mode.setWordWrap(True)
        self.mode.setStyleSheet(
            f"background: {REAL_BG if real else SIMULATION_BG}; color: white; "
            "font-size: 15pt; font-weight: bold; padding: 10px;"
        )
        layout.addWidget(self.mode)

        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        target = departement.label if departement is not None else "National (tous départements)"
        self.target = QLabel(target)
        self.target.setObjectName("confirmDepartement")
        self.target.setStyleSheet("font-size: 16pt; font-weight: bold;")
        form.addRow("Département :", self.target)
        kind = kind_label(draft.kind) + (" — EXERCICE" if draft.exercise else "")
        self.kind = QLabel(kind)
        self.kind.setObjectName("confirmKind")
        self.kind.setStyleSheet("font-size: 14pt; font-weight: bold;")
        form.addRow("Type :", self.kind)
        self.title_label = QLabel(title)
        self.title_label.setObjectName("confirmTitle")
        form.addRow("Titre :", self.title_label)
        self.text = QLabel(text_to_send)
        self.text.setObjectName("confirmText")
        self.text.setWordWrap(True)
        self.text.setTextFormat(Qt.TextFormat.PlainText)
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.text.setStyleSheet(
            "font-size: 15pt; background: white; border: 2px solid #0b2a5b; padding: 8px;"
        )
        form.addRow("Texte envoyé :", self.text)
        if procedure_label:
            form.addRow("Fondement :", QLabel(procedure_label + " (non envoyé)"))
        layout.addLayout(form)

        question = QLabel("Envoyer ce message maintenant ?")
        question.setStyleSheet("font-size: 14pt;")
        layout.addWidget(question)
        buttons = QDialogButtonBox()
        self.send_button = buttons.addButton(
            "&Envoyer maintenant", QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.send_button.setObjectName("confirmSendButton")
        self.send_button.setAutoDefault(False)
        self.cancel_button = buttons.addButton("&Annuler", QDialogButtonBox.ButtonRole.RejectRole)
        self.cancel_button.setObjectName("confirmCancelButton")
        self.cancel_button.setDefault(True)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.cancel_button.setFocus()
