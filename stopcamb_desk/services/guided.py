"""« Rédaction guidée »: a few choices write a lawful alert in the style of the doctrine's example.

« MEYTHET, nombreux cambriolages dans les maisons, en fin de journée : prenez vos précautions
et soyez vigilants, faites passer l'info ! » is the shape: the commune in capitals, the offence
with how many and where, when, then the advice. Every choice is a phrase that the rule checker
reads as a stated offence of the field, so the text passes (tests check every combination);
the operator may still edit it in the composer, where the checker keeps running.

Qt-free: the dialog of ``ui/composer/guided.py`` only binds these choices to widgets.
"""

from __future__ import annotations

from dataclasses import dataclass

from stopcamb_desk.domain.rules.model import SMS_LIMIT
from stopcamb_desk.domain.rules.text import count_graphemes
from stopcamb_desk.geo.communes import search_communes


@dataclass(frozen=True, slots=True)
class Choice:
    id: str
    label: str  # what the form shows
    phrase: str  # what the text says
    short: str = ""  # a shorter phrase when the text would exceed 160 characters
    feminine: bool = False  # an offence: « nombreuses tentatives »
    feminine_phrase: str = ""  # a quantity before a feminine offence


OFFENCES: tuple[Choice, ...] = (
    Choice("cambriolages", "Cambriolages", "cambriolages"),
    Choice("tentatives", "Tentatives de cambriolage", "tentatives de cambriolage", feminine=True),
    Choice("effraction", "Vols avec effraction", "vols avec effraction"),
    Choice("ruse", "Vols par ruse (faux agents, faux policiers…)", "vols par ruse"),
    Choice("vols", "Vols", "vols"),
)
QUANTITIES: tuple[Choice, ...] = (
    Choice("nombreux", "Nombreux", "nombreux", feminine_phrase="nombreuses"),
    Choice("plusieurs", "Plusieurs", "plusieurs"),
    Choice("serie", "Série de", "série de"),
)
PREMISES: tuple[Choice, ...] = (
    Choice("maisons", "Maisons", "dans les maisons"),
    Choice("appartements", "Appartements", "dans les appartements"),
    Choice("commerces", "Commerces", "dans les commerces"),
    Choice("secondaires", "Résidences secondaires", "dans les résidences secondaires"),
    Choice("garages", "Garages et caves", "dans les garages et les caves"),
    Choice("dependances", "Dépendances et abris de jardin", "dans les dépendances et abris"),
    Choice("ages", "Chez les personnes âgées", "chez les personnes âgées"),
)
MOMENTS: tuple[Choice, ...] = (
    Choice("fin_journee", "En fin de journée", "en fin de journée"),
    Choice("journee", "En journée", "en journée"),
    Choice("soiree", "En soirée", "en soirée"),
    Choice("nuit", "Cette nuit", "cette nuit"),
    Choice("nuit_derniere", "La nuit dernière", "la nuit dernière"),
    Choice("week_end", "Ce week-end", "ce week-end"),
    Choice(
        "semaine",
        "Depuis le début de la semaine",
        "depuis le début de la semaine",
        short="cette semaine",
    ),
    Choice("jours", "Ces derniers jours", "ces derniers jours"),
)
ADVICE: tuple[Choice, ...] = (
    Choice(
        "precautions",
        "Prenez vos précautions (exemple des consignes)",
        "prenez vos précautions et soyez vigilants, faites passer l'info !",
        short="soyez vigilants, faites passer l'info !",
    ),
    Choice(
        "fermer",
        "Fermez portes et fenêtres",
        "fermez portes et fenêtres, même pour une courte absence.",
        short="fermez portes et fenêtres.",
    ),
    Choice(
        "commercants",
        "Commerçants : fermetures et alarme",
        "commerçants, vérifiez vos fermetures et votre alarme.",
        short="vérifiez fermetures et alarme.",
    ),
    Choice(
        "ruse",
        "N'ouvrez pas sans rendez-vous",
        "ne laissez entrer personne sans rendez-vous, appelez le 17.",
        short="n'ouvrez pas, appelez le 17.",
    ),
    Choice(
        "otv",
        "Absences : opération tranquillité vacances",
        "signalez vos absences à la brigade (OTV).",
        short="pensez à l'OTV.",
    ),
    Choice(
        "cles",
        "Pas de clés sous le paillasson",
        "ne laissez pas de clés sous le paillasson, fermez à clé.",
        short="fermez à clé.",
    ),
    Choice(
        "signaler",
        "Signalez tout fait au 17",
        "signalez tout fait inhabituel au 17.",
        short="appelez le 17.",
    ),
)


def _by_id(choices: tuple[Choice, ...], choice_id: str) -> Choice:
    return next((c for c in choices if c.id == choice_id), choices[0])


@dataclass(frozen=True, slots=True)
class GuidedForm:
    """What the operator chose; ``commune`` is the commune's name (« Meythet »), may be empty."""

    commune: str = ""
    offence: str = OFFENCES[0].id
    quantity: str = QUANTITIES[0].id
    premises: str = PREMISES[0].id
    moment: str = MOMENTS[0].id
    advice: str = ADVICE[0].id


@dataclass(frozen=True, slots=True)
class GuidedText:
    text: str
    length: int

    @property
    def fits(self) -> bool:
        return self.length <= SMS_LIMIT


def _quantity(quantity: Choice, offence: Choice) -> str:
    if offence.feminine and quantity.feminine_phrase:
        return quantity.feminine_phrase
    return quantity.phrase


def compose(form: GuidedForm) -> GuidedText:
    """The alert text of ``form``; shorter phrases are used when the long ones exceed 160."""
    offence = _by_id(OFFENCES, form.offence)
    quantity = _by_id(QUANTITIES, form.quantity)
    premises = _by_id(PREMISES, form.premises)
    moment = _by_id(MOMENTS, form.moment)
    advice = _by_id(ADVICE, form.advice)
    commune = form.commune.strip().upper()
    candidates = [
        (moment.phrase, advice.phrase),
        (moment.phrase, advice.short or advice.phrase),
        (moment.short or moment.phrase, advice.short or advice.phrase),
    ]
    text = ""
    for when, what in candidates:
        fact = f"{_quantity(quantity, offence)} {offence.phrase} {premises.phrase}"
        body = f"{fact}, {when} : {what}"
        text = f"{commune}, {body}" if commune else body[:1].upper() + body[1:]
        if count_graphemes(text) <= SMS_LIMIT:
            break
    return GuidedText(text, count_graphemes(text))


@dataclass(frozen=True, slots=True)
class CommuneChoice:
    nom: str
    label: str  # « Meythet (74), commune déléguée d'Annecy »


def commune_choices(query: str, departement: str, limit: int = 12) -> list[CommuneChoice]:
    """Communes of ``departement`` whose name starts with ``query`` (the form's completer)."""
    found = search_communes(query, limit, departements={departement})
    return [CommuneChoice(c.nom, c.label) for c in found]
