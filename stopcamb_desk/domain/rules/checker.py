"""The rule checker: one call per keystroke, a verdict with located French findings."""

from __future__ import annotations

import re
from collections import defaultdict
from datetime import date, timedelta

from stopcamb_desk.domain.departements import DEPARTEMENT_NAMES, departement_label
from stopcamb_desk.domain.places import PlaceFinder, PlaceMatch
from stopcamb_desk.domain.rules import catalog as c
from stopcamb_desk.domain.rules.charset import gsm7_findings, invisible_findings
from stopcamb_desk.domain.rules.doctrine import (
    fact_findings,
    out_of_field_findings,
    prevention_findings,
    speculation_findings,
)
from stopcamb_desk.domain.rules.facts import read
from stopcamb_desk.domain.rules.identity import STREET_TYPES, identification_findings
from stopcamb_desk.domain.rules.lexicon import scope_findings, suspicion_findings, tone_findings
from stopcamb_desk.domain.rules.markup import markup_findings
from stopcamb_desk.domain.rules.model import (
    SMS_LIMIT,
    Attestation,
    Finding,
    Fix,
    FixKind,
    MessageKind,
    ParquetAuthorisation,
    RuleState,
    Severity,
    SmsInfo,
    Verdict,
)
from stopcamb_desk.domain.rules.morphology import disguised_words
from stopcamb_desk.domain.rules.text import (
    EXERCISE_PREFIX,
    WorkingText,
    count_graphemes,
    fold,
    grapheme_spans,
    has_exercise_prefix,
    prepare_text,
)
from stopcamb_desk.domain.rules.typography import typography_findings

ATTESTATION_MAX_AGE = timedelta(days=7)
ANALYSIS_LIMIT = 4 * SMS_LIMIT
"""The rules read at most this many code points of the typed text (the rest blocks): a hostile
or accidental paste of a whole page must not hold the composer's keystroke."""
# « quartier des Fins », « rue de Lyon », « quartier Saint-Martin »: a locality named after a
# commune elsewhere, not that commune.
_LOCALITY_BEFORE = re.compile(
    r"\b(?:" + STREET_TYPES + r"|quartier|cite|zone|parc|domaine|ilot|secteur\s+du)\s+"
    r"(?:(?:de\s+la|de\s+l'|du|des|de|d')\s*)?$"
)
_PREFIX_LENGTH = count_graphemes(EXERCISE_PREFIX)
# A département or a territory named for where the offence happened: « en Savoie », « dans le
# Rhône », « en Corse », « à La Réunion ». Longest names first (« Haute-Savoie » before
# « Savoie »); a preposition of place must precede, so that « Nord » or « Var » in another
# sense does not count.
_TERRITORIES: dict[str, tuple[str, ...]] = {
    **{fold(name): (code,) for code, name in DEPARTEMENT_NAMES.items()},
    "corse": ("2A", "2B"),
    "reunion": ("974",),
    "ile de la reunion": ("974",),
    "outre-mer": ("971", "972", "973", "974", "976"),
}
_TERRITORY = re.compile(
    r"(?<![\w-])(?:en|dans\s+(?:le|la|les|l')\s*|du|des|de\s+la|de\s+l'|a\s+la|a|au|aux)\s*"
    r"(?P<name>"
    + "|".join(
        re.escape(k).replace(r"\ ", r"[\s-]+").replace(r"\-", r"[\s-]+")
        for k in sorted(_TERRITORIES, key=len, reverse=True)
    )
    + r")(?![\w-])"
)


