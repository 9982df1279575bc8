"""Plain text only: no markup, nothing left over from a pasted page or e-mail.

A push body is shown as plain text by Android and iOS: « <b>Cambriolages</b> » or
« **Cambriolages** » reaches the phones with its tags and stars. An operator who pastes a web
page, a Facebook post or an e-mail brings along what is not the alert: addresses copied from
the browser (« https://… »), signatures (« Envoyé de mon iPhone », « -- », « Cordialement »),
e-mail headers (« Objet : »), several paragraphs, the buttons of the page (« J'aime ·
Commenter · Partager »). Each blocks with what it is and how to remove it. A link typed by the
operator (« www.… », « site.fr ») is not clickable in the notification and is the hallmark of
phishing look-alikes: a warning, and the operator decides.
"""

from __future__ import annotations

import re

from stopcamb_desk.domain.rules.catalog import TEXTE_BRUT
from stopcamb_desk.domain.rules.model import Finding, Severity
from stopcamb_desk.domain.rules.text import WorkingText

_TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9-]*(?:\s[^<>]*)?/?>|<!--.*?-->")
_ENTITY = re.compile(r"&(?:[A-Za-z]{2,8}|#\d{1,6}|#x[0-9A-Fa-f]{1,6});")
_ADDRESS_BAR = re.compile(r"\b(?:https?|ftp)://[^\s<>«»\"]+", re.IGNORECASE)
_LINK = re.compile(
    r"\bwww\.[^\s<>«»\"]+"
    r"|\b[\w-]{2,}(?:\.[\w-]{2,})*\.(?:fr|com|net|org|eu|info|io|ly|me|gouv\.fr)\b(?:/[^\s<>«»\"]*)?",
    re.IGNORECASE,
)
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_HANDLE = re.compile(r"(?<![\w@.])@[A-Za-z_]\w{1,30}\b")
_HASHTAG = re.compile(r"(?<![\w&#])#(?=\w*[^\W\d_])(\w{2,40})")
# Markdown: the replacement keeps the text between the marks.
_MARKDOWN_LINK = re.compile(r"\[([^\]\n]{1,200})\]\(([^)\s]{1,500})\)")
_MARKDOWN_STRONG = re.compile(r"\*\*([^*\n]{1,200})\*\*|__([^_\n]{1,200})__")
_MARKDOWN_EMPHASIS = re.compile(r"(?<![\w*])\*([^*\s][^*\n]{0,200}?)\*(?![\w*])|`([^`\n]{1,200})`")
_LINE_MARK = re.compile(r"(?m)^[ \t]*(?:#{1,6}|>|[-*+•▪►]|\d{1,2}[.)])[ \t]+")
# On the folded text (lower case, no accents).
_PARAGRAPHS = re.compile(r"\n[ \t\u00a0]*\n\s*")
_SIGNATURE = re.compile(
    r"(?m)^--[ \t]*$"
    r"|\benvoyee?\s+(?:de|depuis|a\s+partir\s+de|avec)\s+(?:mon|ma|l'application)\s+[\w-]+"
    r"(?:\s+[\w-]+)?"
    r"|\bsent\s+from\s+my\s+\w+|\bget\s+outlook\s+for\s+\w+|\btelecharger\s+outlook\b"
    r"|\b(?:bien\s+|tres\s+)?cordialement\b|\bbien\s+a\s+vous\b|\brespectueusement\b"
    r"|\b(?:sinceres\s+|meilleures\s+)?salutations(?:\s+distinguees)?\b"
)
_MAIL_HEADER = re.compile(
    r"(?m)^[ \t]*(?:de|a|objet|date|envoye|cc|cci|from|to|subject|sent|re|tr|fwd?)[ \t]*:"
)
_PAGE_BUTTONS = re.compile(
    r"\b(?:j'aime|commenter|partager|repondre)\s*[·•|]\s*(?:j'aime|commenter|partager|repondre)\b"
    r"|\b(?:voir\s+la\s+traduction|afficher\s+la\s+suite|lire\s+la\s+suite)\b"
    r"|(?:…|\.\.\.)\s*voir\s+plus\b"
)


def _inner(m: re.Match[str]) -> str:
    return next((g for g in m.groups() if g is not None), "")


