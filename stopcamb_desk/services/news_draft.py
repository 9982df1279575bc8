"""Validation of a news draft (pure): lengths, the ``https://`` link and the checker's rules.

Titles of 80 characters at most, texts of 1 000, an optional ``https://`` link, and the rule
checker's invisible-character, suspicion, identification and scope rules applied to the title and
the text (as a prevention message).
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from stopcamb_desk.domain.errors import DeskError
from stopcamb_desk.domain.rules import catalog
from stopcamb_desk.domain.rules.model import MessageKind, Severity
from stopcamb_desk.domain.rules.text import count_graphemes

if TYPE_CHECKING:
    from stopcamb_desk.domain.places import PlaceFinder

TITLE_MAX = 80
BODY_MAX = 1000
URL_MAX = 500
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
            return unicodedata.normalize("NFC", value).strip()

        return NewsDraft(clean(self.title), clean(self.body), self.url.strip())


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
    parts = urlsplit(url)
    if parts.scheme != "https":
        return (
            "Le lien doit commencer par https:// (connexion sécurisée) ; "
            "un lien http:// ou sans préfixe est refusé."
        )
    host = parts.hostname or ""
    if "@" in parts.netloc:
        return "Le lien ne doit pas contenir d'identifiant ni de mot de passe (caractère @)."
    if "." not in host or host.startswith(".") or host.endswith("."):
        return "Le lien n'indique pas un site valide (ex. https://www.gendarmerie.interieur.gouv.fr/…)."
    return None


def check_news(draft: NewsDraft, places: PlaceFinder | None = None) -> list[NewsProblem]:
    """Every problem of ``draft`` (as typed), blocking or not; pure, fast enough per keystroke."""
    from stopcamb_desk.domain.rules import check

    problems: list[NewsProblem] = []
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


def refusal(problems: list[NewsProblem], action: str) -> NewsRefused | None:
    blocking = tuple(p for p in problems if p.blocking)
    if not blocking:
        return None
    lines = "\n".join(f"• {FIELD_LABELS[p.field]} : {p.message}" for p in blocking)
    return NewsRefused(f"{action} impossible :\n{lines}", blocking)
