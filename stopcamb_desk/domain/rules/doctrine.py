"""Findings of the positive rule, from the reading of :mod:`facts`.

* ``fait_avere`` (operational alerts): at least one offence of the field stated as a fact;
* ``soupcon``: an offence presented as speculation or hearsay (conditional, prediction,
  « selon »…) — like the suspicion words, blocking in an operational alert, a warning in a
  national prevention message;
* ``hors_champ``: a theft outside the field (vehicles, fuel, the street, phone, internet);
* ``prevention_generale`` (national prevention): about burglary prevention, and general —
  no commune with a recent offence (that is the CORG's operational alert).
"""

from __future__ import annotations

from collections.abc import Sequence

from stopcamb_desk.domain.rules.catalog import FAIT_AVERE, HORS_CHAMP, PREVENTION_GENERALE, SOUPCON
from stopcamb_desk.domain.rules.facts import Field, Mention, Modality, Reading
from stopcamb_desk.domain.rules.model import Finding, MessageKind, Severity
from stopcamb_desk.domain.rules.text import WorkingText

_WHAT = (
    "un cambriolage, une tentative, un vol dans une habitation, une dépendance, un garage, "
    "une cave ou un commerce, un vol par ruse ou par fausse qualité"
)
_NOT_A_FACT = {
    Modality.NEGATED: "est nié",
    Modality.ADVICE: "est dans un conseil ou une hypothèse",
    Modality.GENERIC: "est une généralité (rien ne dit où ni quand)",
}


def _overlaps(start: int, end: int, spans: Sequence[tuple[int, int]]) -> bool:
    return any(s < end and start < e for s, e in spans)


def speculation_findings(wt: WorkingText, reading: Reading, kind: MessageKind) -> list[Finding]:
    severity = Severity.BLOQUANT if kind is MessageKind.OPERATIONNEL else Severity.AVERTISSEMENT
    findings: list[Finding] = []
    seen: set[tuple[int, int]] = set()
    for m in reading.mentions:
        if m.modality is not Modality.SPECULATION or m.marker is None or m.marker in seen:
            continue
        seen.add(m.marker)
        start, end = m.marker
        words, offence = wt.text[start:end], wt.text[m.start : m.end]
        findings.append(
            wt.finding(
                SOUPCON,
                severity,
                f"« {words} » présente « {offence} » comme une supposition, une prévision ou "
                "une rumeur, pas comme un fait constaté. Une alerte ne relaie que ce que la "
                "gendarmerie a constaté : écrivez le fait au passé ou au présent "
                "(« … a été cambriolée »), sans conditionnel ni « on redoute ».",
                start,
                end,
            )
        )
    return findings


def out_of_field_findings(
    wt: WorkingText, reading: Reading, taken: Sequence[tuple[int, int]]
) -> list[Finding]:
    """Thefts outside the field; ``taken``: spans the topic rule already underlines."""
    findings: list[Finding] = []
    for m in reading.mentions:
        if m.field is not Field.OUT or m.modality is Modality.NEGATED:
            continue
        if _overlaps(m.start, m.end, taken):
            continue
        findings.append(
            wt.finding(
                HORS_CHAMP,
                Severity.BLOQUANT,
                f"« {wt.text[m.start : m.end]} » ({m.out_words}) : vol hors du champ de "
                "l'application — véhicules, carburant, vol dans la rue, au téléphone ou en "
                "ligne. Stop Cambriolages ne sert qu'aux cambriolages et vols dans les "
                "habitations, leurs dépendances et les commerces : retirez ce fait.",
                m.start,
                m.end,
            )
        )
    return findings


def _first(mentions: Sequence[Mention], field: Field | None = None) -> Mention | None:
    return next((m for m in mentions if field is None or m.field is field), None)


