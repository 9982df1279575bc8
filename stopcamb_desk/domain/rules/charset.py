"""Character-level rules: invisible or dangerous characters, GSM-7 / SMS segments."""

from __future__ import annotations

import math
import unicodedata
from bisect import bisect_right

import regex

from stopcamb_desk.domain.rules.catalog import CARACTERES_INVISIBLES, GSM7
from stopcamb_desk.domain.rules.model import Finding, Severity, SmsInfo
from stopcamb_desk.domain.rules.text import (
    BLANK_FILLERS,
    WorkingText,
    clean_char,
    is_emoji_cluster,
)

# Control, format (bidi, zero width…), private use, surrogate, unassigned, line/paragraph sep.
_SUSPECT_CHAR = regex.compile(r"[\p{Cc}\p{Cf}\p{Co}\p{Cs}\p{Cn}\p{Zl}\p{Zp}]")
_EMOJI = regex.compile(r"\p{Extended_Pictographic}|\p{Regional_Indicator}")
_GRAPHEME = regex.compile(r"\X")
# Format characters that are legitimate inside an emoji sequence (👨‍👩‍👧, 🏴󠁧󠁢󠁳󠁣󠁴󠁿).
_EMOJI_JOINERS = frozenset({"\u200d", *(chr(c) for c in range(0xE0020, 0xE0080))})
_LINE_BREAKS = frozenset({"\n", "\u2028", "\u2029"})

_NAMES_FR: dict[str, str] = {
    "\x00": "caractère nul (NUL)",
    "\t": "tabulation",
    "\r": "retour chariot",
    "\u200b": "espace de largeur nulle",
    "\u200c": "antiliant sans chasse",
    "\u200d": "liant sans chasse",
    "\u2060": "gluon de mots",
    "\ufeff": "indicateur d'ordre des octets (BOM)",
    "\u00ad": "trait d'union conditionnel invisible",
    "\u200e": "marque gauche-à-droite",
    "\u200f": "marque droite-à-gauche",
    "\u061c": "marque de lettre arabe",
    "\u202a": "enchâssement gauche-à-droite",
    "\u202b": "enchâssement droite-à-gauche",
    "\u202c": "fin d'enchâssement",
    "\u202d": "forçage gauche-à-droite",
    "\u202e": "forçage droite-à-gauche",
    "\u2066": "isolat gauche-à-droite",
    "\u2067": "isolat droite-à-gauche",
    "\u2068": "isolat de premier fort",
    "\u2069": "fin d'isolat",
}


def _describe(ch: str) -> str:
    code = f"U+{ord(ch):04X}"
    name = _NAMES_FR.get(ch)
    if name is None:
        cat = unicodedata.category(ch)
        name = {
            "Cc": "caractère de contrôle",
            "Co": "caractère à usage privé",
            "Cs": "demi-caractère isolé",
            "Cn": "caractère non attribué",
        }.get(cat, "caractère invisible de mise en forme")
    return f"{name} ({code})"


def invisible_findings(wt: WorkingText) -> list[Finding]:
    """Read on the typed text (the cleaned text the other rules read has none of these)."""
    text = wt.raw
    findings: list[Finding] = []
    clusters: list[tuple[int, int]] | None = None
    for m in _SUSPECT_CHAR.finditer(text):
        ch = m.group()
        pos = m.start()
        if ch in _EMOJI_JOINERS:
            if clusters is None:
                clusters = [c.span() for c in _GRAPHEME.finditer(text)]
            cluster = _cluster_at(clusters, pos)
            if _EMOJI.search(text, cluster[0], cluster[1]):
                continue
        where = f"en position {pos + 1}"
        if ch in _LINE_BREAKS:
            findings.append(
                wt.raw_finding(
                    CARACTERES_INVISIBLES,
                    Severity.AVERTISSEMENT,
                    f"Saut de ligne {where} : la notification réduite n'affiche que la "
                    "première ligne. Remplacez-le par une espace.",
                    pos,
                    pos + 1,
                    " ",
                )
            )
            continue
        findings.append(
            wt.raw_finding(
                CARACTERES_INVISIBLES,
                Severity.BLOQUANT,
                f"Caractère invisible ou dangereux {where} : {_describe(ch)}. Supprimez-le "
                "(il vient souvent d'un copier-coller) ; retapez le passage au besoin.",
                pos,
                pos + 1,
                " " if ch == "\t" else "",
            )
        )
    findings += _look_alike_findings(wt)
    findings += _stray_mark_findings(wt)
    findings += _disguise_findings(wt)
    return findings


