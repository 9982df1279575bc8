"""Validation of a news draft (pure): plain text, lengths, the ``https://`` links, the rules.

Titles of 80 characters at most on one line, texts of 1 000, an optional ``https://`` link, no
markup anywhere (:mod:`.news_markup`: what :meth:`NewsDraft.cleaned` would remove is a blocking
problem, listed fragment by fragment), and the rule checker's invisible-character, suspicion,
identification and scope rules applied to the title and the text (as a prevention message).
"""

from __future__ import annotations

import re
import unicodedata
from contextlib import suppress
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from stopcamb_desk.domain.errors import DeskError
from stopcamb_desk.domain.rules import catalog
from stopcamb_desk.domain.rules.checker import check
from stopcamb_desk.domain.rules.model import MessageKind, Severity
from stopcamb_desk.domain.rules.text import count_graphemes
from stopcamb_desk.services.news_markup import Removal, clean_text, describe, https_links

if TYPE_CHECKING:
    from stopcamb_desk.domain.places import PlaceFinder

TITLE_MAX = 80
# What the title column holds (news_items.title, String(200)): code points, not what the screen
# shows — an emoji of a family or a letter with stacked accents is one character but several.
TITLE_STORED_MAX = 200
BODY_MAX = 1000
URL_MAX = 500
MARKUP_RULE = "balisage"
_HOST_LABEL = re.compile(r"[^\W_](?:[\w-]{0,61}[^\W_])?")
# Characters a link may not hold: they end an HTML attribute or make one (RFC 3986 leaves
# them out too; a browser's address bar copies them percent-encoded).
URL_FORBIDDEN = frozenset("<>\"'`{}|\\^")
# The only letters beyond ASCII a French site name uses; any other (a Cyrillic « е », a
# dotless « ı ») imitates a Latin letter to pass for an official address.
FRENCH_HOST_LETTERS = frozenset("àâäçéèêëîïôöùûüÿœæ")
CHECKED_RULES = frozenset(
    {catalog.CARACTERES_INVISIBLES, catalog.SOUPCON, catalog.IDENTIFICATION, catalog.HORS_CHAMP}
)


class NewsRefused(DeskError):
    """The item cannot be saved or published as it is."""

    def __init__(self, message: str, problems: tuple[NewsProblem, ...] = ()) -> None:
        super().__init__(message)
        self.problems = problems


@dataclass(frozen=True, slots=True)
class NewsDraft:
    title: str
    body: str
    url: str = ""

    def normalised(self) -> NewsDraft:
        def clean(value: str) -> str:
            # A text saved on Windows (CRLF) or an old Mac (CR): plain line breaks.
            value = value.replace("\r\n", "\n").replace("\r", "\n")
            return unicodedata.normalize("NFC", value).strip()

        return NewsDraft(clean(self.title), clean(self.body), self.url.strip())

    def cleaned(self) -> tuple[NewsDraft, tuple[FieldRemoval, ...]]:
        """The draft without markup nor links other than https, and what was taken out."""
        title = clean_text(self.title, paragraphs=False, links=False)
        body = clean_text(self.body)
        removals = tuple(
            FieldRemoval(name, removal)
            for name, result in (("titre", title), ("texte", body))
            for removal in result.removals
        )
        return NewsDraft(title.text, body.text, self.url), removals


@dataclass(frozen=True, slots=True)
class FieldRemoval:
    """What :meth:`NewsDraft.cleaned` took out of one field (``titre`` or ``texte``)."""

    field: str
    removal: Removal


def describe_removals(removals: tuple[FieldRemoval, ...], limit: int = 8) -> list[str]:
    """« Texte — « <script>…</script> » : élément <script> et son contenu », one per line."""
    lines = []
    for name in ("titre", "texte"):
        found = [r.removal for r in removals if r.field == name]
        lines += [f"{FIELD_LABELS[name]} — {line}" for line in describe(found, limit)]
    return lines


@dataclass(frozen=True, slots=True)
class NewsProblem:
    """One problem of a draft: ``field`` is ``titre``, ``texte`` or ``url``."""

    field: str
    severity: Severity
    message: str
    rule: str = ""
    start: int = 0
    end: int = 0

    @property
    def blocking(self) -> bool:
        return self.severity is Severity.BLOQUANT


FIELD_LABELS = {"titre": "Titre", "texte": "Texte", "url": "Lien"}


def check_url(url: str) -> str | None:
    """The French problem with ``url`` (empty is fine), or None."""
    if not url:
        return None
    if len(url) > URL_MAX:
        return f"Le lien dépasse {URL_MAX} caractères : raccourcissez-le."
    if any(ch.isspace() for ch in url):
        return "Le lien contient des espaces : copiez l'adresse exacte depuis le navigateur."
    forbidden = sorted({ch for ch in url if ch in URL_FORBIDDEN or not ch.isprintable()})
    if forbidden:
        shown = " ".join(
            f"« {ch} »" if ch.isprintable() else f"U+{ord(ch):04X}" for ch in forbidden
        )
        return (
            f"Le lien contient des caractères interdits dans une adresse ({shown}) : copiez "
            "l'adresse exacte depuis la barre du navigateur."
        )
    parts = urlsplit(url)
    if parts.scheme != "https":
        return (
            "Le lien doit commencer par https:// (connexion sécurisée) ; "
            "un lien http:// ou sans préfixe est refusé."
        )
    host = parts.hostname or ""
    if "@" in parts.netloc:
        return "Le lien ne doit pas contenir d'identifiant ni de mot de passe (caractère @)."
    try:
        _ = parts.port  # ValueError: a port out of 0-65535, or not a number
    except ValueError:
        return "Le port du lien (après « : ») est invalide : copiez l'adresse exacte."
    labels = host.split(".")
    if labels[-1].isdigit():  # no top-level domain is all digits: an IPv4 address
        return (
            f"Le lien désigne une adresse IP ({host}) et non un site nommé : c'est le procédé "
            "des faux sites. Indiquez l'adresse du site officiel."
        )
    lookalikes = sorted({ch for ch in _unicode_host(labels) if _imitates_latin(ch)})
    if lookalikes:
        shown = ", ".join(f"« {ch} » (U+{ord(ch):04X})" for ch in lookalikes)
        return (
            f"Le nom du site contient des lettres qui imitent des lettres latines ({shown}) : "
            "c'est le procédé des faux sites. Tapez l'adresse à la main ou copiez-la depuis le "
            "site officiel."
        )
    if len(labels) < 2 or not all(_HOST_LABEL.fullmatch(label) for label in labels):
        return "Le lien n'indique pas un site valide (ex. https://www.gendarmerie.interieur.gouv.fr/…)."
    return None


