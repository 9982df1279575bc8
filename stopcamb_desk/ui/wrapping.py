"""Where text breaks when it wraps at a given width, measured with Qt as a word-wrapping label.

One home for the line breaking of painted text: the phone preview (where each phone cuts a
notification) and the map sheet (title, subtitle, source and legend rows on two lines rather
than cut).
"""

from __future__ import annotations

from PySide6.QtGui import QFont, QTextLayout, QTextOption


def line_spans(text: str, font: QFont, width: float) -> list[tuple[int, int]]:
    """``(start, length)`` in ``text`` of each line, ``width`` pixels of ``font`` wide.

    Breaks at word boundaries, inside a word only when the word alone is wider than a line.
    """
    layout = QTextLayout(text, font)
    option = QTextOption()
    option.setWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
    layout.setTextOption(option)
    spans: list[tuple[int, int]] = []
    layout.beginLayout()
    while True:
        line = layout.createLine()
        if not line.isValid():
            break
        line.setLineWidth(width)
        spans.append((line.textStart(), line.textLength()))
    layout.endLayout()
    return spans


def wrapped_lines(text: str, font: QFont, width: float) -> tuple[str, ...]:
    """The lines of ``text`` wrapped at ``width`` (the spaces where it breaks dropped)."""
    return tuple(text[s : s + n].rstrip() for s, n in line_spans(text, font, width)) or ("",)