def _stray_mark_findings(wt: WorkingText) -> list[Finding]:
    """Combining marks that compose no French letter (« s̳ », a variation selector on a letter)
    and blank fillers: the word looks whole on screen and escapes the word rules."""
    text = wt.raw
    if text.isascii():
        return []
    findings: list[Finding] = []
    for m in _GRAPHEME.finditer(text):
        cluster = m.group()
        if cluster.isascii() or is_emoji_cluster(cluster):
            continue
        composed = unicodedata.normalize("NFC", cluster)
        for ch in composed:
            if clean_char(ch) != "" or _SUSPECT_CHAR.match(ch):
                continue  # a letter, or already said by the invisible character rule
            what = (
                "caractère de remplissage qui s'affiche comme un blanc"
                if ch in BLANK_FILLERS
                else "signe diacritique isolé, qui ne forme aucune lettre française"
            )
            start, end = m.span()
            kept = "".join(c for c in composed if clean_char(c) != "")
            findings.append(
                wt.raw_finding(
                    CARACTERES_INVISIBLES,
                    Severity.BLOQUANT,
                    f"Caractère caché en position {start + 1} : {what} (U+{ord(ch):04X}). Il "
                    "masque le mot au contrôle et s'affiche mal sur les téléphones : "
                    "supprimez-le (retapez le mot au besoin).",
                    start,
                    end,
                    kept if kept != composed else None,
                )
            )
            break
    return findings


def _disguise_findings(wt: WorkingText) -> list[Finding]:
    """Words written with digits or separators inside: the rules read them as the plain word;
    the operator is told how they are read."""
    return [
        wt.raw_finding(
            CARACTERES_INVISIBLES,
            Severity.AVERTISSEMENT,
            f"« {wt.raw[start:end]} » est lu comme « {plain} » : écrivez le mot en toutes "
            "lettres, sans chiffre, point ni tiret au milieu (les abonnés le liraient mal).",
            start,
            end,
            plain,
        )
        for start, end, plain in wt.disguised
    ]


def _cluster_at(clusters: list[tuple[int, int]], pos: int) -> tuple[int, int]:
    """The grapheme cluster holding ``pos`` (clusters are sorted: bisect, not a scan)."""
    i = bisect_right(clusters, (pos, 2**62)) - 1
    if 0 <= i < len(clusters) and clusters[i][0] <= pos < clusters[i][1]:
        return clusters[i]
    return pos, pos + 1


# Letters, and symbols that are letters in a circle or a square (« ⓢ », « 🅂 »).
_WORD = regex.compile(r"[\p{L}\p{N}\p{M}\p{So}]+")


def _look_alike_findings(wt: WorkingText) -> list[Finding]:
    """Words written with letters of another script or style that imitate Latin ones."""
    text = wt.raw
    if text.isascii():
        return []
    findings: list[Finding] = []
    for m in _WORD.finditer(text):
        word = m.group()
        if word.isascii():
            continue
        fakes = [ch for ch in word if clean_char(ch) not in ("", ch)]
        if not fakes:
            continue
        latin = "".join(clean_char(ch) for ch in word)
        shown = ", ".join(f"« {ch} » ({_script(ch)})" for ch in dict.fromkeys(fakes))
        findings.append(
            wt.raw_finding(
                CARACTERES_INVISIBLES,
                Severity.BLOQUANT,
                f"« {word} » est écrit avec des lettres qui imitent l'alphabet latin : {shown}. "
                "Le mot échapperait au contrôle et passerait mal en SMS : retapez-le "
                f"(« {latin} »).",
                m.start(),
                m.end(),
                latin,
            )
        )
    return findings


