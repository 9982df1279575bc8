"""``stopcamb-desk brigades import|find``: the brigade directory from the command line."""

from __future__ import annotations

import argparse
import io
import json
import sys
from pathlib import Path

from stopcamb_desk.cli.common import EXIT_REFUSED, EXIT_USAGE, CliError, add_operator_argument
from stopcamb_desk.cli.output import print_json
from stopcamb_desk.cli.session import login_operator, open_services
from stopcamb_desk.domain.brigades import BrigadeFileError
from stopcamb_desk.domain.roles import PermissionDenied
from stopcamb_desk.geo.geocoding import AddressGeocoder, GeocodingError
from stopcamb_desk.models import utcnow
from stopcamb_desk.push.brigade_directory import DirectoryPublishError, directory_target_for
from stopcamb_desk.services.brigade_export import app_document, export_csv
from stopcamb_desk.services.brigade_publication import BrigadePublisher
from stopcamb_desk.services.brigades import BrigadeError, BrigadeService, ImportReport


def register(parser: argparse.ArgumentParser) -> None:
    b_sub = parser.add_subparsers(dest="brigades_command", metavar="ACTION", required=True)

    imp = b_sub.add_parser("import", help="importe le CSV data.gouv.fr des unités (administrateur)")
    imp.add_argument("fichier", type=Path, metavar="FICHIER.csv")
    imp.add_argument(
        "--ignorer-invalides", action="store_true", help="importe en ignorant les lignes invalides"
    )
    imp.add_argument(
        "--corriger-inversions",
        action="store_true",
        help="remet dans l'ordre latitude et longitude quand elles sont reconnues inversées",
    )
    imp.add_argument(
        "--json", action="store_true", help="rapport JSON (lignes rejetées et raisons)"
    )
    add_operator_argument(imp)
    imp.set_defaults(handler=_import)

    find = b_sub.add_parser(
        "find", help="trouve la brigade d'une commune, d'une adresse ou d'une position"
    )
    find.add_argument(
        "commune",
        nargs="?",
        metavar="COMMUNE",
        help="ex. Lunel ; une commune homonyme avec son département ou code postal : "
        "« Saint-Denis (93) », « Saint-Denis 93200 »",
    )
    find.add_argument("--position", metavar="LAT,LON", help="ex. 45.91,6.12")
    find.add_argument(
        "--adresse", metavar="ADRESSE", help="ex. « 12 rue de la Libération 34400 Lunel »"
    )
    find.add_argument("--json", action="store_true", help="sortie JSON")
    find.set_defaults(handler=_find)

    exp = b_sub.add_parser("export", help="exporte l'annuaire (CSV data.gouv.fr ou JSON de l'app)")
    exp.add_argument("--format", choices=("csv", "json"), default="csv")
    exp.add_argument("--sortie", type=Path, metavar="FICHIER", help="fichier (défaut : écran)")
    exp.set_defaults(handler=_export)

    pub = b_sub.add_parser("publish", help="publie l'annuaire dans l'application (administrateur)")
    pub.add_argument(
        "--oui", action="store_true", help="publie sans demander confirmation après l'aperçu"
    )
    pub.add_argument("--json", action="store_true", help="aperçu et résultat en JSON")
    add_operator_argument(pub)
    pub.set_defaults(handler=_publish)


def _import(args: argparse.Namespace) -> int:
    try:
        stream = args.fichier.open("rb")
    except OSError as exc:
        raise CliError(f"Impossible de lire {args.fichier} : {exc.strerror}.", EXIT_USAGE) from exc
    services = open_services()
    try:
        actor = login_operator(services, args.operateur)
        report = BrigadeService(services.db).import_csv(
            actor,
            stream,
            skip_invalid=args.ignorer_invalides,
            fix_swapped=args.corriger_inversions,
        )
    except BrigadeError as exc:
        if args.json:
            refused = ImportReport(skipped=exc.errors, imported=False)
            print_json({**refused.as_json(), "message": exc.message})
            return EXIT_REFUSED
        lines = "\n".join(f"  ligne {e.line} : {e.message}" for e in exc.errors)
        raise CliError(exc.message + ("\n" + lines if lines else "")) from exc
    except (BrigadeFileError, PermissionDenied) as exc:
        raise CliError(exc.message) from exc
    finally:
        stream.close()
        services.close()
    if args.json:
        print_json({**report.as_json(), "message": report.summary()})
        return 0
    print(report.summary())
    for error in report.skipped:
        print(f"  ligne {error.line} ignorée : {error.message}")
    for fixed in report.fixed:
        print(f"  corrigé : {fixed}")
    for warning in report.warnings:
        print(f"  attention : {warning}")
    return 0


