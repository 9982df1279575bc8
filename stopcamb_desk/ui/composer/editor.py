"""The alert text editor: findings underlined in place, their explanation on hover."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QEvent, QPoint, Qt
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetrics,
    QHelpEvent,
    QKeyEvent,
    QTextCharFormat,
    QTextCursor,
)
from PySide6.QtWidgets import QPlainTextEdit, QTextEdit, QToolTip, QWidget

from stopcamb_desk.domain.rules.model import Finding, Severity
from stopcamb_desk.ui.composer.style import EDITOR_POINT_SIZE

SEVERITY_COLOURS: dict[Severity, str] = {
    Severity.BLOQUANT: "#d50000",
    Severity.AVERTISSEMENT: "#ef6c00",
    Severity.INFO: "#1565c0",
}
SEVERITY_BACKGROUNDS: dict[Severity, str | None] = {
    Severity.BLOQUANT: "#ffe3e3",
    Severity.AVERTISSEMENT: "#fff0dc",
    Severity.INFO: None,
}
SEVERITY_PREFIX: dict[Severity, str] = {
    Severity.BLOQUANT: "✗ Bloquant",
    Severity.AVERTISSEMENT: "! Avertissement",
    Severity.INFO: "i Suggestion",
}


def _format(severity: Severity) -> QTextCharFormat:
    fmt = QTextCharFormat()
    fmt.setUnderlineStyle(QTextCharFormat.UnderlineStyle.WaveUnderline)
    fmt.setUnderlineColor(QColor(SEVERITY_COLOURS[severity]))
    background = SEVERITY_BACKGROUNDS[severity]
    if background is not None:
        fmt.setBackground(QColor(background))
    return fmt


class AlertEditor(QPlainTextEdit):
    """Plain text editor; :meth:`set_findings` underlines each located finding."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("composerText")
        font = QFont(self.font())
        font.setPointSize(EDITOR_POINT_SIZE)
        self.setFont(font)
        self.setTabChangesFocus(True)
        self.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        self._findings: tuple[Finding, ...] = ()
        self._formats = {severity: _format(severity) for severity in Severity}

    def height_for_lines(self, lines: int) -> int:
        """Height showing ``lines`` lines of text without a scroll bar (160 characters)."""
        metrics = QFontMetrics(self.font())
        margins = self.contentsMargins()
        document = 2 * self.document().documentMargin()
        return int(lines * metrics.lineSpacing() + document + margins.top() + margins.bottom() + 16)

    @property
    def findings(self) -> tuple[Finding, ...]:
        return self._findings

    def set_findings(self, findings: Sequence[Finding]) -> None:
        located = tuple(f for f in findings if f.end > f.start)
        if located == self._findings:
            return
        self._findings = located
        document_length = self.document().characterCount() - 1
        selections: list[QTextEdit.ExtraSelection] = []
        # Less serious first so that a blocking underline is drawn on top.
        for finding in sorted(located, key=lambda f: f.severity.rank):
            start = min(finding.start, document_length)
            end = min(finding.end, document_length)
            if end <= start:
                continue
            cursor = QTextCursor(self.document())
            cursor.setPosition(start)
            cursor.setPosition(end, QTextCursor.MoveMode.KeepAnchor)
            selection = QTextEdit.ExtraSelection()
            selection.cursor = cursor
            selection.format = self._formats[finding.severity]
            selections.append(selection)
        self.setExtraSelections(selections)

    def findings_at(self, position: int) -> list[Finding]:
        """Findings whose span covers the character at ``position`` (most serious first)."""
        hits = [f for f in self._findings if f.start <= position < f.end]
        return sorted(hits, key=lambda f: -f.severity.rank)

    def tooltip_at(self, position: int) -> str | None:
        hits = self.findings_at(position)
        if not hits:
            return None
        rows = []
        for f in hits:
            colour = SEVERITY_COLOURS[f.severity]
            rows.append(
                f"<p style='margin:4px 0'><b style='color:{colour}'>"
                f"{SEVERITY_PREFIX[f.severity]}</b> — {_escape(f.message)}</p>"
            )
        return "<div style='font-size:12pt; max-width:460px'>" + "".join(rows) + "</div>"

    def position_at(self, point: QPoint) -> int:
        """Index of the character under ``point`` (viewport coordinates)."""
        cursor = self.cursorForPosition(point)
        position = cursor.position()
        # cursorForPosition gives the nearest boundary: when the pointer is on the right half
        # of a glyph the boundary lies after it, so look at the character on the left.
        if point.x() < self.cursorRect(cursor).x() and position > 0:
            position -= 1
        return position

    def viewportEvent(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            text = self.tooltip_at(self.position_at(event.pos()))
            if text is None:
                QToolTip.hideText()
                event.ignore()
            else:
                QToolTip.showText(event.globalPos(), text, self.viewport())
            return True
        return super().viewportEvent(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and (
            event.modifiers() & Qt.KeyboardModifier.ControlModifier
        ):
            event.ignore()  # Ctrl+Entrée belongs to the view (send confirmation)
            return
        super().keyPressEvent(event)


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
