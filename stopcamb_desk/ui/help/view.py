"""« Aide »: the « Premiers pas » page of the operator's role and the drafting rules.

The pages are the Markdown files of ``resources/help`` (:mod:`stopcamb_desk.services.help`),
rendered by ``QTextBrowser.setMarkdown``; F1 or a click on a checklist item opens the section
of that rule (its heading, found by the title :func:`rule_sections` gives it).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol, runtime_checkable

from PySide6.QtCore import Qt, Slot
from PySide6.QtGui import QTextCursor, QTextDocument
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from stopcamb_desk.services.help import first_steps_markdown, rule_sections, rules_markdown

if TYPE_CHECKING:
    from stopcamb_desk.ui.context import ShellContext

MARKDOWN = (
    QTextDocument.MarkdownFeature.MarkdownDialectGitHub
    | QTextDocument.MarkdownFeature.MarkdownNoHTML
)
FIRST_STEPS = "premiers_pas"
RULES = "regles"
TOPIC_ROLE = Qt.ItemDataRole.UserRole


@runtime_checkable
class HelpTopic(Protocol):
    """A view that knows which help topic F1 should open (a rule id, or None)."""

    def help_topic(self) -> str | None: ...


class HelpView(QWidget):
    """``HelpView(ctx)``: topics on the left, the page on the right."""

    def __init__(self, ctx: ShellContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("helpView")
        self._sections = rule_sections()
        self._page = ""
        root = QHBoxLayout(self)
        root.setContentsMargins(12, 8, 12, 8)
        root.setSpacing(12)
        side = QVBoxLayout()
        title = QLabel("Aide")
        title.setObjectName("viewTitle")
        side.addWidget(title)
        self.topics = QListWidget()
        self.topics.setObjectName("helpTopics")
        self.topics.setAccessibleName("Sujets de l'aide")
        self._add_topic(f"Premiers pas — {ctx.principal.role.label}", FIRST_STEPS)
        self._add_topic("Règles de rédaction", RULES)
        for rule_id, section in self._sections.items():
            self._add_topic("    " + section.split(" (", 1)[0], rule_id)
        self.topics.setMinimumWidth(self.topics.sizeHintForColumn(0) + 24)
        side.addWidget(self.topics, 1)
        root.addLayout(side)
        self.browser = QTextBrowser()
        self.browser.setObjectName("helpBrowser")
        self.browser.setAccessibleName("Page d'aide")
        self.browser.setOpenLinks(False)
        self.browser.document().setDocumentMargin(16)
        root.addWidget(self.browser, 1)
        self.topics.currentItemChanged.connect(self._on_topic)
        self.show_topic(FIRST_STEPS)

    def _add_topic(self, text: str, topic: str) -> None:
        item = QListWidgetItem(text)
        item.setData(TOPIC_ROLE, topic)
        self.topics.addItem(item)

    # -- what the shell asks ---------------------------------------------------------------
    def show_topic(self, topic: str | None) -> None:
        """The « Premiers pas » page, the rules page, or the section of one rule (its id)."""
        topic = topic or FIRST_STEPS
        if topic != FIRST_STEPS and topic != RULES and topic not in self._sections:
            topic = RULES
        for row in range(self.topics.count()):
            item = self.topics.item(row)
            if item.data(TOPIC_ROLE) == topic:
                self.topics.blockSignals(True)
                self.topics.setCurrentRow(row)
                self.topics.blockSignals(False)
        self._open(topic)

    def help_topic(self) -> str | None:
        """The rule whose section is open (None on another page): F1 stays there."""
        item = self.topics.currentItem()
        topic = item.data(TOPIC_ROLE) if item is not None else None
        return topic if topic in self._sections else None

    # -- rendering --------------------------------------------------------------------------
    @Slot(QListWidgetItem, QListWidgetItem)
    def _on_topic(self, current: QListWidgetItem | None, _previous: object) -> None:
        if current is not None:
            self._open(str(current.data(TOPIC_ROLE)))

    def _open(self, topic: str) -> None:
        page = FIRST_STEPS if topic == FIRST_STEPS else RULES
        if page != self._page:
            self._page = page
            markdown = (
                first_steps_markdown(self.ctx.principal.role)
                if page == FIRST_STEPS
                else (rules_markdown())
            )
            # The rules quote HTML tags as refused examples: shown as text, never interpreted.
            self.browser.document().setMarkdown(markdown, MARKDOWN)
        self._scroll_to(self._sections.get(topic))

    def _scroll_to(self, heading: str | None) -> None:
        """Put the heading titled ``heading`` at the top of the page (the top when None)."""
        document = self.browser.document()
        block = document.begin()
        while heading is not None and block.isValid():
            if block.blockFormat().headingLevel() > 0 and block.text().strip() == heading:
                # blockBoundingRect lays the document out up to the block (it is lazy).
                top = document.documentLayout().blockBoundingRect(block).top()
                self.browser.setTextCursor(QTextCursor(block))  # a focus scroll keeps it there
                self.browser.verticalScrollBar().setValue(int(top))
                return
            block = block.next()
        self.browser.moveCursor(QTextCursor.MoveOperation.Start)
        self.browser.verticalScrollBar().setValue(0)
