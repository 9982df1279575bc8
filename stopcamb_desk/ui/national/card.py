"""How an item appears in the app's « Flux d'actualité » (a simple card, not a pixel copy)."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QLabel, QVBoxLayout, QWidget

from stopcamb_desk.ui.national.style import NAVY

CARD_WIDTH = 360  # about a 390 pt wide phone, minus the app's margins


class FeedCard(QFrame):
    """Title, date, text and « En savoir plus » link, as the feed of the app lists them."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("feedCard")
        self.setMaximumWidth(CARD_WIDTH)
        self.setMinimumWidth(260)
        self.setStyleSheet(
            "QFrame#feedCard { background: white; border: 1px solid #c4c9d0; "
            "border-radius: 10px; }"
            "QFrame#feedCard QLabel { border: none; background: transparent; }"
        )
        layout = QVBoxLayout(self)
        layout.setContentsMargins(14, 12, 14, 12)
        layout.setSpacing(6)
        self.header = QLabel("FLUX D'ACTUALITÉ")
        self.header.setStyleSheet("color: #5f6368; font-size: 9pt; font-weight: bold;")
        self.title = QLabel()
        self.title.setObjectName("cardTitle")
        self.title.setWordWrap(True)
        self.title.setTextFormat(Qt.TextFormat.PlainText)
        self.title.setStyleSheet(f"color: {NAVY}; font-size: 14pt; font-weight: bold;")
        self.date = QLabel()
        self.date.setObjectName("cardDate")
        self.date.setStyleSheet("color: #5f6368; font-size: 10pt;")
        self.body = QLabel()
        self.body.setObjectName("cardBody")
        self.body.setWordWrap(True)
        self.body.setTextFormat(Qt.TextFormat.PlainText)
        self.body.setStyleSheet("color: #202124; font-size: 11pt;")
        self.link = QLabel()
        self.link.setObjectName("cardLink")
        self.link.setTextFormat(Qt.TextFormat.PlainText)
        self.link.setStyleSheet(f"color: {NAVY}; font-size: 11pt; font-weight: bold;")
        for widget in (self.header, self.title, self.date, self.body, self.link):
            layout.addWidget(widget)
        self.set_item("", "", "", None)

    def set_item(self, title: str, body: str, url: str, published: datetime | None) -> None:
        self.title.setText(title.strip() or "(titre)")
        self.body.setText(body.strip() or "(texte de l'article)")
        when = published.astimezone().strftime("%d/%m/%Y %H:%M") if published else "maintenant"
        self.date.setText(f"Publié le {when}" if published else "À la publication")
        self.link.setText("En savoir plus ›" if url.strip() else "")
        self.link.setToolTip(url.strip())
        self.link.setVisible(bool(url.strip()))
