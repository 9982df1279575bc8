"""Plain text only: no HTML markup (it would show as such, or be interpreted), links warned.

A push body is shown as plain text by Android and iOS: « <b>Cambriolages</b> » reaches the
phones with its tags. A link is not clickable in the notification and is the hallmark of
phishing look-alikes: warn, and let the operator decide.
"""

from __future__ import annotations

import re

from stopcamb_desk.domain.rules.catalog import TEXTE_BRUT
from stopcamb_desk.domain.rules.model import Finding, Severity
from stopcamb_desk.domain.rules.text import WorkingText

_TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9-]*(?:\s[^<>]*)?/?>|<!--.*?-->")
_ENTITY = re.compile(r"&(?:[A-Za-z]{2,8}|#\d{1,6}|#x[0-9A-Fa-f]{1,6});")
_LINK = re.compile(
    r"\b(?:https?://|www\.)[^\s<>«»\"]+"
    r"|\b[\w-]{2,}(?:\.[\w-]{2,})*\.(?:fr|com|net|org|eu|info|io|ly|me|gouv\.fr)\b(?:/[^\s<>«»\"]*)?",
    re.IGNORECASE,
)


def markup_findings(wt: WorkingText) -> list[Finding]:
    text = wt.text
    findings: list[Finding] = []
    for pattern, what in ((_TAG, "Balise HTML"), (_ENTITY, "Entité HTML")):
        for m in pattern.finditer(text):
            findings.append(
                wt.finding(
                    TEXTE_BRUT,
                    Severity.BLOQUANT,
                    f"{what} « {m.group()} » : la notification affiche le texte brut, la balise "
                    "arriverait telle quelle sur les téléphones. Retirez-la.",
                    m.start(),
                    m.end(),
                    "",
                )
            )
    for m in _LINK.finditer(text):
        end = m.end()
        while end > m.start() and text[end - 1] in ".,;:!?)":
            end -= 1
        findings.append(
            wt.finding(
                TEXTE_BRUT,
                Severity.AVERTISSEMENT,
                f"Lien « {text[m.start() : end]} » : il n'est pas cliquable dans la notification "
                "et imite les messages d'hameçonnage. Renvoyez plutôt vers l'application, la "
                "brigade ou le 17.",
                m.start(),
                end,
            )
        )
    return findings
