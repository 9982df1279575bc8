"""Helpers shared by the widget tests: typing like a French keyboard, recording error pop-ups."""

from __future__ import annotations

from dataclasses import dataclass, field

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot


def type_keys(qtbot: QtBot, widget: QWidget, text: str) -> None:
    """Type ``text`` key by key. QTest only knows ASCII keys (it aborts on « é »), so other
    characters are sent as the key events a French keyboard produces: key code + text."""
    for ch in text:
        if ch.isascii():
            qtbot.keyClicks(widget, ch)
            continue
        key = ord(ch.upper()) if ord(ch) < 0x100 else Qt.Key.Key_unknown
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            QApplication.sendEvent(widget, QKeyEvent(kind, key, Qt.KeyboardModifier.NoModifier, ch))


@dataclass
class RecordingPresenter:
    """Stands in for the error dialogs: records what the operator would have been shown."""

    expected: list[str] = field(default_factory=list)
    unexpected: list[str] = field(default_factory=list)
    shown: list[str] = field(default_factory=list)  # both kinds, in order

    def show_expected(self, message: str) -> None:
        self.expected.append(message)
        self.shown.append(message)

    def show_unexpected(self, details: str) -> None:
        self.unexpected.append(details)
        self.shown.append(details)
