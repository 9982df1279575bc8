"""``stopcamb-desk lint TEXT``: the composer's rule checker, from the command line.

Exit 0 when the text could be sent, 1 when a rule blocks it, 2 on a usage error. The text
alone is checked: the attestation (plainte, PV, RJ) is asked for when sending.
"""

from __future__ import annotations

import argparse
from datetime import date, datetime
from typing import Any

from stopcamb_desk.cli.common import EXIT_OK, EXIT_REFUSED, EXIT_USAGE, CliError, read_text_argument
from stopcamb_desk.cli.output import print_json
from stopcamb_desk.domain.departements import known_departement
from stopcamb_desk.domain.rules.catalog import RULES_BY_ID
from stopcamb_desk.domain.rules.model import MessageKind, ParquetAuthorisation, Severity
from stopcamb_desk.geo.places import ReferencePlaceFinder
from stopcamb_desk.services.composer import Draft, check_draft

_SYMBOLS = {"bloquant": "✗", "avertissement": "!", "info": "·"}


def register(parser: argparse.ArgumentParser) -> None:
    parser.description = (
        "Vérifie un texte d'alerte avec les règles du poste de rédaction. Code de sortie "
        "0 : envoyable ; 1 : bloqué ; 2 : erreur d'utilisation."
    )
    parser.add_argument(
        "text", metavar="TEXTE", help="le texte de l'alerte (« - » : entrée standard)"
    )
    parser.add_argument(
        "--kind",
        choices=["operationnel", "prevention"],
        default="operationnel",
        help="type de message (operationnel par défaut)",
    )
    parser.add_argument(
        "--departement", metavar="NN", help="département destinataire (ex. 74, 2A, 974)"
    )
    parser.add_argument(
        "--parquet-ref",
        metavar="REF",
        help="référence de l'autorisation du Parquet (appel à témoins)",
    )
    parser.add_argument(
        "--parquet-date",
        metavar="DATE",
        help="date de l'autorisation du Parquet (AAAA-MM-JJ ou JJ/MM/AAAA ; par défaut : "
        "aujourd'hui)",
    )
    parser.add_argument(
        "--exercice",
        action="store_true",
        help="message d'exercice : préfixe « EXERCICE » compté dans la longueur",
    )
    add_confirm_place_argument(parser)
    parser.add_argument("--json", action="store_true", help="sortie JSON")
    parser.set_defaults(handler=run)


def add_confirm_place_argument(parser: Any) -> None:
    """``--confirmer-lieu`` for lint, send and replace (the composer's checkbox)."""
    parser.add_argument(
        "--confirmer-lieu",
        action="store_true",
        help="la commune citée est d'un autre département, mais l'alerte concerne bien les "
        "abonnés du département destinataire (sans cette option, c'est bloquant)",
    )


def _parse_date(value: str) -> date:
    for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            day = datetime.strptime(value.strip(), fmt).date()
        except ValueError:
            continue
        if 2000 <= day.year <= 2100:
            return day
    raise CliError(
        f"Date illisible : « {value} ». Écrivez-la AAAA-MM-JJ ou JJ/MM/AAAA.", EXIT_USAGE
    )


def known_departement_arg(value: str) -> str:
    """``--departement``: the normalized code, or a usage error naming the accepted codes."""
    code = known_departement(value)
    if code is None:
        raise CliError(
            f"Département inconnu : « {value} ». Indiquez un code comme 74, 2A ou 974.",
            EXIT_USAGE,
        )
    return code


def _place_finder(departement: str | None) -> tuple[Any, str]:
    """The reference finder over every commune, or None with the reason (said in the output)."""
    try:
        finder = ReferencePlaceFinder(prefer_departements=[departement] if departement else ())
        finder.find_places("Annecy")  # loads the reference data now, to report a failure here
    except Exception as exc:  # missing or damaged reference data: check without places
        return None, f"référentiel des communes indisponible ({exc}) : lieux non vérifiés"
    return finder, "lieux vérifiés sur le référentiel des communes"


def run(args: Any) -> int:
    text = read_text_argument(args.text)
    departement = known_departement_arg(args.departement) if args.departement else None
    parquet = None
    if args.parquet_ref is not None or args.parquet_date is not None:
        when = _parse_date(args.parquet_date) if args.parquet_date else date.today()
        try:
            parquet = ParquetAuthorisation(args.parquet_ref or "", when)
        except ValueError as exc:
            raise CliError(str(exc), EXIT_USAGE) from exc
    places, places_note = _place_finder(departement)
    draft = Draft(
        text,
        kind=MessageKind(args.kind),
        departement=departement,
        exercise=args.exercice,
        parquet=parquet,
        place_confirmed=args.confirmer_lieu,
    )
    # The same verdict as `send` (push size included); no --fait here: the text is checked.
    verdict = check_draft(draft, places, text_only=True)
    if args.json:
        print_json(verdict.to_dict())
    else:
        _print_report(text, verdict, places_note)
    return EXIT_OK if verdict.sendable else EXIT_REFUSED


def _excerpt(text: str, start: int, end: int) -> str:
    if start == end:
        return ""
    where = f"caractère {end}" if end - start == 1 else f"caractères {start + 1} à {end}"
    part = text[start:end]
    if not part.strip():
        return f"espace ({where}) : "
    if len(part) > 40:
        part = part[:37] + "…"
    return f"« {part} » ({where}) : "


def _print_report(text: str, verdict: Any, places_note: str) -> None:
    blocking = len(verdict.blocking)
    warnings = sum(1 for f in verdict.findings if f.severity is Severity.AVERTISSEMENT)
    if verdict.sendable:
        head = "ENVOYABLE"
        if warnings:
            head += f" — {warnings} avertissement{'s' if warnings > 1 else ''} à relire"
    else:
        head = f"BLOQUÉ — {blocking} point{'s' if blocking > 1 else ''} à corriger avant l'envoi"
    out = [
        f"Verdict : {head}",
        f"Longueur : {verdict.length} / {verdict.limit} caractères",
        f"Texte envoyé : « {verdict.text_to_send} »",
        f"Communes : {places_note}",
    ]
    if verdict.sms is not None:
        sms = verdict.sms
        out.append(f"SMS « alerte commerces » : {sms.segments} SMS ({sms.encoding})")
    if verdict.findings:
        out.append("")
    for f in verdict.findings:
        title = RULES_BY_ID[f.rule].title
        out.append(f"{_SYMBOLS[str(f.severity)]} [{f.severity.label}] {title}")
        out.append(f"    {_excerpt(text, f.start, f.end)}{f.message}")
    if not verdict.findings:
        out.append("Aucune remarque.")
    print("\n".join(out))
