"""Stand-in for the composer until ``stopcamb_desk.ui.composer.ComposerView`` exists.

It already honours the composer interface used by the shell and ``screenshot --text``:
``set_text(str)``, ``text() -> str`` and ``activated()``.
"""

from __future__ import annotations

from PySide6.QtCore import Slot
from PySide6.QtWidgets import QLabel, QPlainTextEdit

from stopcamb_desk.ui.views.placeholder import PlaceholderView

LIMIT = 160


class ComposerPlaceholder(PlaceholderView):
    title = "Rédiger une alerte"
    summary = (
        "Rédigez ici l'alerte push (160 caractères au maximum) destinée aux utilisateurs de "
        "l'application dans votre département."
    )
    coming = (
        "le contrôle des règles (infraction constatée, pas de détail identifiant, champ de "
        "l'application) ;",
        "la jauge 160 caractères et l'aperçu de la notification sur Android et iPhone ;",
        "le choix du département, les modèles et l'envoi avec confirmation (Ctrl+Entrée).",
    )

    def add_body(self) -> None:
        label = QLabel("&Texte de l'alerte :")
        self.editor = QPlainTextEdit()
        self.editor.setObjectName("composerText")
        self.editor.setPlaceholderText("Ex. : MEYTHET, nombreux cambriolages dans les maisons…")
        self.editor.setToolTip("Texte du push, 160 caractères au maximum")
        self.editor.setTabChangesFocus(True)
        self.editor.setMaximumHeight(140)
        label.setBuddy(self.editor)
        self.counter = QLabel()
        self.counter.setObjectName("composerCounter")
        self.editor.textChanged.connect(self._update_counter)
        self.layout_.addWidget(label)
        self.layout_.addWidget(self.editor)
        self.layout_.addWidget(self.counter)
        self._update_counter()

    def set_text(self, text: str) -> None:
        self.editor.setPlainText(text)

    def text(self) -> str:
        return self.editor.toPlainText()

    def activated(self) -> None:
        self.editor.setFocus()

    @Slot()
    def _update_counter(self) -> None:
        count = len(self.text())
        self.counter.setText(f"{count} / {LIMIT} caractères")