def check(
    text: str,
    *,
    kind: MessageKind = MessageKind.OPERATIONNEL,
    departement: str | None = None,
    attestation: Attestation | None = None,
    parquet: ParquetAuthorisation | None = None,
    places: PlaceFinder | None = None,
    exercise: bool = False,
    require_attestation: bool = False,
    place_confirmed: bool = False,
    retraction: bool = False,
    today: date | None = None,
) -> Verdict:
    """Check ``text`` (as typed) against every rule.

    ``require_attestation``: the composer and the send service pass True, so that an
    operational alert without attestation is blocked; ``lint`` checks the text alone.
    ``place_confirmed``: the operator confirmed that an alert naming a commune of another
    département concerns the target's subscribers (the commune then only warns).
    ``retraction``: the neutral text that withdraws an alert states no fact, so the positive
    rule does not apply to it.
    Spans of the findings index ``text`` as given (not its NFC form).
    """
    kind = MessageKind(kind)
    today = today or date.today()
    analysed = analysed_part(text)
    wt = WorkingText(analysed, disguised_words)
    sent = prepare_text(text, exercise=exercise)
    length = count_graphemes(sent)
    findings: list[Finding] = []
    applicable = set(c.RULE_IDS)
    if len(analysed) < len(text):
        findings.append(_unanalysed_finding(text, len(analysed), length))

    findings += invisible_findings(wt)
    if not _has_content(wt):
        findings.append(
            wt.finding(
                c.VIDE,
                Severity.BLOQUANT,
                "Le message est vide : rédigez l'alerte (le fait, le lieu, le conseil).",
                0,
                len(wt.text),
            )
        )
        unchecked = {c.ATTESTATION, c.LIEU, c.FAIT_AVERE, c.PREVENTION_GENERALE}
        return _verdict(findings, length, sent, applicable - unchecked, None)

    findings += _length_findings(wt, length, exercise)
    if kind is MessageKind.OPERATIONNEL and (require_attestation or attestation is not None):
        findings += _attestation_findings(attestation, today)
    else:
        applicable.discard(c.ATTESTATION)
    findings += markup_findings(wt)
    # A national message names no commune: there, « Cluses : … » is read as one (it would
    # make the message local), where an alert only takes a sure name for its target check
    # (or one of its own département, below).
    national = kind is MessageKind.PREVENTION
    matches = _find_places(places, wt.text, national) if places is not None else []
    if places is not None:
        matches += _territories(wt, matches)
    if places is not None and not national:
        # « Cluses : … » heading an alert: a commune named like an ordinary word is taken when
        # it is one of the target département (never to say the alert misses its target).
        matches += [
            m
            for m in _find_places(places, wt.text, True)
            if m.departement == departement and m not in matches
        ]
    place_spans = [(m.start, m.end) for m in matches]
    reading = read(wt.text, place_spans)
    if kind is MessageKind.OPERATIONNEL and not retraction:
        findings += fact_findings(wt, reading)
    else:
        applicable.discard(c.FAIT_AVERE)
    if kind is MessageKind.PREVENTION and not retraction:
        findings += prevention_findings(wt, reading, place_spans)
    else:
        applicable.discard(c.PREVENTION_GENERALE)
    findings += suspicion_findings(wt, kind, place_spans)
    findings += speculation_findings(wt, reading, kind)
    parquet_ok = parquet is not None and parquet.date <= today
    if parquet is not None and not parquet_ok:
        findings.append(
            wt.finding(
                c.IDENTIFICATION,
                Severity.BLOQUANT,
                "La date de l'autorisation du Parquet est dans le futur : corrigez-la.",
                0,
                0,
            )
        )
    findings += identification_findings(wt, place_spans, parquet if parquet_ok else None)
    topics = scope_findings(wt, place_spans)
    findings += topics
    findings += out_of_field_findings(wt, reading, [(f.start, f.end) for f in topics])
    if places is None:
        applicable.discard(c.LIEU)
    else:
        findings += _place_findings(wt, matches, kind, departement, place_confirmed)
    findings += tone_findings(wt, place_spans)
    findings += typography_findings(wt)
    gsm, sms = gsm7_findings(wt, sent)
    findings += gsm
    return _verdict(findings, length, sent, applicable, sms)


def analysed_part(text: str) -> str:
    """The first :data:`ANALYSIS_LIMIT` code points of ``text``, cut between two characters
    as perceived (never inside « é » typed as « e » + accent)."""
    if len(text) <= ANALYSIS_LIMIT:
        return text
    cut = 0
    for start, _end in grapheme_spans(text[: ANALYSIS_LIMIT + 1]):
        if start > ANALYSIS_LIMIT:
            break
        cut = start
    return text[:cut] if cut else text[:ANALYSIS_LIMIT]


