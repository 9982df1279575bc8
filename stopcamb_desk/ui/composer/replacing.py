"""The banner of the composer's « Remplacement de l'alerte n° N » mode (opened from the history).

The draft starts as the replaced alert (text, département, kind, exercise, procedure); the
target stays locked (a replacement reaches the same phones); sending goes through
:meth:`ReplacementService.replace` (see ``services/composer_model.py``), which checks that the
alert is still the one on the phones. If another desk got there first, the banner says who and
when, and links to the alert now on the phones.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QLabel, QVBoxLayout, QWidget

from stopcamb_desk.services.replacement import ReplacementTarget
from stopcamb_desk.services.replacement_checks import ReplacementConflict

if TYPE_CHECKING:
    pass

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
