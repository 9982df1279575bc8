"""``stopcamb-desk history``: the alerts the operator may see, newest first."""

from __future__ import annotations

import argparse
from datetime import UTC, date, datetime, time, timedelta

from stopcamb_desk.cli.common import EXIT_USAGE, CliError, add_operator_argument, count
from stopcamb_desk.cli.output import print_json
from stopcamb_desk.cli.session import login_operator, open_services
from stopcamb_desk.domain.departements import normalize_departement
from stopcamb_desk.domain.roles import PermissionDenied
from stopcamb_desk.domain.status import parse_status
from stopcamb_desk.services.history import HistoryService
from stopcamb_desk.services.history_model import HistoryFilter


def register(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--departement", metavar="NN", help="un seul département, ex. 74")
    parser.add_argument(
        "--since", metavar="ISO", help="depuis cette date ou heure locale, ex. 2026-03-01T08:00"
    )
    parser.add_argument("--until", metavar="ISO", help="jusqu'à cette date (incluse) ou heure")
    parser.add_argument(
        "--status", metavar="S", action="append", help="statut, ex. envoyee, echec (répétable)"
    )
    parser.add_argument("--auteur", metavar="IDENTIFIANT", help="alertes de cet opérateur")
    parser.add_argument("--texte", metavar="MOTS", help="recherche dans le texte")
    parser.add_argument("--limit", type=count, default=50, help="nombre de lignes (défaut 50)")
    parser.add_argument("--json", action="store_true", help="sortie JSON")
    add_operator_argument(parser)
    parser.set_defaults(handler=_history)


def parse_moment(value: str | None, *, end: bool = False) -> datetime | None:
    """ISO date or date-time; naive values are the desk's local time. A bare date used as an
    end bound means the end of that day (``--until 2026-03-01`` includes the 1st)."""
    if value is None:
        return None
    try:
        if len(value.strip()) == 10:
            day = date.fromisoformat(value.strip())
            moment = datetime.combine(day + timedelta(days=1) if end else day, time())
        else:
            moment = datetime.fromisoformat(value.strip())
    except ValueError as exc:
        raise CliError(
            f"Date invalide : « {value} ». Format attendu : AAAA-MM-JJ ou AAAA-MM-JJTHH:MM.",
            EXIT_USAGE,
        ) from exc
    if not 2000 <= moment.year <= 2100:
        raise CliError(
            f"Date hors de l'historique : « {value} ». Indiquez une date entre 2000 et 2100.",
            EXIT_USAGE,
        )
    if moment.tzinfo is None:
        moment = moment.astimezone()  # local time of the desk
    return moment.astimezone(UTC)


def local_text(moment: datetime | None) -> str:
    return moment.astimezone().strftime("%d/%m/%Y %H:%M:%S") if moment else ""


def build_filter(args: argparse.Namespace) -> HistoryFilter:
    try:
        statuses = tuple(parse_status(s) for s in (args.status or []))
    except ValueError as exc:
        raise CliError(str(exc), EXIT_USAGE) from exc
    departement = normalize_departement(args.departement) if args.departement else None
    return HistoryFilter(
        departement=departement,
        statuses=statuses,
        author=args.auteur,
        since=parse_moment(args.since),
        until=parse_moment(args.until, end=True),
        text=args.texte,
    )


def _history(args: argparse.Namespace) -> int:
    flt = build_filter(args)
    services = open_services()
    try:
        principal = login_operator(services, args.operateur)
        try:
            page = HistoryService(services.db).page(principal, flt, limit=args.limit)
        except PermissionDenied as exc:
            raise CliError(exc.message) from exc
    finally:
        services.close()
    if args.json:
        print_json([row.as_dict() for row in page.rows])
        return 0
    if not page.rows:
        print("Aucune alerte ne correspond à ces critères.")
        return 0
    print(f"{'N°':>7}  {'Date (locale)':19}  {'Dép.':5}  {'Statut':14}  {'Auteur':12}  Texte")
    for row in page.rows:
        marker = "[EXERCICE] " if row.exercise else ""
        print(
            f"{row.id:>7}  {local_text(row.created_at):19}  {row.departement or 'nat.':5}  "
            f"{row.status_label:14}  {row.author_login[:12]:12}  {marker}{row.excerpt}"
        )
    if page.has_more:
        print(f"… liste limitée à {args.limit} lignes : affinez les filtres ou utilisez --limit.")
    return 0