def _unanalysed_finding(text: str, cut: int, length: int) -> Finding:
    return Finding(
        c.LONGUEUR,
        Severity.BLOQUANT,
        f"Le texte fait {length} caractères : c'est sans doute une page ou un message collé. "
        f"Le poste n'en contrôle que les {ANALYSIS_LIMIT} premiers et une alerte en compte "
        f"{SMS_LIMIT} au plus : gardez le fait, le lieu et le conseil, retirez le reste.",
        cut,
        len(text),
        Fix(FixKind.REMPLACER, "Retirer la fin du texte", cut, len(text), ""),
    )


def _find_places(places: PlaceFinder, text: str, headings: bool) -> list[PlaceMatch]:
    """Every commune named in ``text``; all homonyms when the finder can list them."""
    with_homonyms = getattr(places, "find_places_with_homonyms", None)
    if callable(with_homonyms):
        return [m for group in with_homonyms(text, headings=headings) for m in group]
    return places.find_places(text, headings=headings)


def _territories(wt: WorkingText, communes: list[PlaceMatch]) -> list[PlaceMatch]:
    """Départements and territories named after a preposition of place (capitalised)."""
    found: list[PlaceMatch] = []
    for m in _TERRITORY.finditer(wt.folded):
        start, end = m.span("name")
        if not wt.text[start].isupper():
            continue
        key = re.sub(r"[\s-]+", " ", m.group("name"))
        codes = _TERRITORIES.get(key) or _TERRITORIES.get(m.group("name"), ())
        # « La Réunion » is also a commune of Lot-et-Garonne: the territory is its homonym.
        same = next((p for p in communes if p.start < end and start < p.end), None)
        if same is not None:
            start, end = same.start, same.end
        for code in codes:
            found.append(PlaceMatch(start, end, "", wt.text[start:end], code, "departement"))
    return found


def _has_content(wt: WorkingText) -> bool:
    return any(ch.isalnum() or (not ch.isspace() and ch.isprintable()) for ch in wt.text)


def _verdict(
    findings: list[Finding],
    length: int,
    sent: str,
    applicable: set[str],
    sms: SmsInfo | None,
) -> Verdict:
    order = {rule: i for i, rule in enumerate(c.RULE_IDS)}
    findings.sort(key=lambda f: (-f.severity.rank, f.start, order[f.rule]))
    worst: dict[str, Severity] = {}
    for f in findings:
        if f.rule not in worst or f.severity.rank > worst[f.rule].rank:
            worst[f.rule] = f.severity
    states: dict[str, RuleState] = {}
    for rule in c.RULE_IDS:
        severity = worst.get(rule)
        if severity is Severity.BLOQUANT:
            states[rule] = RuleState.ECHEC
        elif severity is Severity.AVERTISSEMENT:
            states[rule] = RuleState.AVERTISSEMENT
        elif rule not in applicable:
            states[rule] = RuleState.NON_APPLICABLE
        elif severity is Severity.INFO:
            states[rule] = RuleState.SUGGESTION
        else:
            states[rule] = RuleState.OK
    sendable = not any(f.severity is Severity.BLOQUANT for f in findings)
    return Verdict(
        sendable=sendable,
        length=length,
        limit=SMS_LIMIT,
        findings=tuple(findings),
        states=states,
        text_to_send=sent,
        sms=sms,
    )


def _length_findings(wt: WorkingText, length: int, exercise: bool) -> list[Finding]:
    if length <= SMS_LIMIT:
        return []
    text = wt.text
    body_start = len(text) - len(text.lstrip())
    body_end = len(text.rstrip())
    allowed = SMS_LIMIT
    if exercise and not has_exercise_prefix(text):
        allowed -= _PREFIX_LENGTH
    clusters = grapheme_spans(text[body_start:body_end])
    cut = body_start + (clusters[allowed][0] if 0 < allowed < len(clusters) else 0)
    if allowed <= 0:
        cut = body_start
    excess = length - SMS_LIMIT
    prefix_note = " (préfixe « EXERCICE » compris)" if exercise else ""
    return [
        wt.finding(
            c.LONGUEUR,
            Severity.BLOQUANT,
            f"Le message fait {length} caractères{prefix_note} pour {SMS_LIMIT} au plus : "
            f"raccourcissez-le de {excess} caractère{'s' if excess > 1 else ''}.",
            cut,
            body_end,
        )
    ]