def markup_findings(wt: WorkingText) -> list[Finding]:
    text, folded = wt.text, wt.folded
    findings: list[Finding] = []

    def block(start: int, end: int, message: str, replacement: str = "") -> None:
        findings.append(wt.finding(TEXTE_BRUT, Severity.BLOQUANT, message, start, end, replacement))

    for pattern, what in ((_TAG, "Balise HTML"), (_ENTITY, "Entité HTML")):
        for m in pattern.finditer(text):
            block(
                m.start(),
                m.end(),
                f"{what} « {m.group()} » : la notification affiche le texte brut, la balise "
                "arriverait telle quelle sur les téléphones. Retirez-la.",
            )
    links = [m for m in _MARKDOWN_LINK.finditer(text)]
    for m in links:
        block(
            m.start(),
            m.end(),
            f"Lien mis en forme « {m.group()} » (copié d'une page) : la notification "
            "afficherait crochets et adresse. Gardez le texte seul.",
            m.group(1),
        )
    for pattern in (_MARKDOWN_STRONG, _MARKDOWN_EMPHASIS):
        for m in pattern.finditer(text):
            block(
                m.start(),
                m.end(),
                f"Mise en forme « {m.group()} » (copiée d'une page ou d'une messagerie) : les "
                "téléphones afficheraient les signes tels quels. Gardez le texte seul.",
                _inner(m),
            )
    for m in _LINE_MARK.finditer(text):
        block(
            m.start(),
            m.end(),
            f"« {m.group().strip()} » en début de ligne : titre, citation ou liste copiés d'une "
            "page. Une alerte est une phrase suivie : retirez la marque.",
        )
    for m in _PARAGRAPHS.finditer(text):
        block(
            m.start(),
            m.end(),
            "Plusieurs paragraphes : c'est un texte collé (page, courriel), pas une alerte. "
            "Une alerte tient en une ou deux phrases : gardez le fait, le lieu et le conseil, "
            "retirez le reste.",
            " ",
        )
    for m in _SIGNATURE.finditer(folded):
        start = m.start()
        if start > 0 and text[start - 1] == "\n":
            start -= 1
        block(
            start,
            m.end(),
            f"« {text[m.start() : m.end()].strip()} » : formule ou signature de courriel collée "
            "avec le texte. Seule l'alerte part : retirez-la.",
        )
    for m in _MAIL_HEADER.finditer(folded):
        block(
            m.start(),
            m.end(),
            f"« {text[m.start() : m.end()].strip()} » : en-tête de courriel collé avec le "
            "texte. Ne gardez que l'alerte.",
        )
    for m in _PAGE_BUTTONS.finditer(folded):
        block(
            m.start(),
            m.end(),
            f"« {text[m.start() : m.end()]} » : bouton ou lien de la page copiée (réseau social, "
            "site de presse). Retirez-le.",
        )
    taken = [(m.start(), m.end()) for m in links]
    for m in _ADDRESS_BAR.finditer(text):
        end = _trim(text, m.start(), m.end())
        if _overlaps(m.start(), end, taken):
            continue
        taken.append((m.start(), end))
        block(
            m.start(),
            end,
            f"Adresse web « {text[m.start() : end]} » copiée d'une page : la notification "
            "l'afficherait en entier, sans lien cliquable, comme un message d'hameçonnage. "
            "Retirez-la ; renvoyez vers la brigade ou le 17.",
        )
    for m in _EMAIL.finditer(text):
        taken.append(m.span())
        block(
            m.start(),
            m.end(),
            f"Adresse électronique « {m.group()} » : une alerte ne donne ni adresse ni numéro, "
            "seulement le 17. Retirez-la.",
        )
    for m in _HANDLE.finditer(text):
        block(
            m.start(),
            m.end(),
            f"« {m.group()} » : mention d'un compte de réseau social, copiée d'une publication. "
            "Retirez-la.",
        )
    for m in _LINK.finditer(text):
        end = _trim(text, m.start(), m.end())
        if _overlaps(m.start(), end, taken):
            continue
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
    for m in _HASHTAG.finditer(text):
        findings.append(
            wt.finding(
                TEXTE_BRUT,
                Severity.AVERTISSEMENT,
                f"Mot-dièse « {m.group()} » (réseaux sociaux) : sans effet dans une notification. "
                "Écrivez le mot seul.",
                m.start(),
                m.end(),
                m.group(1),
            )
        )
    return findings


def _trim(text: str, start: int, end: int) -> int:
    while end > start and text[end - 1] in ".,;:!?)":
        end -= 1
    return end


def _overlaps(start: int, end: int, spans: list[tuple[int, int]]) -> bool:
    return any(s < end and start < e for s, e in spans)
