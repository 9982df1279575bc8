"""One smartphone notification, painted from a :class:`BannerFit`, with the cut marked."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetricsF,
    QLinearGradient,
    QPainter,
    QPainterPath,
    QPaintEvent,
    QPen,
)
from PySide6.QtWidgets import QLabel, QSizePolicy, QVBoxLayout, QWidget

from stopcamb_desk.ui.preview.layout import (
    UNITS,
    BannerFit,
    BannerSpec,
    Platform,
    fit_banner,
    layout_font,
)

APP_NAME = "Stop Cambriolages"
CUT_RED = "#d50000"
_MARGIN = 10.0  # phone units of wallpaper around the card


@dataclass(frozen=True, slots=True)
class Palette:
    wallpaper_top: str
    wallpaper_bottom: str
    card: str
    title: str
    body: str
    secondary: str


PALETTES: dict[tuple[Platform, bool], Palette] = {
    (Platform.IOS, False): Palette(
        "#8fb3e8", "#d9c7e8", "#f2f2f4", "#000000", "#1c1c1e", "#6c6c70"
    ),
    (Platform.IOS, True): Palette("#0d1b3a", "#2b1640", "#2c2c2e", "#ffffff", "#ebebf0", "#98989f"),
    (Platform.ANDROID, False): Palette(
        "#dfe3eb", "#dfe3eb", "#fdfcff", "#1a1c1e", "#43474e", "#5b5f66"
    ),
    (Platform.ANDROID, True): Palette(
        "#111316", "#111316", "#2b2e33", "#e3e2e6", "#c4c6cf", "#9a9ea6"
    ),
}


def _tail(text: str, n: int = 14) -> str:
    text = text.rstrip()
    return text if len(text) <= n else "…" + text[-n:].lstrip()


class BannerCard(QWidget):
    """Paints the notification card at ``zoom`` screen pixels per phone unit."""

    def __init__(self, spec: BannerSpec, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.spec = spec
        self.zoom = 0.9
        self.dark = False
        # What the card says the notification's time is (the simulated phone sets « 03:12 »).
        self.time_label = "maintenant"
        self.wallpaper = True  # False: transparent around the card (drawn on a phone screen)
        self.fit: BannerFit = fit_banner(spec, "", "")
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        self.setMaximumSize(self.sizeHint())
        self.setToolTip(f"Imitation : {spec.described}")

    # -- geometry (phone units) -----------------------------------------------------------
    def _fonts(self) -> tuple[QFont, QFont, QFont]:
        phone = self.spec.phone
        small = 13 if phone.platform is Platform.IOS else 12
        return (
            layout_font(phone, self.spec.title_size, bold=True),
            layout_font(phone, self.spec.body_size),
            layout_font(phone, small),
        )

    def _line_height(self, font: QFont) -> float:
        return QFontMetricsF(font).lineSpacing() * 1.12 / UNITS

    def card_height(self) -> float:
        title_font, body_font, small_font = self._fonts()
        lines = max(1, len(self.fit.body.lines))
        header = 0.0 if self.spec.phone.platform is Platform.IOS else self._line_height(small_font)
        content = header + self._line_height(title_font) + lines * self._line_height(body_font)
        return max(content + 2 * 13, 66)

    def _size_at(self, zoom: float) -> QSize:
        width = (self.spec.card_width + 2 * _MARGIN) * zoom
        height = (self.card_height() + 2 * _MARGIN) * zoom
        return QSize(round(width), round(height))

    def sizeHint(self) -> QSize:
        return self._size_at(self.zoom)

    def minimumSizeHint(self) -> QSize:
        """Narrow enough for the panel to shrink it; the panel then lowers the zoom."""
        return QSize(self._size_at(0.6).width(), self._size_at(self.zoom).height())

    def set_state(self, fit: BannerFit, dark: bool, zoom: float) -> None:
        resize = len(fit.body.lines) != len(self.fit.body.lines) or zoom != self.zoom
        self.fit, self.dark, self.zoom = fit, dark, zoom
        if resize:
            self.setMinimumHeight(self.sizeHint().height())
            self.setMaximumSize(self.sizeHint())
            self.updateGeometry()
        self.update()

    # -- painting ---------------------------------------------------------------------------
    def paintEvent(self, _event: QPaintEvent) -> None:
        spec = self.spec
        ios = spec.phone.platform is Platform.IOS
        palette = PALETTES[(spec.phone.platform, self.dark)]
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setRenderHint(QPainter.RenderHint.TextAntialiasing)
        if self.wallpaper:
            gradient = QLinearGradient(0, 0, 0, self.height())
            gradient.setColorAt(0, QColor(palette.wallpaper_top))
            gradient.setColorAt(1, QColor(palette.wallpaper_bottom))
            painter.fillRect(self.rect(), gradient)

        painter.scale(self.zoom / UNITS, self.zoom / UNITS)
        u = float(UNITS)
        card = QRectF(_MARGIN * u, _MARGIN * u, spec.card_width * u, self.card_height() * u)
        path = QPainterPath()
        radius = (20 if ios else 24) * u
        path.addRoundedRect(card, radius, radius)
        painter.fillPath(path, QColor(palette.card))

        title_font, body_font, small_font = self._fonts()
        left = card.left() + spec.text_left * u
        top = card.top() + 13 * u
        self._paint_icon(painter, card, ios)

        if not ios:
            painter.setFont(small_font)
            painter.setPen(QColor(palette.secondary))
            ascent = QFontMetricsF(small_font).ascent()
            painter.drawText(QPointF(left, top + ascent), f"{APP_NAME} • {self.time_label}")
            top += self._line_height(small_font) * u
        else:
            painter.setFont(small_font)
            painter.setPen(QColor(palette.secondary))
            metrics = QFontMetricsF(small_font)
            label = self.time_label
            x = card.right() - 14 * u - metrics.horizontalAdvance(label)
            painter.drawText(QPointF(x, top + metrics.ascent()), label)

        painter.setFont(title_font)
        painter.setPen(QColor(palette.title))
        painter.drawText(
            QPointF(left, top + QFontMetricsF(title_font).ascent()), self.fit.title.lines[0]
        )
        top += self._line_height(title_font) * u

        painter.setFont(body_font)
        painter.setPen(QColor(palette.body))
        metrics = QFontMetricsF(body_font)
        step = self._line_height(body_font) * u
        for line in self.fit.body.lines:
            painter.drawText(QPointF(left, top + metrics.ascent()), line)
            top += step
        if self.fit.body.truncated:
            self._paint_cut(painter, metrics, left, top - step, step)
        painter.end()

    def _paint_icon(self, painter: QPainter, card: QRectF, ios: bool) -> None:
        u = float(UNITS)
        size = (38 if ios else 28) * u
        x = card.left() + 14 * u
        y = card.top() + (13 if ios else 11) * u
        icon = QPainterPath()
        if ios:
            icon.addRoundedRect(QRectF(x, y, size, size), 9 * u, 9 * u)
        else:
            icon.addEllipse(QRectF(x, y, size, size))
        painter.fillPath(icon, QColor("#0b2a5b"))
        font = QFont(layout_font(self.spec.phone, 11 if ios else 9, bold=True))
        painter.setFont(font)
        painter.setPen(QColor("#ffffff"))
        painter.drawText(QRectF(x, y, size, size), Qt.AlignmentFlag.AlignCenter, "SC")

    def _paint_cut(
        self, painter: QPainter, metrics: QFontMetricsF, left: float, top: float, step: float
    ) -> None:
        """A red bar and wave under the « … » where this phone stops showing the text."""
        last = self.fit.body.lines[-1]
        x_end = left + metrics.horizontalAdvance(last)
        x_cut = left + metrics.horizontalAdvance(last[:-1])
        pen = QPen(QColor(CUT_RED))
        pen.setWidthF(2.5 * UNITS)
        painter.setPen(pen)
        painter.drawLine(QPointF(x_cut, top), QPointF(x_cut, top + step))
        y = top + metrics.ascent() + 2.5 * UNITS
        painter.drawLine(QPointF(x_cut, y), QPointF(x_end, y))


class BannerWidget(QWidget):
    """A label naming the platform, the painted card, and a caption about the cut."""

    def __init__(self, spec: BannerSpec, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.spec = spec
        self.setObjectName(f"banner_{spec.key}")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        self.heading = QLabel(spec.label)
        self.heading.setObjectName("bannerHeading")
        self.heading.setWordWrap(True)
        self.card = BannerCard(spec)
        self.caption = QLabel()
        self.caption.setObjectName("bannerCaption")
        self.caption.setWordWrap(True)
        layout.addWidget(self.heading)
        layout.addWidget(self.card)
        layout.addWidget(self.caption)
        layout.addStretch(1)

    @property
    def fit(self) -> BannerFit:
        return self.card.fit

    def show_message(self, title: str, body: str, *, dark: bool, zoom: float) -> None:
        fit = fit_banner(self.spec, title, body)
        self.card.set_state(fit, dark, zoom)
        body_fit = fit.body
        if not body.strip():
            state, text, tip = "", "", ""
        elif body_fit.truncated:
            state = "cut"
            text = f"✂ Coupé ici : {body_fit.visible} / {body_fit.total} caractères visibles"
            tip = (
                f"Le téléphone s'arrête après « {_tail(body[: body_fit.cut], 30)} » ; la suite "
                "n'est pas affichée sans ouvrir la notification."
            )
        else:
            state = "whole"
            text = f"✓ Texte entier visible ({body_fit.total} caractères)"
            tip = ""
        if text != self.caption.text():
            self.caption.setText(text)
            self.caption.setToolTip(tip)
        if state != self.caption.property("state"):
            self.caption.setProperty("state", state)
            self.caption.style().unpolish(self.caption)
            self.caption.style().polish(self.caption)
