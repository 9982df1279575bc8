"""French typography, offered and never forced: each finding carries its replacement."""

from __future__ import annotations

import re
from collections.abc import Iterable

from stopcamb_desk.domain.rules.catalog import TYPOGRAPHIE
from stopcamb_desk.domain.rules.model import Finding, Fix, FixKind, Severity
from stopcamb_desk.domain.rules.text import WorkingText

NBSP = "\u00a0"
_SMS_NOTE = " (si le texte part aussi en SMS, gardez la forme simple : GSM-7)"

_APOSTROPHE = re.compile(r"(?<=[^\W\d_])'(?=[^\W\d_])")
_QUOTES = re.compile(r'"([^"\n]{1,300})"')
_ELLIPSIS = re.compile(r"\.\.\.(?!\.)")
_HIGH_PUNCT = re.compile(r"[:;!?]+")


def typography_findings(wt: WorkingText) -> list[Finding]:
    text = wt.text
    findings: list[Finding] = []
    for m in _APOSTROPHE.finditer(text):
        findings.append(
            wt.finding(
                TYPOGRAPHIE,
                Severity.INFO,
                "Apostrophe droite ' : l'apostrophe typographique ’ est conseillée"
                + _SMS_NOTE
                + ".",
                m.start(),
                m.end(),
                "’",
            )
        )
    for m in _QUOTES.finditer(text):
        inner = m.group(1).strip()
        findings.append(
            wt.finding(
                TYPOGRAPHIE,
                Severity.INFO,
                'Guillemets droits "…" : les guillemets français « … » sont conseillés'
                + _SMS_NOTE
                + ".",
                m.start(),
                m.end(),
                f"«{NBSP}{inner}{NBSP}»",
            )
        )
    for m in _ELLIPSIS.finditer(text):
        findings.append(
            wt.finding(
                TYPOGRAPHIE,
                Severity.INFO,
                "Trois points « ... » : le caractère « … » compte pour un seul caractère"
                + _SMS_NOTE
                + ".",
                m.start(),
                m.end(),
                "…",
            )
        )
    for m in _HIGH_PUNCT.finditer(text):
        pos = m.start()
        if pos == 0:
            continue
        mark = m.group()
        prev = text[pos - 1]
        nxt = text[m.end()] if m.end() < len(text) else ""
        if mark[0] == ":" and ((prev.isdigit() and nxt.isdigit()) or nxt == "/"):
            continue  # 10:30, https://
        if prev in (NBSP, "\u202f"):
            continue
        message = (
            f"Avant « {mark[0]} », une espace insécable est conseillée en français (elle "
            "évite que le signe passe seul à la ligne)."
        )
        if prev == " ":
            findings.append(wt.finding(TYPOGRAPHIE, Severity.INFO, message, pos - 1, pos, NBSP))
        elif not prev.isspace():
            findings.append(
                wt.finding(TYPOGRAPHIE, Severity.INFO, message, pos, pos + 1, NBSP + mark[0])
            )
    return findings


def apply_suggestions(text: str, findings: Iterable[Finding]) -> str:
    """``text`` with the text replacement of every finding applied (overlaps are skipped)."""
    fixes = [f.fix for f in findings if f.fix is not None and f.fix.kind is FixKind.REMPLACER]
    chosen: list[Fix] = []
    for fix in sorted(fixes, key=lambda x: x.start):
        if chosen and fix.start < chosen[-1].end:
            continue
        if 0 <= fix.start <= fix.end <= len(text):
            chosen.append(fix)
    for fix in reversed(chosen):
        text = text[: fix.start] + fix.replacement + text[fix.end :]
    return text


def apply_typography(text: str) -> str:
    """``text`` with French typography applied (apostrophes, « », insécables, …)."""
    for _ in range(4):  # nested cases (apostrophes inside quotes) need a second pass
        fixed = apply_suggestions(text, typography_findings(WorkingText(text)))
        if fixed == text:
            break
        text = fixed
    return text