def _find(args: argparse.Namespace) -> int:
    given = [bool(args.commune), bool(args.position), bool(args.adresse)]
    if sum(given) != 1:
        raise CliError(
            "Donnez soit une commune, soit --adresse « … », soit --position LAT,LON.", EXIT_USAGE
        )
    services = open_services()
    try:
        try:
            geocoder = AddressGeocoder(services.settings.geocoder_url) if args.adresse else None
        except GeocodingError as exc:
            raise CliError(exc.message, EXIT_USAGE) from exc
        service = BrigadeService(services.db, geocoder=geocoder)
        note = ""
        if args.position:
            try:
                lat, lon = (float(v) for v in args.position.split(","))
                if not (-90 <= lat <= 90 and -180 <= lon <= 180):  # also refuses nan and inf
                    raise ValueError("hors du globe")
            except ValueError as exc:
                raise CliError(
                    "Position attendue sous la forme LAT,LON en degrés (latitude −90 à 90, "
                    "longitude −180 à 180 ; ex. 45.91,6.12).",
                    EXIT_USAGE,
                ) from exc
            where, hits = service.find_for_position(lat, lon)
        elif args.adresse:
            found = service.find_for_address(args.adresse)
            where, hits, note = found.label, found.hits, found.note
        else:
            where, hits = service.find_for_commune(args.commune)
    finally:
        services.close()
    rows = [
        {
            "id": h.brigade.id,
            "service": h.brigade.service,
            "telephone": h.brigade.telephone,
            "adresse": f"{h.brigade.adresse} {h.brigade.code_postal} {h.brigade.commune}".strip(),
            "distance_km": h.distance_km,
            "raison": h.reason,
            "accueil": h.opening.text,
        }
        for h in hits
    ]
    if args.json:
        print_json({"lieu": where, "remarque": note or None, "brigades": rows})
    else:
        print(where)
        if note:
            print(f"Attention : {note}")
        for row in rows:
            print(
                f"  {row['service']} — {row['telephone']} — {row['adresse']} ({row['raison']}) "
                f"— {row['accueil']}"
            )
    return 0 if rows else 1


def _export(args: argparse.Namespace) -> int:
    services = open_services()
    try:
        service = BrigadeService(services.db)
        try:
            out: io.TextIOBase = (
                args.sortie.open("w", encoding="utf-8", newline="")
                if args.sortie
                else io.TextIOWrapper(sys.stdout.buffer, encoding="utf-8", newline="")
            )
        except OSError as exc:
            raise CliError(
                f"Impossible d'écrire {args.sortie} : {exc.strerror}.", EXIT_USAGE
            ) from exc
        try:
            if args.format == "csv":
                count = export_csv(service.iter_all(), out)  # type: ignore[arg-type]
            else:
                document = app_document(service.iter_all(), utcnow())
                json.dump(document, out, ensure_ascii=False, indent=2)
                out.write("\n")
                count = len(document["brigades"])
        finally:
            if args.sortie:
                out.close()
            else:
                out.flush()
                out.detach()
    finally:
        services.close()
    if args.sortie:
        print(f"{count} brigade(s) exportée(s) dans {args.sortie}.")
    return 0


def _publish(args: argparse.Namespace) -> int:
    services = open_services()
    publisher = BrigadePublisher(services.db, lambda: directory_target_for(services.settings))
    try:
        actor = login_operator(services, args.operateur)
        preview = publisher.preview(actor)
        report = {
            "cible": preview.target,
            "ajoutees": preview.added,
            "modifiees": preview.changed,
            "retirees": preview.removed,
            "non_publiees": list(preview.refused),
        }
        if not args.json:
            print(preview.target)
            print(preview.summary())
            if preview.details():
                print(preview.details())
        if preview.empty:
            if args.json:
                print_json({**report, "publie": False, "message": preview.summary()})
            return 0
        if not args.oui:
            if args.json or not sys.stdin.isatty():
                raise CliError(
                    "Aperçu seulement : relancez avec --oui pour publier ces changements.",
                    EXIT_REFUSED,
                )
            if input("Publier ces changements dans l'application ? [o/N] ").strip().lower() not in (
                "o",
                "oui",
            ):
                print("Publication annulée : rien n'a été envoyé.")
                return EXIT_REFUSED
        sent = publisher.publish(actor, preview.token)
    except (BrigadeError, DirectoryPublishError, PermissionDenied) as exc:
        raise CliError(exc.message) from exc
    finally:
        publisher.close()
        services.close()
    if args.json:
        print_json({**report, "publie": True, "message": sent.summary()})
    else:
        print(f"Publié : {sent.summary()}")
    return 0
