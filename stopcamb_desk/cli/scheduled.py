"""``stopcamb-desk scheduled list|edit|cancel``: the planned national prevention messages."""

from __future__ import annotations

import argparse

from stopcamb_desk.cli.common import (
    EXIT_OK,
    CliError,
    add_operator_argument,
    read_text_argument,
    record_id,
)
from stopcamb_desk.cli.output import print_json
from stopcamb_desk.cli.send import parse_local_moment
from stopcamb_desk.cli.session import login_operator, open_services
from stopcamb_desk.domain.status import excerpt
from stopcamb_desk.services.container import Services
from stopcamb_desk.services.schedule import ScheduleService


def register(parser: argparse.ArgumentParser) -> None:
    actions = parser.add_subparsers(dest="scheduled_command", metavar="ACTION", required=True)
    lst = actions.add_parser(
        "list", help="les messages programmés, du plus proche au plus lointain"
    )
    lst.add_argument("--json", action="store_true", help="sortie JSON")
    add_operator_argument(lst)
    lst.set_defaults(handler=_list)
    edit = actions.add_parser("edit", help="changer le texte, l'heure ou la validité")
    edit.add_argument("id", type=record_id, metavar="ID")
    edit.add_argument("--text", metavar="TEXTE", help="nouveau texte (« - » : stdin)")
    edit.add_argument("--programmer", metavar="AAAA-MM-JJTHH:MM", help="nouvelle heure (locale)")
    edit.add_argument("--valable", type=int, metavar="HEURES", help="nouvelle durée de validité")
    add_operator_argument(edit)
    edit.set_defaults(handler=_edit)
    cancel = actions.add_parser("cancel", help="annuler un message programmé")
    cancel.add_argument("id", type=record_id, metavar="ID")
    add_operator_argument(cancel)
    cancel.set_defaults(handler=_cancel)


def _service(services: Services) -> ScheduleService:
    if services.outbox is None:
        raise CliError(f"{services.push_error} Rien n'a été modifié.")
    return ScheduleService(services.outbox)


def _list(args: argparse.Namespace) -> int:
    services = open_services()
    try:
        principal = login_operator(services, args.operateur)
        planned = _service(services).planned(principal)
    finally:
        services.close()
    if args.json:
        print_json(
            [
                {
                    "alerte": p.id,
                    "programme_pour": p.at.isoformat(),
                    "valable_jusqu_a": p.valid_until.isoformat(),
                    "auteur": p.author,
                    "texte": p.text,
                }
                for p in planned
            ]
        )
        return EXIT_OK
    if not planned:
        print("Aucun message programmé.")
    for p in planned:
        when = p.at.astimezone().strftime("%d/%m/%Y %H:%M")
        print(f"n° {p.id:>6}  {when}  par {p.author} : « {excerpt(p.text, 70)} »")
    return EXIT_OK


def _edit(args: argparse.Namespace) -> int:
    at = parse_local_moment(args.programmer) if args.programmer else None
    text = read_text_argument(args.text) if args.text is not None else None
    services = open_services()
    try:
        principal = login_operator(services, args.operateur)
        _service(services).edit(principal, args.id, text=text, at=at, validity_hours=args.valable)
    finally:
        services.close()
    print(f"Message programmé n° {args.id} modifié.")
    return EXIT_OK


def _cancel(args: argparse.Namespace) -> int:
    services = open_services()
    try:
        principal = login_operator(services, args.operateur)
        _service(services).cancel(principal, args.id)
    finally:
        services.close()
    print(f"Message programmé n° {args.id} annulé : il ne sera pas envoyé.")
    return EXIT_OK
