"""Where each phone cuts a notification: line breaking measured with Qt, at a stated width.

Every banner is laid out in *phone units* (iOS points, Android dp) with :class:`QTextLayout`,
at four times the nominal size so that advances keep their fractions. The real system fonts
(SF Pro, Roboto) are used when installed; otherwise a sans-serif substitute is scaled so that
its average character width matches the imitated font (see docs/preview.md). The numbers are
approximations of public design documents, not a promise: the preview says which phone it
imitates and marks the exact point where *that* model cuts the text.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from enum import StrEnum
from functools import cache

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QFontDatabase, QFontMetricsF

from stopcamb_desk.domain.rules.text import count_graphemes
from stopcamb_desk.ui.wrapping import line_spans

UNITS = 4
"""Layout resolution: 4 font pixels per phone point/dp (keeps fractional advances)."""

ELLIPSIS = "…"

# A typical alert, used to measure a font's average advance per character.
_CALIBRATION_SAMPLE = (
    "MEYTHET, nombreux cambriolages dans les maisons, en fin de journée : prenez vos "
    "précautions et soyez vigilants, faites passer l'info !"
)


class Platform(StrEnum):
    IOS = "ios"
    ANDROID = "android"


@dataclass(frozen=True, slots=True)
class PhoneModel:
    """The phone a banner imitates, its font and that font's average width (em per char)."""

    name: str  # French, shown in the preview
    platform: Platform
    screen_width: float  # pt (iOS) or dp (Android)
    families: tuple[str, ...]  # the real system font first, then acceptable look-alikes
    font_label: str
    average_em: float  # average advance per character of French prose, in em

    @property
    def unit(self) -> str:
        return "pt" if self.platform is Platform.IOS else "dp"


IPHONE_15 = PhoneModel(
    name="iPhone 15 (iOS 17)",
    platform=Platform.IOS,
    screen_width=393,
    families=("SF Pro Text", ".SF NS Text", "Helvetica Neue", "Arial", "Liberation Sans"),
    font_label="SF Pro",
    average_em=0.47,
)

PIXEL_7 = PhoneModel(
    name="Pixel 7 (Android 14)",
    platform=Platform.ANDROID,
    screen_width=412,
    families=("Roboto", "Arial", "Liberation Sans"),
    font_label="Roboto",
    average_em=0.46,
)

SUBSTITUTE_FAMILIES = ("DejaVu Sans", "Noto Sans", "Segoe UI", "Sans Serif")


@dataclass(frozen=True, slots=True)
class BannerSpec:
    """One way a platform shows a notification: geometry in phone units and line limits."""

    key: str
    label: str  # French, e.g. « Android — notification réduite »
    phone: PhoneModel
    card_width: float  # width of the notification card
    text_left: float  # x of the title/body column inside the card
    text_width: float  # width of the body column
    title_width: float  # width left to the title (iOS puts the time on the same line)
    title_size: float
    body_size: float
    body_lines: int | None  # None: as many as the text needs
    single_line: bool = False  # line breaks become spaces (Android's singleLine TextView)

    @property
    def described(self) -> str:
        lines = "toutes les lignes" if self.body_lines is None else f"{self.body_lines} ligne(s)"
        return (
            f"{self.phone.name} — écran {self.phone.screen_width:g} {self.phone.unit}, "
            f"{self.phone.font_label} {self.body_size:g} {self.phone.unit}, "
            f"colonne de texte {self.text_width:g} {self.phone.unit}, {lines}"
        )


# iOS: card inset 8 pt from the screen edges, 14 pt padding, 38 pt app icon + 10 pt gap.
IOS_LOCK_SCREEN = BannerSpec(
    key="ios_lock",
    label="iOS — écran verrouillé (4 lignes)",
    phone=IPHONE_15,
    card_width=377,
    text_left=62,
    text_width=301,
    title_width=225,
    title_size=15,
    body_size=15,
    body_lines=4,
)
# The top banner is the same card, cut after two lines of body.
IOS_BANNER = replace(
    IOS_LOCK_SCREEN, key="ios_banner", label="iOS — bannière du haut (2 lignes)", body_lines=2
)
# Android 12+ templates: card inset 16 dp, icon column then the text; the column width is set
# so that a collapsed line holds the 40–49 characters observed on a lock screen.
ANDROID_COLLAPSED = BannerSpec(
    key="android_collapsed",
    label="Android — réduite (1 ligne)",
    phone=PIXEL_7,
    card_width=380,
    text_left=52,
    text_width=312,
    title_width=312,
    title_size=14,
    body_size=14,
    body_lines=1,
    single_line=True,
)
# Expanded (BigTextStyle): the same card showing the whole body.
ANDROID_EXPANDED = replace(
    ANDROID_COLLAPSED,
    key="android_expanded",
    label="Android — développée (texte entier)",
    body_lines=None,
    single_line=False,
)

