"""``stopcamb-desk ref departements|communes``: the shipped reference data, for scripts and support.

Reads only the data packaged in ``stopcamb_desk/resources`` (no database, no network).
"""

from __future__ import annotations

import argparse
from typing import Any

from stopcamb_desk.cli.common import EXIT_OK, EXIT_REFUSED, EXIT_USAGE, CliError, count
from stopcamb_desk.cli.output import print_json
from stopcamb_desk.domain.french import de
from stopcamb_desk.geo.communes import search_communes
from stopcamb_desk.geo.departements import UnknownDepartementError, departement, departements


def register(parser: argparse.ArgumentParser) -> None:
    ref_sub = parser.add_subparsers(dest="ref_command", metavar="DONNÉES", required=True)

    deps = ref_sub.add_parser(
        "departements", help="les 101 départements : code, nom, région, contour disponible"
    )
    deps.add_argument("--json", action="store_true", help="sortie JSON")
    deps.set_defaults(handler=_departements)

    com = ref_sub.add_parser(
        "communes",
        help="recherche de communes par nom (début du nom), code INSEE ou code postal",
    )
    com.add_argument("query", metavar="RECHERCHE", help="ex. meythet, « St Julien », 74010")
    com.add_argument(
        "--departement",
        metavar="CODES",
        help="limiter à ces départements, séparés par des virgules (ex. 74,73)",
    )
    com.add_argument("--limit", type=count, default=20, help="nombre maximal de résultats (20)")
    com.add_argument("--json", action="store_true", help="sortie JSON")
    com.set_defaults(handler=_communes)


def departement_record(dep: Any) -> dict[str, Any]:
    return {
        "code": dep.code,
        "nom": dep.nom,
        "region": dep.region,
        "code_region": dep.region_code,
        "contour": dep.has_outline,
    }


def commune_record(c: Any) -> dict[str, Any]:
    parent = {"code_insee": c.parent_code, "nom": c.parent_nom} if c.parent_code else None
    return {
        "code_insee": c.code_insee,
        "nom": c.nom,
        "departement": c.departement,
        "type": c.type,
        "commune_parente": parent,
        "codes_postaux": list(c.codes_postaux),
        "population": c.population,
        "lat": c.lat,
        "lon": c.lon,
    }


def _departements(args: argparse.Namespace) -> int:
    deps = departements()
    if args.json:
        print_json([departement_record(d) for d in deps])
        return EXIT_OK
    width = max(len(d.nom) for d in deps)
    for d in deps:
        contour = "contour" if d.has_outline else "SANS contour"
        print(f"{d.code:<4} {d.nom:<{width}}  {d.region:<28} {contour}")
    print(f"{len(deps)} départements.")
    return EXIT_OK


def _parse_departements(value: str | None) -> set[str] | None:
    if not value:
        return None
    codes: set[str] = set()
    for raw in value.split(","):
        if raw.strip():
            try:
                codes.add(departement(raw).code)
            except UnknownDepartementError as exc:
                raise CliError(exc.message, EXIT_USAGE) from None
    return codes


def _communes(args: argparse.Namespace) -> int:
    if args.limit < 1:
        raise CliError("--limit doit être un entier supérieur ou égal à 1.", EXIT_USAGE)
    if not args.query.strip():
        raise CliError("Indiquez le début du nom d'une commune, ex. « meythet ».", EXIT_USAGE)
    found = search_communes(
        args.query, args.limit, departements=_parse_departements(args.departement)
    )
    if args.json:
        print_json([commune_record(c) for c in found])
    else:
        for c in found:
            line = f"{c.code_insee}  {c.nom} ({c.departement}) — {c.type_label}"
            if c.parent_code:
                line += f" {de(c.parent_nom or '')} ({c.parent_code})"
            print(line)
    if not found:
        raise CliError(
            f"Aucune commune ne correspond à « {args.query} ». Vérifiez l'orthographe, tapez "
            "seulement le début du nom ou retirez le filtre --departement.",
            EXIT_REFUSED,
        )
    return EXIT_OK
