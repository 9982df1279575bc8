"""The fonts and words of a map sheet, laid out in lines: what does not fit goes on to the next
line, never cut.

:func:`sheet_texts` breaks the title, the subtitle and the source line at the width of the
sheet (``sheet.band_width``) before the layout, which gives the title band and the footer the
height of these lines; the painter draws the very lines computed here, so what a test or an
export reads in :class:`TextLines` is what the operator sees.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter

from stopcamb_desk.ui.map.scene import MapScene
from stopcamb_desk.ui.map.symbols import MUTED
from stopcamb_desk.ui.theme import NAVY
from stopcamb_desk.ui.wrapping import wrapped_lines

SUBTITLE_GAP = 2.0  # pixels between the title's last line and the subtitle
SMALLEST_TITLE = 0.82  # of the title font: a title a little too long shrinks before it wraps


def _font(base: QFont, factor: float, *, bold: bool = False, italic: bool = False) -> QFont:
    font = QFont(base)
    font.setPointSizeF(base.pointSizeF() * factor)
    font.setBold(bold)
    font.setItalic(italic)
    return font


@dataclass(frozen=True)
class Fonts:
    title: QFont
    subtitle: QFont
    legend: QFont
    code: QFont  # national map codes
    focus: QFont  # the operator's département names
    neighbour: QFont
    caption: QFont
    footer: QFont

    @classmethod
    def of(cls, base: QFont) -> Fonts:
        return cls(
            title=_font(base, 1.15, bold=True),
            subtitle=_font(base, 0.8),
            legend=_font(base, 0.78),
            code=_font(base, 0.66, bold=True),
            focus=_font(base, 0.92, bold=True),
            neighbour=_font(base, 0.7, italic=True),
            caption=_font(base, 0.62),
            footer=_font(base, 0.6),
        )


@dataclass(frozen=True)
class TextLines:
    """``text`` as painted in ``font``: its ``lines``, each at most ``width`` pixels wide,
    ``line_height`` apart."""

    text: str
    font: QFont
    width: float
    lines: tuple[str, ...]
    line_height: float

    @property
    def height(self) -> float:
        return len(self.lines) * self.line_height


def text_lines(text: str, font: QFont, width: float, spacing: float = 1.0) -> TextLines:
    """``text`` wrapped at ``width``; ``spacing`` × the font's height between lines."""
    height = QFontMetricsF(font).height() * spacing
    return TextLines(text, font, width, wrapped_lines(text, font, width), height)


def paint_lines(painter: QPainter, text: TextLines, left: float, top: float) -> None:
    """Draw ``text``'s lines, the first one's top at ``top`` (pen and font of ``text``)."""
    painter.setFont(text.font)
    align = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
    for n, line in enumerate(text.lines):
        rect = QRectF(left, top + n * text.line_height, text.width, text.line_height)
        painter.drawText(rect, align, line)


@dataclass(frozen=True)
class SheetTexts:
    """Title and subtitle (the title band), source and date (the footer)."""

    title: TextLines
    subtitle: TextLines
    source: TextLines

    @property
    def heading_height(self) -> float:
        return self.title.height + SUBTITLE_GAP + self.subtitle.height


def _title_font(font: QFont, text: str, width: float) -> QFont:
    """``font``, made smaller (down to SMALLEST_TITLE of its size) if then ``text`` holds on
    one line; else ``font`` itself, the title taking two lines."""
    fitted = QFont(font)
    smallest = font.pointSizeF() * SMALLEST_TITLE
    while QFontMetricsF(fitted).horizontalAdvance(text) > width:
        if fitted.pointSizeF() - 0.25 < smallest:
            return font
        fitted.setPointSizeF(fitted.pointSizeF() - 0.25)
    return fitted


def sheet_texts(scene: MapScene, fonts: Fonts, width: float) -> SheetTexts:
    """The sheet's texts broken into lines ``width`` pixels wide (the title band's width)."""
    title = scene.title()
    return SheetTexts(
        text_lines(title, _title_font(fonts.title, title, width), width),
        text_lines(scene.subtitle(), fonts.subtitle, width),
        text_lines(scene.footer(), fonts.footer, width),
    )


def paint_sheet_texts(
    painter: QPainter, texts: SheetTexts, heading: QRectF, footer: QRectF
) -> None:
    """Title and subtitle at the top of the ``heading`` band; the source in ``footer``."""
    painter.save()
    painter.setPen(QColor(NAVY))
    paint_lines(painter, texts.title, heading.left(), heading.top())
    painter.setPen(MUTED)
    top = heading.top() + texts.title.height + SUBTITLE_GAP
    paint_lines(painter, texts.subtitle, heading.left(), top)
    paint_lines(painter, texts.source, footer.left(), footer.center().y() - texts.source.height / 2)
    painter.restore()