def fact_findings(wt: WorkingText, reading: Reading) -> list[Finding]:
    """The operational alert's positive rule: one offence of the field stated as a fact."""
    if reading.facts_in_field:
        return []
    facts = [m for m in reading.mentions if m.stated_fact]
    unspecified = _first(facts, Field.UNSPECIFIED)
    if unspecified is not None:
        words = wt.text[unspecified.start : unspecified.end]
        return [
            wt.finding(
                FAIT_AVERE,
                Severity.BLOQUANT,
                f"« {words} » : précisez où (dans les maisons, les commerces, les garages, les "
                "caves…) ou comment (par ruse, avec effraction). Seul un vol dans une "
                "habitation, une dépendance ou un commerce relève de l'application.",
                unspecified.start,
                unspecified.end,
            )
        ]
    if facts:  # only facts out of the field: the topic rule says which
        return [
            wt.finding(
                FAIT_AVERE,
                Severity.BLOQUANT,
                "Le seul fait énoncé est hors du champ de l'application : une alerte porte sur "
                f"{_WHAT}.",
                0,
                0,
            )
        ]
    other = next((m for m in reading.mentions if m.modality in _NOT_A_FACT), None)
    if other is not None:
        words = wt.text[other.start : other.end]
        return [
            wt.finding(
                FAIT_AVERE,
                Severity.BLOQUANT,
                f"« {words} » {_NOT_A_FACT[other.modality]} : le texte n'énonce aucun fait "
                "constaté. Une alerte opérationnelle dit ce qui s'est passé, où et quand "
                "(« MEYTHET, nombreux cambriolages dans les maisons, en fin de journée : … »).",
                other.start,
                other.end,
            )
        ]
    if reading.mentions:  # speculation only: the suspicion rule underlines it
        return [
            wt.finding(
                FAIT_AVERE,
                Severity.BLOQUANT,
                "Aucun fait constaté n'est énoncé, seulement une supposition : pas d'alerte "
                "sans fait avéré.",
                0,
                0,
            )
        ]
    return [
        wt.finding(
            FAIT_AVERE,
            Severity.BLOQUANT,
            "Le texte n'énonce aucun fait du champ de l'application. Une alerte opérationnelle "
            f"porte sur un fait constaté par la gendarmerie — {_WHAT} — avec le lieu et le "
            "moment, puis le conseil. Conseils généraux, sécurité routière ou santé relèvent "
            "d'autres canaux ; la rédaction guidée propose un texte conforme.",
            0,
            0,
        )
    ]


_PREVENTION_IS_FOR = (
    "Un message national de prévention sert à prévenir les cambriolages des habitations et "
    "des commerces : fermer portes et fenêtres à clé, signaler ses absences (Opération "
    "Tranquillité Vacances), ne pas laisser de clé sous le paillasson, mettre les objets de "
    "valeur à l'abri, veiller sur le logement d'un voisin absent, équiper son commerce d'une "
    "alarme."
)


def prevention_findings(
    wt: WorkingText, reading: Reading, place_spans: Sequence[tuple[int, int]]
) -> list[Finding]:
    """A national prevention message: about burglary prevention, and no local fact."""
    if not reading.on_topic:
        hours = ""
        if reading.opening_hours is not None:
            start, end = reading.opening_hours
            hours = (
                f"« {wt.text[start:end]} » donne un horaire d'ouverture, pas un conseil de "
                "fermeture. "
            )
        return [
            wt.finding(
                PREVENTION_GENERALE,
                Severity.BLOQUANT,
                f"{hours}Ce texte ne parle pas de la prévention des cambriolages. "
                f"{_PREVENTION_IS_FOR} Sécurité routière, santé, météo, élections, recrutement "
                "ou événements relèvent d'autres canaux (site et réseaux de la gendarmerie, "
                "préfecture).",
                0,
                0,
            )
        ]
    # A fact out of the field is the « hors_champ » rule's: it says why.
    facts = [m for m in reading.mentions if m.stated_fact and m.field is not Field.OUT]
    if not facts:
        return []
    place = place_spans[0] if place_spans else reading.locality
    dated = next((m for m in facts if m.recent is not None), None)
    if place is not None:
        (start, end), fact, what = place, facts[0], "un fait local"
    elif dated is not None and dated.recent is not None:
        (start, end), fact, what = dated.recent, dated, "un fait récent"
    else:
        return []
    return [
        wt.finding(
            PREVENTION_GENERALE,
            Severity.BLOQUANT,
            f"« {wt.text[start:end]} » et « {wt.text[fact.start : fact.end]} » : le message "
            f"relate {what}. Il relève d'une alerte opérationnelle du département concerné "
            "(le CORG l'envoie à ses abonnés), pas d'un message national. Gardez le message "
            "général — sans commune, sans date — (« Les cambriolages augmentent pendant les "
            "vacances : signalez vos absences à votre brigade »), ou laissez le CORG alerter.",
            start,
            end,
        )
    ]