def _attestation_findings(attestation: Attestation | None, today: date) -> list[Finding]:
    if attestation is None:
        message = (
            "Aucune procédure ne fonde l'alerte : renseignez la plainte, le procès-verbal ou le "
            "renseignement judiciaire (numéro et date). Pas d'alerte sans fait avéré."
        )
        return [Finding(c.ATTESTATION, Severity.BLOQUANT, message, 0, 0)]
    if attestation.date > today:
        message = "La date de la procédure est dans le futur : corrigez-la."
        return [Finding(c.ATTESTATION, Severity.BLOQUANT, message, 0, 0)]
    if today - attestation.date > ATTESTATION_MAX_AGE:
        days = (today - attestation.date).days
        message = (
            f"La procédure date de {days} jours : une alerte porte sur un fait récent. "
            "Vérifiez qu'elle reste utile."
        )
        return [Finding(c.ATTESTATION, Severity.AVERTISSEMENT, message, 0, 0)]
    return []


def _of(name: str) -> str:
    """« de Seynod », « d'Annecy »."""
    return f"d'{name}" if fold(name[:1]) in "aeiouyh" else f"de {name}"


def _place_findings(
    wt: WorkingText,
    matches: list[PlaceMatch],
    kind: MessageKind,
    departement: str | None,
    confirmed: bool,
) -> list[Finding]:
    if not matches:
        if kind is MessageKind.OPERATIONNEL:
            return [
                wt.finding(
                    c.LIEU,
                    Severity.INFO,
                    "Aucune commune reconnue : l'alerte vaut pour tout le département. Nommez "
                    "la commune concernée pour qu'elle parle aux habitants.",
                    0,
                    0,
                )
            ]
        return []
    if departement is None:
        return []
    by_span: dict[tuple[int, int], list[PlaceMatch]] = defaultdict(list)
    for m in matches:
        by_span[(m.start, m.end)].append(m)
    findings: list[Finding] = []
    target = departement_label(departement)
    for (start, end), homonyms in by_span.items():
        if any(m.departement == departement for m in homonyms):
            continue
        if _LOCALITY_BEFORE.search(wt.folded, max(0, start - 40), start):
            continue
        m = homonyms[0]
        typed = wt.text[start:end]
        what = "" if fold(typed) == fold(m.nom) else f"{m.nom}, "
        if m.type != "commune-actuelle" and m.parent_nom:
            what = f"{m.nom}, commune déléguée {_of(m.parent_nom)}, "
        codes = list(dict.fromkeys(h.departement for h in homonyms))
        elsewhere = ", ".join(departement_label(code) for code in codes[:3])
        if len(codes) > 3:
            elsewhere += f" et {len(codes) - 3} autres départements"
        where = (
            f"« {typed} » ({what}{elsewhere}) n'est pas dans le département destinataire, {target}"
        )
        other = departement_label(codes[0])
        if confirmed:
            findings.append(
                wt.finding(
                    c.LIEU,
                    Severity.AVERTISSEMENT,
                    f"{where} : vous avez confirmé que l'alerte concerne les abonnés de ce "
                    "département.",
                    start,
                    end,
                )
            )
            continue
        findings.append(
            wt.finding(
                c.LIEU,
                Severity.BLOQUANT,
                f"{where} : l'alerte réveillerait des milliers d'abonnés qui ne sont pas "
                f"concernés. Choisissez le département de la commune ({other}), "
                "corrigez le lieu, ou confirmez que l'alerte concerne bien les abonnés du "
                f"département {departement}.",
                start,
                end,
                fix=Fix(
                    FixKind.DEPARTEMENT,
                    f"Envoyer en {other}",
                    departement=codes[0],
                ),
            )
        )
    return findings
