"""Confirmations that restate exactly what goes to the app, and where (SIMULATION or RÉEL)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QLabel, QVBoxLayout, QWidget

from stopcamb_desk.services.news_draft import NewsDraft
from stopcamb_desk.ui.national.style import NAVY, mode_colour


def _plain(text: str, size: int, *, bold: bool = False) -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    weight = "bold" if bold else "normal"
    label.setStyleSheet(
        f"font-size: {size}pt; font-weight: {weight}; background: white; "
        f"border: 2px solid {NAVY}; padding: 6px;"
    )
    return label


class ConfirmNewsDialog(QDialog):
    """« Publier » / « Retirer »: mode banner, title, text, link; « Annuler » is the default."""

    def __init__(
        self,
        action: str,  # "publier" | "mettre_a_jour" | "retirer"
        draft: NewsDraft,
        feed_name: str,
        feed_description: str,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("confirmNews")
        self.action = action
        titles = {
            "publier": ("Confirmer la publication", "&Publier maintenant"),
            "mettre_a_jour": ("Confirmer la mise à jour", "&Mettre à jour maintenant"),
            "retirer": ("Confirmer le retrait", "&Retirer maintenant"),
        }
        window_title, accept_text = titles[action]
        self.setWindowTitle(window_title)
        self.setMinimumWidth(640)
        layout = QVBoxLayout(self)
        layout.setSpacing(10)

        self.mode = QLabel(feed_description)
        self.mode.setObjectName("confirmMode")
        self.mode.setWordWrap(True)
        self.mode.setStyleSheet(
            f"background: {mode_colour(feed_name)}; color: white; font-size: 14pt; "
            "font-weight: bold; padding: 10px;"
        )
        layout.addWidget(self.mode)

        what = {
            "publier": "Cet article va apparaître dans le flux d'actualité de l'application, "
            "pour tous les utilisateurs, dans toute la France.",
            "mettre_a_jour": "L'article publié va être remplacé par ce texte dans l'application, "
            "pour tous les utilisateurs.",
            "retirer": "Cet article va disparaître du flux d'actualité de l'application.",
        }[action]
        self.summary = QLabel(what)
        self.summary.setWordWrap(True)
        self.summary.setStyleSheet("font-size: 13pt;")
        layout.addWidget(self.summary)

        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        self.title_label = _plain(draft.title, 15, bold=True)
        self.title_label.setObjectName("confirmNewsTitle")
        form.addRow("Titre :", self.title_label)
        self.body_label = _plain(draft.body, 13)
        self.body_label.setObjectName("confirmNewsBody")
        form.addRow("Texte :", self.body_label)
        self.url_label = _plain(draft.url or "(aucun lien)", 12)
        self.url_label.setObjectName("confirmNewsUrl")
        form.addRow("Lien :", self.url_label)
        layout.addLayout(form)

        buttons = QDialogButtonBox()
        self.accept_button = buttons.addButton(accept_text, QDialogButtonBox.ButtonRole.AcceptRole)
        self.accept_button.setObjectName("confirmNewsAccept")
        self.accept_button.setAutoDefault(False)
        self.cancel_button = buttons.addButton("&Annuler", QDialogButtonBox.ButtonRole.RejectRole)
        self.cancel_button.setDefault(True)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.cancel_button.setFocus()
