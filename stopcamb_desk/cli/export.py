"""``stopcamb-desk export cap ID`` and ``export csv --from --to [--departement]``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from stopcamb_desk.cli.common import EXIT_OK, EXIT_USAGE, CliError, add_operator_argument, record_id
from stopcamb_desk.cli.history import build_filter
from stopcamb_desk.cli.session import login_operator, open_services
from stopcamb_desk.domain.roles import PermissionDenied
from stopcamb_desk.services.exports import cap_message, write_csv
from stopcamb_desk.services.history import HistoryService
from stopcamb_desk.services.history_model import HistoryError


def register(parser: argparse.ArgumentParser) -> None:
    export_sub = parser.add_subparsers(dest="export_command", metavar="FORMAT", required=True)

    cap = export_sub.add_parser("cap", help="une alerte au format CAP 1.2 (XML OASIS)")
    cap.add_argument("alert_id", metavar="ID", type=record_id, help="numéro de l'alerte")
    cap.add_argument("--sortie", metavar="FICHIER", help="fichier à écrire (défaut : écran)")
    add_operator_argument(cap)
    cap.set_defaults(handler=_cap)

    csv_parser = export_sub.add_parser("csv", help="historique d'une période (tableur)")
    csv_parser.add_argument("--from", dest="since", metavar="AAAA-MM-JJ", required=True)
    csv_parser.add_argument("--to", dest="until", metavar="AAAA-MM-JJ", required=True)
    csv_parser.add_argument("--departement", metavar="NN")
    csv_parser.add_argument("--sortie", metavar="FICHIER", help="fichier à écrire (défaut : écran)")
    add_operator_argument(csv_parser)
    csv_parser.set_defaults(handler=_csv)


def _write(data_writer: Any, target: str | None) -> None:
    if target is None:
        data_writer(sys.stdout.buffer)
        sys.stdout.buffer.flush()
        return
    try:
        with Path(target).open("wb") as out:
            data_writer(out)
    except OSError as exc:
        raise CliError(f"Impossible d'écrire « {target} » : {exc.strerror}.") from exc


def _cap(args: argparse.Namespace) -> int:
    services = open_services()
    try:
        principal = login_operator(services, args.operateur)
        try:
            message = cap_message(
                services.db, principal, args.alert_id, ttl_hours=services.settings.fcm.ttl_hours
            )
        except HistoryError as exc:
            raise CliError(exc.message) from exc
    finally:
        services.close()
    _write(lambda out: out.write(message.xml + b"\n"), args.sortie)
    if args.sortie:
        print(f"CAP 1.2 ({message.msg_type}) de l'alerte n° {message.alert_id} : {args.sortie}")
    return EXIT_OK


def _csv(args: argparse.Namespace) -> int:
    args.status, args.auteur, args.texte = None, None, None
    flt = build_filter(args)
    if flt.since is not None and flt.until is not None and flt.since >= flt.until:
        raise CliError("Période vide : --from doit précéder --to.", EXIT_USAGE)
    services = open_services()
    count = 0
    try:
        principal = login_operator(services, args.operateur)
        history = HistoryService(services.db)
        try:
            history.page(principal, flt, limit=1)  # permission check before writing anything

            def writer(out: Any) -> None:
                nonlocal count
                count = write_csv(history.iter_rows(principal, flt), out)

            _write(writer, args.sortie)
        except PermissionDenied as exc:
            raise CliError(exc.message) from exc
    finally:
        services.close()
    if args.sortie:
        print(f"{count} alerte(s) exportée(s) dans {args.sortie}.")
    return EXIT_OK
