"""Text preparation for the checker: NFC, grapheme counting, exercise prefix, folding.

The rules match on the NFC form of what the operator typed; the findings must point into the
original text (the composer underlines it), so :class:`WorkingText` keeps the offset mapping.
In the usual case the typed text already is NFC and the mapping is the identity.

Before any rule reads it, the text is also **cleaned** of what is used to dodge word rules
(:func:`clean_char`): invisible format characters (zero-width spaces and joiners, soft hyphen,
direction marks) are dropped, and letters of another script or style that imitate a Latin one
(Cyrillic « а », Greek « ο », fullwidth « Ａ », mathematical « 𝐚 ») are read as that letter —
so that « Ro\u200bms » or « impаsse » are matched like « Roms » and « impasse ». Circled,
enclosed and small-capital letters (« ⓢ », « 🅂 », « ꜱ ») are read as their letter; combining
marks left over after NFC (« s̳ », « ṡ » typed as « s » + dot, variation selectors) and blank
fillers that render as nothing (Hangul filler, Braille blank) are dropped.

Last, a word **disguised** with digits or separators (« susp3cts », « 5u5pect5 »,
« s-u-s-p-e-c-t-s », « sus_pects »), or cut by spaces into parts that are not all words
(« Ro ms », « mig rants »), is read as the French word it spells, when the checker
passes the reader of such words (:func:`morphology.disguised_words`, which knows the
dictionary): the rules then refuse it like the plain word. The character rules (:mod:`charset`)
read the typed text itself and say what was there.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from functools import lru_cache

import regex

from stopcamb_desk.domain.rules.model import Finding, Fix, FixKind, Severity
from stopcamb_desk.lazy import confusables

EXERCISE_PREFIX = "EXERCICE : "
"""Put in front of every exercise message (GSM-7 safe, so it costs no SMS segment)."""

_GRAPHEME = regex.compile(r"\X")


def count_graphemes(text: str) -> int:
    """User-perceived characters: an emoji family or « e » + combining accent count 1."""
    if text.isascii() and "\r\n" not in text:
        return len(text)
    return len(_GRAPHEME.findall(text))


def grapheme_spans(text: str) -> list[tuple[int, int]]:
    return [m.span() for m in _GRAPHEME.finditer(text)]


_EXERCISE_START = regex.compile(r"\s*exercice\b", regex.IGNORECASE)


def has_exercise_prefix(text: str) -> bool:
    return _EXERCISE_START.match(text) is not None


def apply_exercise_prefix(text: str) -> str:
    """The text of an exercise message as it will be sent (idempotent)."""
    stripped = text.strip()
    if has_exercise_prefix(stripped):
        return stripped
    return EXERCISE_PREFIX + stripped


def prepare_text(text: str, *, exercise: bool = False) -> str:
    """The exact text that would be sent: NFC, outer blanks removed, exercise prefix."""
    body = unicodedata.normalize("NFC", text).strip()
    return apply_exercise_prefix(body) if exercise else body


def _fold_char(ch: str) -> str:
    if ch in "’‘ʼ′`´":
        return "'"
    if ch in "\u00a0\u202f\u2007\u2009":
        return " "
    if ch in "‐‑–—":
        return "-"
    low = ch.lower()
    if len(low) != 1:
        return ch
    base = "".join(c for c in unicodedata.normalize("NFD", low) if not unicodedata.combining(c))
    return base if len(base) == 1 else low


_FOLD_TABLE: dict[int, str] = {}
for _cp in (
    list(range(0x41, 0x5B))
    + list(range(0xC0, 0x250))
    + [
        0x2019,
        0x2018,
        0x2BC,
        0x2032,
        0x60,
        0xB4,
        0xA0,
        0x202F,
        0x2007,
        0x2009,
        0x2010,
        0x2011,
        0x2013,
        0x2014,
    ]
):
    _c = chr(_cp)
    _f = _fold_char(_c)
    if _f != _c:
        _FOLD_TABLE[_cp] = _f


def fold(text: str) -> str:
    """Lower-case, accent-free copy of ``text`` with the same length and offsets."""
    return text.translate(_FOLD_TABLE)


_PICTOGRAPH = regex.compile(r"\p{Extended_Pictographic}|\p{Regional_Indicator}")


# Characters that render as nothing although Unicode files them as letters or symbols.
BLANK_FILLERS = frozenset("\u115f\u1160\u3164\uffa0\u2800")
_SMALL_CAPITAL = re.compile(r"LATIN LETTER SMALL CAPITAL ([A-Z])")


@lru_cache(maxsize=4_096)
def clean_char(ch: str) -> str:
    """What the rules read for ``ch``: the Latin letter a look-alike imitates, nothing for an
    invisible format character, a combining mark (after NFC) or a blank filler, ``ch`` itself
    otherwise (always, below U+0250)."""
    if ord(ch) < 0x250:
        return "" if ch == "\u00ad" else ch
    category = unicodedata.category(ch)
    if category in ("Cf", "Mn", "Me") or ch in BLANK_FILLERS:
        return ""
    if not category.startswith(("L", "N")) and category != "So":
        return ch
    compat = unicodedata.normalize("NFKC", ch)
    if compat != ch and compat.isascii() and compat.isalnum():
        return compat  # fullwidth, mathematical, superscript, circled, enclosed letters
    if category == "So":
        return ch
    small = _SMALL_CAPITAL.fullmatch(unicodedata.name(ch, ""))
    if small is not None:
        return small.group(1).lower()  # « ꜱ », « ᴜ »
    base = "".join(c for c in unicodedata.normalize("NFD", ch) if not unicodedata.combining(c))
    if base != ch and len(base) == 1 and base.isascii() and base.isalpha():
        return base  # « ṡ », « ẽ »: no French letter carries these marks
    found = confusables.is_confusable(ch, preferred_aliases=["latin"], greedy=True)
    for entry in found or ():
        for glyph in entry.get("homoglyphs", ()):
            latin = glyph.get("c", "")
            if len(latin) == 1 and latin.isascii() and latin.isalnum():
                return str(latin)
    return ch


def is_emoji_cluster(piece: str) -> bool:
    """An emoji grapheme (👨‍👩‍👧, ❤️, 1️⃣): its joiners and selectors are part of it."""
    return bool(_PICTOGRAPH.search(piece)) or piece.endswith("\u20e3")


def _clean_piece(piece: str) -> str:
    if piece.isascii() or is_emoji_cluster(piece):
        return piece  # 👨‍👩‍👧 keeps its joiners
    return "".join(clean_char(ch) for ch in piece)


def needs_cleaning(text: str) -> bool:
    """True when :func:`clean_char` changes a character of ``text`` (a look-alike letter, an
    invisible format character, a combining mark or a blank filler outside an emoji)."""
    if text.isascii():
        return False
    return any(clean_char(ch) != ch for ch in text) and _clean_pieces(text) != text


def _clean_pieces(text: str) -> str:
    return "".join(_clean_piece(m.group()) for m in _GRAPHEME.finditer(text))


PlainWords = Callable[[str], list[tuple[int, int, str]]]


class WorkingText:
    """The NFC text the rules read, its folded twin, and the way back to typed offsets.

    ``plain_words``: finds the disguised words of the cleaned text, (start, end, plain word)
    each; ``disguised`` then lists them in the typed text, and the rules read the plain word.
    """

    __slots__ = ("_ends", "_starts", "disguised", "folded", "raw", "text")

    def __init__(self, raw: str, plain_words: PlainWords | None = None) -> None:
        self.raw = raw
        self._starts: list[int] | None = None
        self._ends: list[int] | None = None
        if raw.isascii() or (unicodedata.is_normalized("NFC", raw) and not needs_cleaning(raw)):
            self.text = raw
        else:
            self._build_mapping()
        self.disguised: list[tuple[int, int, str]] = []
        disguises = plain_words(self.text) if plain_words is not None else []
        if disguises:
            self._read_plain(disguises)
        self.folded = fold(self.text)

    def _read_plain(self, disguises: list[tuple[int, int, str]]) -> None:
        """Replace each disguised word of ``self.text`` by its plain form (offsets kept)."""
        n = len(self.text)
        starts = self._starts if self._starts is not None else list(range(n + 1))
        ends = self._ends if self._ends is not None else list(range(n + 1))
        self.disguised = [(*self.span(s, e), plain) for s, e, plain in disguises]
        for s, e, plain in reversed(disguises):
            k = len(plain)
            starts = starts[:s] + [starts[s]] * k + starts[e:]
            ends = ends[: s + 1] + [ends[e]] * k + ends[e + 1 :]
            self.text = self.text[:s] + plain + self.text[e:]
        self._starts, self._ends = starts, ends

    def _build_mapping(self) -> None:
        pieces: list[str] = []
        starts: list[int] = []
        ends: list[int] = [0]
        for m in _GRAPHEME.finditer(self.raw):
            piece = _clean_piece(unicodedata.normalize("NFC", m.group()))
            pieces.append(piece)
            starts.extend([m.start()] * len(piece))
            ends.extend([m.end()] * len(piece))
        starts.append(len(self.raw))
        self.text = "".join(pieces)
        self._starts = starts
        self._ends = ends

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Offsets in the typed text of ``self.text[start:end]``."""
        if self._starts is None or self._ends is None:
            return start, end
        n = len(self.text)
        start = min(max(start, 0), n)
        end = min(max(end, start), n)
        raw_start = self._starts[start]
        if end == start:
            return raw_start, raw_start
        return raw_start, max(raw_start, self._ends[end])

    def finding(
        self,
        rule: str,
        severity: Severity,
        message: str,
        start: int,
        end: int,
        replacement: str | None = None,
        *,
        fix: Fix | None = None,
    ) -> Finding:
        """A finding about ``self.text[start:end]``, located in the typed text.

        ``replacement``: the finding's own span replaced by that text is the fix (typography,
        SMS characters…); ``fix`` (from :meth:`replace_fix` or a non-text action) otherwise.
        """
        raw_start, raw_end = self.span(start, end)
        if replacement is not None:
            return self.raw_finding(rule, severity, message, raw_start, raw_end, replacement)
        return Finding(rule, severity, message, raw_start, raw_end, fix)

    def raw_finding(
        self,
        rule: str,
        severity: Severity,
        message: str,
        start: int,
        end: int,
        replacement: str | None = None,
    ) -> Finding:
        """A finding about ``self.raw[start:end]`` (the typed text itself: the character rules
        see what the cleaned text no longer holds)."""
        fix = None
        if replacement is not None:
            label = f"Remplacer par « {replacement} »" if replacement.strip() else "Supprimer"
            fix = Fix(FixKind.REMPLACER, label, start, end, replacement)
        return Finding(rule, severity, message, start, end, fix)

    def replace_fix(self, label: str, start: int, end: int, replacement: str) -> Fix:
        """Replace ``self.text[start:end]`` (located in the typed text) by ``replacement``."""
        raw_start, raw_end = self.span(start, end)
        return Fix(FixKind.REMPLACER, label, raw_start, raw_end, replacement)