def _script(ch: str) -> str:
    name = unicodedata.name(ch, "")
    for prefix, label in (
        ("CYRILLIC", "lettre cyrillique"),
        ("GREEK", "lettre grecque"),
        ("FULLWIDTH", "lettre pleine chasse"),
        ("MATHEMATICAL", "lettre de style mathématique"),
        ("CIRCLED", "lettre cerclée"),
        ("PARENTHESIZED", "lettre entre parenthèses"),
        ("SQUARED", "lettre encadrée"),
        ("NEGATIVE", "lettre encadrée"),
        ("LATIN LETTER SMALL CAPITAL", "petite capitale"),
        ("ARMENIAN", "lettre arménienne"),
        ("CHEROKEE", "lettre cherokee"),
    ):
        if name.startswith(prefix):
            return label
    return f"U+{ord(ch):04X}"


# --- GSM 03.38 -------------------------------------------------------------------------------

GSM7_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM7_EXTENSION = frozenset("^{}\\[~]|€\f")
_GSM7_SUBSTITUTES: dict[str, str] = {
    "â": "a",
    "ê": "e",
    "î": "i",
    "ô": "o",
    "û": "u",
    "ë": "e",
    "ï": "i",
    "ü": "u",
    "ÿ": "y",
    "ç": "c",
    "œ": "oe",
    "Œ": "OE",
    "À": "A",
    "Â": "A",
    "È": "E",
    "Ê": "E",
    "Ë": "E",
    "Î": "I",
    "Ï": "I",
    "Ô": "O",
    "Ù": "U",
    "Û": "U",
    "’": "'",
    "‘": "'",
    "«": '"',
    "»": '"',
    "“": '"',
    "”": '"',
    "…": "...",
    "–": "-",
    "—": "-",
    "\u00a0": " ",
    "\u202f": " ",
}


def sms_info(text: str) -> SmsInfo:
    """Encoding, size and segment count of ``text`` sent as an SMS."""
    septets = 0
    for ch in text:
        if ch in GSM7_BASIC:
            septets += 1
        elif ch in GSM7_EXTENSION:
            septets += 2
        else:
            units = len(text.encode("utf-16-le")) // 2
            segments = 1 if units <= 70 else math.ceil(units / 67)
            return SmsInfo("UCS-2", units, segments, 70 if segments == 1 else 67)
    segments = 1 if septets <= 160 else math.ceil(septets / 153)
    return SmsInfo("GSM-7", septets, max(segments, 1), 160 if segments <= 1 else 153)


def sms_summary(info: SmsInfo) -> tuple[bool, str]:
    """(fits one plain SMS, the checklist's words): « Compatible SMS (GSM-7), 1 SMS » or
    « SMS : Unicode (UCS-2), 3 SMS » — the same figures as the finding's detail."""
    plain = info.encoding == "GSM-7"
    if plain and info.segments <= 1:
        return True, "Compatible SMS (GSM-7), 1 SMS"
    encoding = "GSM-7" if plain else "Unicode (UCS-2)"
    return False, f"SMS : {encoding}, {info.segments} SMS"


def gsm7_findings(wt: WorkingText, sent: str) -> tuple[list[Finding], SmsInfo]:
    info = sms_info(sent)
    findings: list[Finding] = []
    if info.encoding == "UCS-2":
        text = wt.text
        for i, ch in enumerate(text):
            if (
                ch in GSM7_BASIC
                or ch in GSM7_EXTENSION
                or (ch.isspace() and ch not in "\u00a0\u202f")
            ):
                continue
            sub = _GSM7_SUBSTITUTES.get(ch)
            advice = f" Remplacez-le par « {sub} » si le texte part aussi en SMS." if sub else ""
            findings.append(
                wt.finding(
                    GSM7,
                    Severity.INFO,
                    f"« {ch} » n'existe pas dans l'alphabet SMS GSM-7 : en SMS « alerte "
                    "commerces », le texte passerait en Unicode (70 caractères par SMS)." + advice,
                    i,
                    i + 1,
                    sub,
                )
            )
    if info.segments > 1:
        findings.append(
            wt.finding(
                GSM7,
                Severity.INFO,
                f"En SMS « alerte commerces », ce texte ferait {info.segments} SMS "
                f"({info.encoding}, {info.units} unités, {info.per_segment} par SMS).",
                0,
                len(wt.text),
            )
        )
    return findings, info
