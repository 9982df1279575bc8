"""``stopcamb-desk replace ID --text TEXTE`` and ``stopcamb-desk retract ID``.

Both act on the alert currently on the phones of a topic (the head of its chain), through the
durable outbox, then send and wait for the final status like ``send``. Exit 0: the replacement
or retraction was accepted; 1: refused (not the head, rules, role, delivery failure); 2: usage.
"""

from __future__ import annotations

import argparse
from dataclasses import replace
from typing import Any

from stopcamb_desk.cli.common import (
    EXIT_OK,
    EXIT_REFUSED,
    CliError,
    add_operator_argument,
    read_text_argument,
    record_id,
)
from stopcamb_desk.cli.lint import _place_finder, add_confirm_place_argument
from stopcamb_desk.cli.output import print_json
from stopcamb_desk.cli.send import add_wait_argument, parse_fait, wait_final
from stopcamb_desk.cli.session import login_operator, open_services
from stopcamb_desk.domain.roles import PermissionDenied
from stopcamb_desk.domain.rules.model import Attestation
from stopcamb_desk.domain.status import status_label
from stopcamb_desk.services.composer import SendRefused
from stopcamb_desk.services.replacement import for_services
from stopcamb_desk.services.replacement_checks import ReplacementError


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "id", type=record_id, metavar="ID", help="numéro de l'alerte sur les téléphones"
    )
    add_wait_argument(parser)
    parser.add_argument("--json", action="store_true", help="sortie JSON")
    add_operator_argument(parser)


def register_replace(parser: argparse.ArgumentParser) -> None:
    parser.description = (
        "Remplace l'alerte ID (la plus récente de son département) : mêmes département, "
        "type et mode, toutes les règles contrôlées à nouveau. Sans --fait, la procédure de "
        "l'alerte remplacée est reprise. Code de sortie 0 : accepté ; 1 : refusé ou en "
        "échec ; 2 : erreur d'utilisation."
    )
    parser.add_argument("--text", required=True, metavar="TEXTE", help="texte (« - » : stdin)")
    parser.add_argument(
        "--fait",
        metavar="TYPE:NUMERO:DATE",
        help="procédure qui établit les faits (plainte|pv|rj:numéro:date), si elle change",
    )
    add_confirm_place_argument(parser)
    _common(parser)
    parser.set_defaults(handler=run_replace)


def register_retract(parser: argparse.ArgumentParser) -> None:
    parser.description = (
        "Envoie le message de retrait des réglages à la place de l'alerte ID, qui devient "
        "« retirée ». Code de sortie 0 : accepté ; 1 : refusé ou en échec ; 2 : erreur "
        "d'utilisation."
    )
    _common(parser)
    parser.set_defaults(handler=run_retract)


def run_replace(args: Any) -> int:
    text = read_text_argument(args.text)
    attestation = parse_fait(args.fait)
    return _run(args, text=text, attestation=attestation)


def run_retract(args: Any) -> int:
    return _run(args, text=None, attestation=None)


def _run(args: Any, *, text: str | None, attestation: Attestation | None) -> int:
    services = open_services()
    try:
        if services.outbox is None:
            raise CliError(f"Envoi impossible sur ce poste : {services.push_error}")
        principal = login_operator(services, args.operateur)
        try:
            service = for_services(services)
            assert service is not None
            target = service.target(principal, args.id)
            if text is None:
                new_id = service.retract(principal, args.id, target.version)
            else:
                service.places, _note = _place_finder(target.draft.departement)
                draft = replace(
                    target.draft,
                    text=text,
                    attestation=attestation or target.draft.attestation,
                    place_confirmed=args.confirmer_lieu,
                )
                new_id = service.replace(principal, args.id, target.version, draft)
        except (PermissionDenied, SendRefused, ReplacementError) as exc:
            raise CliError(exc.message) from exc
        return _finish(services, args, new_id, retraction=text is None)
    finally:
        services.close()


def _finish(services: Any, args: Any, new_id: int, *, retraction: bool) -> int:
    outbox = services.outbox
    status = wait_final(outbox, new_id, args.attendre)
    _status, message_id, error = outbox.status(new_id)
    accepted = status in ("envoyee", "remplacee")
    simulated = bool(getattr(outbox.gateway, "simulated", False))
    what = "Retrait" if retraction else "Remplacement"
    if args.json:
        print_json(
            {
                "alerte": new_id,
                "remplace": args.id,
                "retrait": retraction,
                "statut": status,
                "libelle": status_label(status),
                "message_id": message_id,
                "simulation": simulated,
                "erreur": error,
            }
        )
    else:
        prefix = "SIMULATION — " if simulated else ""
        if accepted:
            replaced = status_label(outbox.status(args.id)[0]).lower()
            print(
                f"{prefix}{what} de l'alerte n° {args.id} : alerte n° {new_id} "
                f"{status_label(status).lower()} ({message_id}) ; l'alerte n° {args.id} est "
                f"{replaced}."
            )
            if simulated:
                print("SIMULATION : aucun téléphone n'a reçu ce message.")
        else:
            print(
                f"{prefix}{what} de l'alerte n° {args.id} : alerte n° {new_id} "
                f"{status_label(status).lower()}. {error or ''}".strip()
            )
            if status == "en_attente":
                print("Elle reste dans la file : un poste ouvert la renverra automatiquement.")
    return EXIT_OK if accepted else EXIT_REFUSED
