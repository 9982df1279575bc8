"""Detail/edit form of one brigade; read-only, with the reason, for non-administrators."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from stopcamb_desk.domain.roles import PERMISSION_REFUSALS, Permission, Principal
from stopcamb_desk.models import Brigade
from stopcamb_desk.ui.theme import ERROR_RED

LINE_FIELDS: tuple[tuple[str, str], ...] = (
    ("service", "Unité"),
    ("telephone", "Téléphone"),
    ("adresse", "Adresse"),
    ("code_postal", "Code postal"),
    ("commune", "Commune"),
    ("url", "Site / page"),
)
READ_ONLY_TEXT = (
    "Lecture seule : " + PERMISSION_REFUSALS[Permission.EDIT_BRIGADES] + " Si une information "
    "est fausse (téléphone, horaires), signalez-la à votre administrateur."
)


class BrigadeForm(QWidget):
    """Emits ``save_requested(changes)`` with only the fields the administrator changed."""

    save_requested = Signal(dict)
    reload_requested = Signal()

    def __init__(self, principal: Principal, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("brigadeForm")
        self.editable = principal.can(Permission.EDIT_BRIGADES)
        self.brigade: Brigade | None = None
        self.heading = QLabel("<b>Fiche de la brigade</b> — sélectionnez une ligne du tableau.")
        self.heading.setWordWrap(True)
        self.fields: dict[str, QLineEdit] = {}
        form = QFormLayout()
        for name, label in LINE_FIELDS:
            edit = QLineEdit()
            edit.setAccessibleName(label)
            edit.setReadOnly(not self.editable)
            self.fields[name] = edit
            form.addRow(label, edit)
        self.horaires = QPlainTextEdit()
        self.horaires.setAccessibleName("Horaires d'accueil")
        self.horaires.setReadOnly(not self.editable)
        self.horaires.setPlaceholderText("Un jour par ligne, ex. : Lundi : 8h00-12h00 14h00-18h00")
        form.addRow("Horaires d'accueil", self.horaires)
        self.position = QLabel("")
        form.addRow("Position", self.position)

        self.read_only = QLabel(READ_ONLY_TEXT)
        self.read_only.setObjectName("brigadeReadOnly")
        self.read_only.setWordWrap(True)
        self.read_only.setVisible(not self.editable)
        if not self.editable:
            self.setStyleSheet(
                "QLineEdit, QPlainTextEdit { background: #eeeeee; border: 1px solid #c8c8c8; }"
            )
        self.feedback = QLabel("")
        self.feedback.setObjectName("brigadeFeedback")
        self.feedback.setWordWrap(True)
        self.save_button = QPushButton("&Enregistrer la fiche")
        self.save_button.setObjectName("primary")
        self.save_button.clicked.connect(self._save)
        self.reload_button = QPushButton("&Recharger la fiche")
        self.reload_button.setToolTip("Relit la fiche telle qu'elle est enregistrée dans la base")
        self.reload_button.clicked.connect(self.reload_requested)
        buttons = QHBoxLayout()
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.reload_button)
        buttons.addStretch(1)
        self.save_button.setVisible(self.editable)
        self.reload_button.setVisible(self.editable)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 0, 0, 0)
        layout.addWidget(self.heading)
        layout.addWidget(self.read_only)
        layout.addLayout(form)
        layout.addLayout(buttons)
        layout.addWidget(self.feedback)
        layout.addStretch(1)
        self.show_brigade(None)

    def show_brigade(self, brigade: Brigade | None) -> None:
        self.brigade = brigade
        for name, edit in self.fields.items():
            edit.setText(getattr(brigade, name) if brigade else "")
            edit.setCursorPosition(0)
            edit.setEnabled(brigade is not None)
        self.horaires.setPlainText(brigade.horaires if brigade else "")
        self.horaires.setEnabled(brigade is not None)
        self.save_button.setEnabled(brigade is not None)
        self.reload_button.setEnabled(brigade is not None)
        if brigade is None:
            self.position.setText("")
            return
        self.heading.setText(
            f"<b>Fiche de la brigade</b> n° {brigade.id} (département {brigade.departement})"
        )
        self.position.setText(
            f"{brigade.lat:.5f}, {brigade.lon:.5f}".replace(".", ",")
            if brigade.lat is not None and brigade.lon is not None
            else "non renseignée (absente de la carte)"
        )

    def changes(self) -> dict[str, str]:
        if self.brigade is None:
            return {}
        values = {name: edit.text().strip() for name, edit in self.fields.items()}
        values["horaires"] = "\n".join(
            line.strip() for line in self.horaires.toPlainText().splitlines() if line.strip()
        )
        return {k: v for k, v in values.items() if v != getattr(self.brigade, k)}

    def set_feedback(self, text: str, error: bool = False) -> None:
        self.feedback.setStyleSheet(f"color: {ERROR_RED}; font-weight: bold;" if error else "")
        self.feedback.setText(text)

    def _save(self) -> None:
        changes = self.changes()
        if not changes:
            self.set_feedback("Aucune modification à enregistrer.")
            return
        if not self.fields["service"].text().strip():
            self.set_feedback("Le nom de l'unité ne peut pas être vide.", error=True)
            return
        self.save_requested.emit(changes)
