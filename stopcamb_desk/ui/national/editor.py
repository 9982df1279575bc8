"""The article editor: title, text with character counters, link, live problems, and
« Retirer le code », which takes markup and non-https links out and says exactly what went."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, Slot
from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from stopcamb_desk.domain.rules.text import count_graphemes
from stopcamb_desk.services.news_draft import (
    BODY_MAX,
    FIELD_LABELS,
    MARKUP_RULE,
    TITLE_MAX,
    NewsDraft,
    NewsProblem,
    describe_removals,
)


def _refresh(widget: QWidget, name: str, value: object) -> None:
    if widget.property(name) != value:
        widget.setProperty(name, value)
        widget.style().unpolish(widget)
        widget.style().polish(widget)


class Counter(QLabel):
    """« 42 / 80 caractères », red and bold beyond the limit."""

    def __init__(self, limit: int) -> None:
        super().__init__()
        self.limit = limit
        self.setProperty("counter", True)
        self.set_count(0)

    def set_count(self, count: int) -> None:
        limit = f"{self.limit:,}".replace(",", "\u202f")
        self.setText(f"{count} / {limit} caractères")
        _refresh(self, "over", count > self.limit)


class NewsEditor(QWidget):
    """Title, text, link. Listen with :meth:`connect_changed` (not a Python-emitted signal:
    PySide6 6.12's ``SignalInstance.emit`` drops a reference to ``True`` on each call)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = QLineEdit()
        self.title.setObjectName("newsTitle")
        self.title.setAccessibleName("Titre de l'article")
        self.title.setPlaceholderText("Ex. : Vacances : pensez à l'opération tranquillité vacances")
        self.body = QPlainTextEdit()
        self.body.setObjectName("newsBody")
        self.body.setAccessibleName("Texte de l'article")
        self.body.setTabChangesFocus(True)
        self.body.setPlaceholderText(
            "Ex. : Bientôt les départs en vacances : pensez à vous inscrire auprès de votre "
            "brigade dans le cadre des opérations tranquillité vacances."
        )
        self.url = QLineEdit()
        self.url.setObjectName("newsUrl")
        self.url.setAccessibleName("Lien de l'article")
        self.url.setPlaceholderText("https://… (facultatif)")
        self.title_counter = Counter(TITLE_MAX)
        self.body_counter = Counter(BODY_MAX)
        self.problems = QLabel()
        self.problems.setObjectName("newsProblems")
        self.problems.setWordWrap(True)
        self.problems.setTextFormat(Qt.TextFormat.PlainText)
        self.clean_button = QPushButton("Retirer le &code")
        self.clean_button.setObjectName("cleanButton")
        self.clean_button.setToolTip(
            "Retirer du titre et du texte le code HTML et les liens autres que https:// ; "
            "la liste de ce qui est retiré s'affiche, relisez l'aperçu avant de publier"
        )
        self.clean_button.setVisible(False)
        self.clean_button.clicked.connect(self.remove_markup)
        self.removed = QLabel()
        self.removed.setObjectName("newsRemoved")
        self.removed.setWordWrap(True)
        self.removed.setTextFormat(Qt.TextFormat.PlainText)
        self.removed.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.removed.setVisible(False)

        grid = QGridLayout()
        grid.setVerticalSpacing(4)
        for row, (text, widget, counter) in enumerate(
            (
                ("&Titre :", self.title, self.title_counter),
                ("Te&xte :", self.body, self.body_counter),
                ("&Lien :", self.url, None),
            )
        ):
            label = QLabel(text)
            label.setBuddy(widget)
            grid.addWidget(label, row * 2, 0)
            grid.addWidget(widget, row * 2 + 1, 0, 1, 2)
            if counter is not None:
                grid.addWidget(counter, row * 2, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(grid)
        layout.addWidget(self.problems)
        clean_row = QHBoxLayout()
        clean_row.addWidget(self.clean_button)
        clean_row.addStretch(1)
        layout.addLayout(clean_row)
        layout.addWidget(self.removed)
        self.setTabOrder(self.title, self.body)
        self.setTabOrder(self.body, self.url)
        self.title.textChanged.connect(self._on_change)
        self.body.textChanged.connect(self._on_change)
        self.url.textChanged.connect(self._on_change)

    def connect_changed(self, slot: Callable[[], None]) -> None:
        """Call ``slot`` after every edit (counters already updated)."""
        for signal in (self.title.textChanged, self.body.textChanged, self.url.textChanged):
            signal.connect(lambda *_args: slot())

    def draft(self) -> NewsDraft:
        return NewsDraft(self.title.text(), self.body.toPlainText(), self.url.text())

    def set_draft(self, draft: NewsDraft) -> None:
        self.removed.clear()
        self.removed.setVisible(False)
        self.title.setText(draft.title)
        self.body.setPlainText(draft.body)
        self.url.setText(draft.url)

    @Slot()
    def remove_markup(self) -> None:
        """Take markup and non-https links out of the title and the text (undoable: Ctrl+Z),
        and list exactly what was removed."""
        cleaned, removals = self.draft().cleaned()
        if not removals:
            return
        if cleaned.title != self.title.text():
            self.title.selectAll()
            self.title.insert(cleaned.title)
        if cleaned.body != self.body.toPlainText():
            cursor = self.body.textCursor()
            cursor.select(cursor.SelectionType.Document)
            cursor.insertText(cleaned.body)
        lines = "\n".join(f"– {line}" for line in describe_removals(removals, limit=12))
        self.removed.setText(
            "Retiré — relisez l'aperçu avant de publier (Ctrl+Z pour annuler) :\n" + lines
        )
        self.removed.setVisible(True)

    def _on_change(self) -> None:
        self.title_counter.set_count(count_graphemes(self.title.text().strip()))
        self.body_counter.set_count(count_graphemes(self.body.toPlainText().strip()))

    def show_problems(self, problems: list[NewsProblem]) -> bool:
        """Show the problems; True when one of them blocks publication."""
        blocking = any(p.blocking for p in problems)
        if not problems:
            self.problems.setText("✓ Prêt à publier — relisez l'aperçu, puis « Publier… ».")
        else:
            lines = [
                f"{'✗' if p.blocking else '!'} {FIELD_LABELS[p.field]} : {p.message}"
                for p in problems
            ]
            self.problems.setText("\n".join(lines))
        _refresh(self.problems, "blocked", blocking)
        self.clean_button.setVisible(any(p.rule == MARKUP_RULE for p in problems))
        return blocking