# Beyond this many times the limit, only the length is reported (per keystroke, a pasted file
# must not freeze the desk while markup and rules are looked for in it).
OVERSIZE_FACTOR = 20


def _oversized(draft: NewsDraft) -> list[NewsProblem]:
    return [
        NewsProblem(
            name,
            Severity.BLOQUANT,
            f"{what} fait plus de {OVERSIZE_FACTOR * limit} caractères ({len(text)}) : "
            f"{limit} au plus. Collez seulement le passage à publier.",
            "longueur",
        )
        for name, text, limit, what in (
            ("titre", draft.title, TITLE_MAX, "Le titre"),
            ("texte", draft.body, BODY_MAX, "Le texte"),
        )
        if len(text) > OVERSIZE_FACTOR * limit
    ]


def _unicode_host(labels: list[str]) -> str:
    """The site name as it reads, punycode labels (``xn--…``) decoded."""
    read = []
    for label in labels:
        decoded = label
        if label.startswith("xn--"):
            with suppress(UnicodeError):  # not valid punycode: left as written
                decoded = label.encode("ascii").decode("idna")
        read.append(decoded)
    return ".".join(read)


def _imitates_latin(ch: str) -> bool:
    return not ch.isascii() and ch not in FRENCH_HOST_LETTERS


def check_news(draft: NewsDraft, places: PlaceFinder | None = None) -> list[NewsProblem]:
    """Every problem of ``draft`` (as typed), blocking or not; pure, fast enough per keystroke."""
    oversized = _oversized(draft)
    if oversized:
        return oversized  # a whole file pasted: say so at once, the other checks would take seconds
    problems: list[NewsProblem] = []
    cleaned, removals = draft.cleaned()
    for name in ("titre", "texte"):
        found = [r.removal for r in removals if r.field == name]
        if found:
            lines = "\n".join(f"   – {line}" for line in describe(found))
            problems.append(
                NewsProblem(
                    name,
                    Severity.BLOQUANT,
                    "code ou lien non permis (le flux n'accepte que du texte, des paragraphes "
                    f"et des liens https://), à retirer avant publication :\n{lines}",
                    MARKUP_RULE,
                )
            )
    if "\n" in draft.title.strip():
        problems.append(
            NewsProblem("titre", Severity.BLOQUANT, "Le titre doit tenir sur une ligne.", "ligne")
        )
    for link in https_links(cleaned.body):
        link_problem = check_url(link.url)
        if link_problem:
            problems.append(
                NewsProblem(
                    "texte",
                    Severity.BLOQUANT,
                    f"lien « {link.url} » : {link_problem}",
                    "lien",
                    link.start,
                    link.end,
                )
            )
    for name, text, limit, what in (
        ("titre", draft.title, TITLE_MAX, "le titre"),
        ("texte", draft.body, BODY_MAX, "le texte"),
    ):
        length = count_graphemes(unicodedata.normalize("NFC", text).strip())
        if length == 0:
            problems.append(
                NewsProblem(name, Severity.BLOQUANT, f"Rédigez {what} de l'article.", "vide")
            )
            continue
        if length > limit:
            problems.append(
                NewsProblem(
                    name,
                    Severity.BLOQUANT,
                    f"{what.capitalize()} fait {length} caractères : {limit} au plus.",
                    "longueur",
                )
            )
        stored = len(unicodedata.normalize("NFC", text).strip())
        if name == "titre" and length <= limit and stored > TITLE_STORED_MAX:
            problems.append(
                NewsProblem(
                    name,
                    Severity.BLOQUANT,
                    f"Le titre est trop long une fois enregistré ({stored} signes, "
                    f"{TITLE_STORED_MAX} au plus) : ses émojis composés ou ses accents empilés "
                    "comptent chacun pour plusieurs signes. Retirez-en.",
                    "longueur",
                )
            )
        verdict = check(text, kind=MessageKind.PREVENTION, places=places)
        for finding in verdict.findings:
            if finding.rule in CHECKED_RULES and finding.severity is not Severity.INFO:
                problems.append(
                    NewsProblem(
                        name,
                        finding.severity,
                        finding.message,
                        finding.rule,
                        finding.start,
                        finding.end,
                    )
                )
    url_problem = check_url(draft.url.strip())
    if url_problem:
        problems.append(NewsProblem("url", Severity.BLOQUANT, url_problem, "lien"))
    return problems


def news_refusal(problems: list[NewsProblem], action: str) -> NewsRefused | None:
    blocking = tuple(p for p in problems if p.blocking)
    if not blocking:
        return None
    lines = "\n".join(f"• {FIELD_LABELS[p.field]} : {p.message}" for p in blocking)
    return NewsRefused(f"{action} impossible :\n{lines}", blocking)
