"""A placeholder page: says in French what the screen will contain once it is built."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QLabel, QVBoxLayout, QWidget

from stopcamb_desk.ui.context import ShellContext


class PlaceholderView(QWidget):
    """Title, one sentence and the list of what is coming."""

    title = ""
    summary = ""
    coming: Sequence[str] = ()

    def __init__(self, ctx: ShellContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.layout_ = QVBoxLayout(self)
        self.layout_.setContentsMargins(32, 24, 32, 24)
        self.layout_.setSpacing(14)
        heading = QLabel(self.title)
        heading.setObjectName("viewTitle")
        self.layout_.addWidget(heading)
        summary = QLabel(self.summary)
        summary.setWordWrap(True)
        self.layout_.addWidget(summary)
        if self.coming:
            box = QFrame()
            box.setFrameShape(QFrame.Shape.StyledPanel)
            box_layout = QVBoxLayout(box)
            box_layout.addWidget(QLabel("<b>Écran en préparation.</b> Il contiendra :"))
            items = "".join(f"<li>{line}</li>" for line in self.coming)
            listing = QLabel(f"<ul>{items}</ul>")
            listing.setTextFormat(Qt.TextFormat.RichText)
            listing.setWordWrap(True)
            box_layout.addWidget(listing)
            self.layout_.addWidget(box)
        self.add_body()
        self.layout_.addStretch(1)

    def add_body(self) -> None:
        """Subclasses add their own widgets here (before the final stretch)."""

    def activated(self) -> None:
        """Called each time the view is shown (refresh data here, in the background)."""