BANNERS: tuple[BannerSpec, ...] = (IOS_LOCK_SCREEN, IOS_BANNER, ANDROID_COLLAPSED, ANDROID_EXPANDED)


@dataclass(frozen=True, slots=True)
class FontChoice:
    family: str
    scale: float  # multiply the nominal size by this (1.0 when the real font is installed)
    substitute: bool


@cache
def font_choice(phone: PhoneModel) -> FontChoice:
    """The real system font if installed, else a substitute scaled to the same average width."""
    available = set(QFontDatabase.families())
    for family in phone.families:
        if family in available:
            return FontChoice(family, 1.0, False)
    family = next((f for f in SUBSTITUTE_FAMILIES if f in available), QFont().defaultFamily())
    probe = QFont(family)
    probe.setPixelSize(100)
    probe.setHintingPreference(QFont.HintingPreference.PreferNoHinting)
    measured = QFontMetricsF(probe).horizontalAdvance(_CALIBRATION_SAMPLE)
    average = measured / len(_CALIBRATION_SAMPLE) / 100
    scale = phone.average_em / average if average > 0 else 1.0
    return FontChoice(family, scale, True)


@cache
def layout_font(phone: PhoneModel, size: float, bold: bool = False) -> QFont:
    """Font for laying out and painting at :data:`UNITS` pixels per phone unit."""
    choice = font_choice(phone)
    font = QFont(choice.family)
    font.setPixelSize(max(1, round(size * choice.scale * UNITS)))
    font.setHintingPreference(QFont.HintingPreference.PreferNoHinting)
    font.setKerning(True)
    if bold:
        font.setWeight(QFont.Weight.DemiBold)
    return font


@dataclass(frozen=True, slots=True)
class Fit:
    """How a text shows in one banner.

    ``lines`` are the displayed lines (the last one ends with « … » when cut); ``cut`` is the
    offset in the text where the display stops (``len(text)`` when everything shows);
    ``visible`` and ``total`` count user-perceived characters.
    """

    lines: tuple[str, ...]
    cut: int
    visible: int
    total: int

    @property
    def truncated(self) -> bool:
        return self.visible < self.total


def _display_text(text: str, single_line: bool) -> str:
    if single_line:
        return " ".join(text.replace("\r\n", "\n").split("\n"))
    return text.replace("\r\n", "\n").replace("\n", "\u2028")


def fit_text(text: str, font: QFont, width_units: float, max_lines: int | None) -> Fit:
    """Break ``text`` like a word-wrapping label ``width_units`` wide (font at UNITS scale).

    Beyond ``max_lines`` the last line is elided at its end (« … »), as iOS and Android do
    with tail truncation.
    """
    width = width_units * UNITS
    spans = line_spans(text, font, width)
    total = count_graphemes(text)
    if max_lines is None or len(spans) <= max_lines:
        lines = tuple(text[s : s + n].rstrip(" \u2028") for s, n in spans)
        return Fit(lines or ("",), len(text), total, total)
    kept = [text[s : s + n].rstrip(" \u2028") for s, n in spans[: max_lines - 1]]
    last_start = spans[max_lines - 1][0]
    rest = text[last_start:].replace("\u2028", " ")
    metrics = QFontMetricsF(font)
    elided = metrics.elidedText(rest, Qt.TextElideMode.ElideRight, width)
    shown = elided[:-1] if elided.endswith(ELLIPSIS) else elided
    if not rest.startswith(shown):  # elidedText may normalise; fall back to a prefix search
        shown = _longest_prefix(rest, metrics, width)
    shown = shown.rstrip()
    cut = last_start + len(shown)
    kept.append(shown + ELLIPSIS)
    return Fit(tuple(kept), cut, count_graphemes(text[:cut]), total)


def _longest_prefix(text: str, metrics: QFontMetricsF, width: float) -> str:
    room = width - metrics.horizontalAdvance(ELLIPSIS)
    lo, hi = 0, len(text)
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if metrics.horizontalAdvance(text[:mid]) <= room:
            lo = mid
        else:
            hi = mid - 1
    return text[:lo]


@dataclass(frozen=True, slots=True)
class BannerFit:
    spec: BannerSpec
    title: Fit
    body: Fit


def fit_banner(spec: BannerSpec, title: str, body: str) -> BannerFit:
    """Title on one line and body on the spec's line limit, as that phone would show them."""
    title_font = layout_font(spec.phone, spec.title_size, bold=True)
    body_font = layout_font(spec.phone, spec.body_size)
    shown_body = _display_text(body, spec.single_line)
    return BannerFit(
        spec,
        fit_text(" ".join(title.split()), title_font, spec.title_width, 1),
        fit_text(shown_body, body_font, spec.text_width, spec.body_lines),
    )
