"""The banner previews side by side: iOS (lock screen, top banner) and Android (both states)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QCheckBox, QGridLayout, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from stopcamb_desk.ui.preview.banner import BannerWidget
from stopcamb_desk.ui.preview.layout import (
    ANDROID_COLLAPSED,
    ANDROID_EXPANDED,
    IOS_BANNER,
    IOS_LOCK_SCREEN,
    IPHONE_15,
    PIXEL_7,
    BannerSpec,
    font_choice,
)

STYLE = """
QLabel#previewTitle { font-size: 14pt; font-weight: bold; }
QLabel#bannerHeading { font-weight: bold; color: #30343a; }
QLabel#bannerCaption[state="cut"] { color: #b00020; font-weight: bold; }
QLabel#bannerCaption[state="whole"] { color: #1b5e20; }
QLabel#previewNote { color: #555a61; font-size: 9pt; }
QLabel#exerciseBadge { background: #6a1b9a; color: white; font-weight: bold; padding: 2px 8px; }
"""

ORDER: tuple[BannerSpec, ...] = (IOS_LOCK_SCREEN, IOS_BANNER, ANDROID_COLLAPSED, ANDROID_EXPANDED)
_CARD_ROOM = max(spec.card_width for spec in ORDER) + 20  # a card and its wallpaper, at zoom 1
_COLUMN_SPACING = 14


def models_note() -> str:
    """Which phones and fonts the preview imitates, in French."""
    parts = []
    for phone, size in ((IPHONE_15, 15), (PIXEL_7, 14)):
        choice = font_choice(phone)
        font = (
            f"{phone.font_label} {size} {phone.unit} imitée par {choice.family} "
            f"(largeur moyenne ajustée)"
            if choice.substitute
            else f"{choice.family} {size} {phone.unit}"
        )
        parts.append(f"{phone.name}, {phone.screen_width:g} {phone.unit}, {font}")
    return (
        "Imitation : "
        + " ; ".join(parts)
        + ". Les coupures réelles varient selon le modèle et la taille du texte choisie par "
        "l'utilisateur (voir docs/preview.md)."
    )


class PreviewPanel(QWidget):
    """Shows the message as four notifications; ``set_message`` is called on every keystroke."""

    def __init__(self, parent: QWidget | None = None, *, columns: int = 2) -> None:
        super().__init__(parent)
        self.setObjectName("previewPanel")
        self._columns = max(1, columns)
        self.setStyleSheet(STYLE)
        self._title = ""
        self._body = ""
        self._zoom = 0.85
        root = QVBoxLayout(self)
        root.setContentsMargins(0, 0, 0, 0)
        header = QHBoxLayout()
        heading = QLabel("Aperçu sur les téléphones")
        heading.setObjectName("previewTitle")
        header.addWidget(heading)
        header.addStretch(1)
        root.addLayout(header)
        self.exercise_badge = QLabel("EXERCICE : les téléphones d'exercice seulement")
        self.exercise_badge.setObjectName("exerciseBadge")
        self.exercise_badge.setWordWrap(True)
        self.exercise_badge.setVisible(False)
        root.addWidget(self.exercise_badge)
        self.dark_toggle = QCheckBox("Thème &sombre")
        self.dark_toggle.setToolTip("Affiche les notifications en mode sombre")
        self.dark_toggle.toggled.connect(lambda _checked: self._refresh())

        grid = QGridLayout()
        grid.setHorizontalSpacing(_COLUMN_SPACING)
        grid.setVerticalSpacing(8)
        self.banners: dict[str, BannerWidget] = {}
        for i, spec in enumerate(ORDER):
            banner = BannerWidget(spec)
            self.banners[spec.key] = banner
            if self._columns == 1:
                row, column = i, 0
            else:  # iOS on the left, Android on the right
                row, column = i % 2, i // 2
            grid.addWidget(banner, row, column, Qt.AlignmentFlag.AlignTop)
        root.addLayout(grid)
        note = QLabel(models_note())
        note.setObjectName("previewNote")
        note.setWordWrap(True)
        root.addWidget(self.dark_toggle)
        root.addWidget(note)
        root.addStretch(1)
        self._refresh()

    @property
    def dark(self) -> bool:
        return self.dark_toggle.isChecked()

    def set_dark(self, dark: bool) -> None:
        self.dark_toggle.setChecked(dark)

    def set_message(self, title: str, body: str, *, exercise: bool = False) -> None:
        self.exercise_badge.setVisible(exercise)
        if (title, body) == (self._title, self._body):
            return
        self._title, self._body = title, body
        self._refresh()

    def _refresh(self) -> None:
        for banner in self.banners.values():
            banner.show_message(self._title, self._body, dark=self.dark, zoom=self._zoom)

    def full_size_width(self) -> int:
        """The width at which the cards reach their full size (zoom 1): no use going wider."""
        return int(_CARD_ROOM * self._columns + _COLUMN_SPACING * (self._columns - 1))

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        card = _CARD_ROOM
        room = (event.size().width() - _COLUMN_SPACING * (self._columns - 1)) / self._columns
        zoom = min(1.0, max(0.6, room / card))
        zoom = round(zoom, 2)
        if abs(zoom - self._zoom) >= 0.01:
            self._zoom = zoom
            self._refresh()
