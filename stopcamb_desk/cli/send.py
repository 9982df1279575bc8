"""``stopcamb-desk send``: compose, check and send one alert through the durable outbox.

The alert is committed (« en attente ») before any network call; the command then sends it
and waits for its final status, at most ``--attendre`` seconds (retries included). Exit 0
only when Firebase (or the SIMULATION) accepted the push; 1 when it was refused, failed or is
still waiting (another desk's sender will retry it); 2 on a usage error.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import sys
import time
from datetime import date, datetime
from typing import Any

from sqlalchemy.exc import OperationalError, SQLAlchemyError

from stopcamb_desk.cli.common import (
    EXIT_OK,
    EXIT_REFUSED,
    EXIT_USAGE,
    CliError,
    add_operator_argument,
    read_text_argument,
    seconds,
)
from stopcamb_desk.cli.lint import (
    _parse_date,
    _place_finder,
    add_confirm_place_argument,
    known_departement_arg,
)
from stopcamb_desk.cli.output import print_json
from stopcamb_desk.cli.session import login_operator, open_services
from stopcamb_desk.config import ConfigError, load_settings
from stopcamb_desk.domain.lifecycle import DEFAULT_VALIDITY_HOURS
from stopcamb_desk.domain.roles import PermissionDenied
from stopcamb_desk.domain.rules.model import (
    Attestation,
    MessageKind,
    ParquetAuthorisation,
    ProcedureType,
)
from stopcamb_desk.domain.status import status_label
from stopcamb_desk.models import Alert
from stopcamb_desk.push.payload import AlertPush, build_payload, payload_from_json
from stopcamb_desk.services.composer import (
    Draft,
    SendRefused,
    check_draft,
    refusal_reason,
    validate_for_send,
)
from stopcamb_desk.services.outbox_policy import OutboxError
from stopcamb_desk.services.schedule import ScheduleService, planned_moment
from stopcamb_desk.services.schedule_model import Schedule

PROCEDURES = {
    "plainte": "plainte",
    "pv": "proces_verbal",
    "proces_verbal": "proces_verbal",
    "rj": "renseignement_judiciaire",
    "renseignement_judiciaire": "renseignement_judiciaire",
}


def register(parser: argparse.ArgumentParser) -> None:
    parser.description = (
        "Contrôle, enregistre puis envoie une alerte. Code de sortie 0 : push accepté ; "
        "1 : refusé, en échec ou toujours en attente ; 2 : erreur d'utilisation."
    )
    target = parser.add_mutually_exclusive_group(required=True)
    target.add_argument("--departement", metavar="NN", help="département (ex. 74, 2A, 974)")
    target.add_argument(
        "--national", action="store_true", help="message de prévention national (OPP GGD34)"
    )
    parser.add_argument("--text", required=True, metavar="TEXTE", help="texte (« - » : stdin)")
    parser.add_argument(
        "--fait",
        metavar="TYPE:NUMERO:DATE",
        help="procédure qui établit les faits : plainte|pv|rj, numéro, date "
        "(ex. plainte:2026/00123:2026-03-01) ; obligatoire pour une alerte opérationnelle",
    )
    parser.add_argument(
        "--parquet", metavar="REF:DATE", help="autorisation du Parquet (appel à témoins)"
    )
    parser.add_argument("--exercice", action="store_true", help="sujet d'exercice (exercice_…)")
    add_confirm_place_argument(parser)
    parser.add_argument(
        "--dry-run", action="store_true", help="tout vérifier, ne rien enregistrer ni envoyer"
    )
    parser.add_argument(
        "--print-payload", action="store_true", help="afficher le JSON exact envoyé à FCM v1"
    )
    parser.add_argument(
        "--programmer",
        metavar="AAAA-MM-JJTHH:MM",
        help="programmer le message de prévention national à cette heure (heure locale)",
    )
    parser.add_argument(
        "--valable",
        type=int,
        metavar="HEURES",
        help="avec --programmer : envoi en retard possible pendant ce temps (12 h par défaut)",
    )
    add_wait_argument(parser)
    parser.add_argument("--json", action="store_true", help="sortie JSON")
    add_operator_argument(parser)
    parser.set_defaults(handler=run)


def parse_local_moment(value: str, option: str = "--programmer") -> Any:
    """``AAAA-MM-JJTHH:MM`` (or with a space): the desk's wall clock (naive), or the moment
    when an offset is given. The schedule service resolves it (``planned_moment``)."""
    try:
        moment = datetime.fromisoformat(value.strip().replace(" ", "T"))
    except ValueError:
        raise CliError(
            f"{option} illisible : « {value} ». Forme attendue AAAA-MM-JJTHH:MM, heure locale "
            "(ex. 2026-07-04T08:00).",
            EXIT_USAGE,
        ) from None
    return moment


def add_wait_argument(parser: Any) -> None:
    """``--attendre``: how long send/replace/retract wait for the final status."""
    parser.add_argument(
        "--attendre",
        type=seconds,
        default=60.0,
        metavar="SECONDES",
        help="attente maximale du statut final, nouveaux essais compris (60 par défaut)",
    )


def parse_fait(value: str | None) -> Attestation | None:
    if value is None:
        return None
    kind, _, rest = value.partition(":")
    numero, _, when = rest.rpartition(":")
    if kind.strip().lower() not in PROCEDURES or not numero or not when:
        raise CliError(
            f"--fait illisible : « {value} ». Forme attendue TYPE:NUMERO:DATE, TYPE parmi "
            "plainte, pv, rj (ex. plainte:2026/00123:2026-03-01).",
            EXIT_USAGE,
        )
    try:
        procedure = ProcedureType(PROCEDURES[kind.strip().lower()])
        return Attestation(procedure, numero, _parse_date(when))
    except ValueError as exc:
        raise CliError(str(exc), EXIT_USAGE) from exc


def _parquet(value: str | None) -> ParquetAuthorisation | None:
    if value is None:
        return None
    reference, _, when = value.rpartition(":")
    try:
        return ParquetAuthorisation(reference, _parse_date(when) if when else date.today())
    except ValueError as exc:
        raise CliError(str(exc), EXIT_USAGE) from exc


def _draft(args: Any) -> Draft:
    text = read_text_argument(args.text)
    return Draft(
        text=text,
        kind=MessageKind.PREVENTION if args.national else MessageKind.OPERATIONNEL,
        departement=None if args.national else known_departement_arg(args.departement),
        exercise=args.exercice,
        attestation=parse_fait(args.fait),
        parquet=_parquet(args.parquet),
        place_confirmed=args.confirmer_lieu,
    )


def _print_payload(payload: dict[str, Any], args: Any) -> None:
    if args.print_payload and not args.json:
        print(json.dumps({"message": payload}, ensure_ascii=False, indent=2))


def run(args: Any) -> int:
    draft = _draft(args)
    if args.valable is not None and args.programmer is None:
        raise CliError("--valable ne s'emploie qu'avec --programmer.", EXIT_USAGE)
    if args.programmer is not None:
        return _plan(draft, args)
    try:
        settings = load_settings()
    except ConfigError as exc:
        raise CliError(str(exc)) from exc
    places, _note = _place_finder(draft.departement)
    if args.dry_run and not args.operateur:
        verdict = check_draft(draft, places)
        principal = None
    else:
        services = open_services()
        try:
            principal = login_operator(services, args.operateur)
            verdict = validate_for_send(principal, draft, places)
        except (PermissionDenied, SendRefused) as exc:
            services.close()
            raise CliError(exc.message) from exc
        if args.dry_run:
            services.close()
        else:
            try:
                return _send(services, settings, principal, draft, verdict, args)
            finally:
                services.close()
    return _dry_run(draft, verdict, settings, principal, args)


def _plan(draft: Any, args: Any) -> int:
    """``send --national --programmer …``: commit the message « programmée »; any sender
    running at that time (a desk, ``outbox run``) sends it."""
    if not args.national:
        raise CliError(
            "--programmer ne s'applique qu'aux messages de prévention nationaux (--national).",
            EXIT_USAGE,
        )
    if args.dry_run:
        raise CliError("--programmer et --dry-run ne vont pas ensemble.", EXIT_USAGE)
    at = planned_moment(parse_local_moment(args.programmer))  # refused before logging in
    schedule = Schedule(at, args.valable or DEFAULT_VALIDITY_HOURS)
    services = open_services()
    try:
        principal = login_operator(services, args.operateur)
        if services.outbox is None:
            raise CliError(f"{services.push_error} Rien n'a été programmé.")
        places, _note = _place_finder(None)
        alert_id = ScheduleService(services.outbox, places).plan(principal, draft, schedule)
    finally:
        services.close()
    when = schedule.at.astimezone().strftime("%d/%m/%Y à %H:%M")
    until = schedule.valid_until.astimezone().strftime("%d/%m/%Y à %H:%M")
    if args.json:
        print_json(
            {
                "alerte": alert_id,
                "statut": "programmee",
                "programme_pour": schedule.at.isoformat(),
                "valable_jusqu_a": schedule.valid_until.isoformat(),
            }
        )
    else:
        print(
            f"Message n° {alert_id} programmé pour le {when} (heure locale). Un poste ouvert ou "
            f"l'expéditeur « stopcamb-desk outbox run » l'enverra ; sans expéditeur jusqu'au "
            f"{until}, il expirera sans être envoyé."
        )
    return EXIT_OK


def _dry_run(draft: Any, verdict: Any, settings: Any, principal: Any, args: Any) -> int:
    reason = refusal_reason(verdict)
    if reason is not None:
        raise CliError(reason)
    payload = build_payload(
        AlertPush(
            alert_id=0,
            text=verdict.text_to_send or draft.text,
            departement=draft.departement,
            kind=str(draft.kind),
            sequence=0,
            replaces_id=None,
            exercise=draft.exercise,
            ttl_hours=settings.fcm.ttl_hours,
        )
    )
    note = (
        "Essai (--dry-run) : rien n'a été enregistré ni envoyé ; alert_id et sequence valent 0 "
        "ici et seront attribués à l'enregistrement."
    )
    if principal is None:
        note += " Droits de l'opérateur non vérifiés (indiquez --operateur)."
    if args.json:
        print_json({"envoyable": True, "message": payload, "remarque": note})
    else:
        _print_payload(payload, args)
        print(note, file=sys.stderr if args.print_payload else sys.stdout)
    return EXIT_OK


def _send(services: Any, settings: Any, principal: Any, draft: Any, verdict: Any, args: Any) -> int:
    outbox = services.outbox
    if outbox is None:
        raise CliError(f"{services.push_error} Rien n'a été enregistré ni envoyé.")
    gateway = services.gateway
    try:
        # Replacing goes through `stopcamb-desk replace`, which checks the chain's head.
        alert_id = outbox.enqueue(principal, draft, verdict, claim=True)
    except OutboxError as exc:
        raise CliError(exc.message) from exc
    status = wait_final(outbox, alert_id, args.attendre)
    with services.db.session() as session:
        alert = session.get(Alert, alert_id)
        assert alert is not None
        payload = payload_from_json(alert.payload_json)
        message_id, error = alert.fcm_message_id, alert.last_error
    accepted = status in ("envoyee", "remplacee")
    simulated = gateway.simulated
    if args.json:
        print_json(
            {
                "alerte": alert_id,
                "statut": status,
                "libelle": status_label(status),
                "message_id": message_id,
                "simulation": simulated,
                "erreur": error,
                **({"message": payload} if args.print_payload else {}),
            }
        )
    else:
        _print_payload(payload, args)
        prefix = "SIMULATION — " if simulated else ""
        if accepted:
            print(f"{prefix}Alerte n° {alert_id} : {status_label(status)} ({message_id}).")
            if simulated:
                print("SIMULATION : aucun téléphone n'a reçu ce message.")
        else:
            print(f"{prefix}Alerte n° {alert_id} : {status_label(status)}. {error or ''}".strip())
            if status == "en_attente":
                print("Elle reste dans la file : un poste ouvert la renverra automatiquement.")
    return EXIT_OK if accepted else EXIT_REFUSED


def wait_final(outbox: Any, alert_id: int, patience: float) -> str:
    """Send now, then retry when due, until a final status or ``patience`` seconds.

    A database that goes away before the request (nothing reached FCM: the claim stays this
    process's) is waited for likewise. When the command stops, what it claimed and did not
    send goes back in the queue, so that the next sender sends it at once rather than leave it
    « envoi » until its lease runs out and an operator must check it."""
    deadline = time.monotonic() + max(0.0, patience)
    try:
        while True:
            try:
                outcome = outbox.deliver(alert_id)
                status = outcome.status if outcome is not None else outbox.status(alert_id)[0]
            except OperationalError:
                if time.monotonic() >= deadline:
                    raise
                outcome, status = None, None
            if status is not None and status not in ("en_attente", "envoi"):
                return str(status)
            remaining = deadline - time.monotonic()
            if remaining <= 0 and status is not None:
                return str(status)
            when = outcome.next_attempt_at if outcome is not None else None
            pause = (when - outbox.clock()).total_seconds() if when is not None else 0.5
            time.sleep(max(0.0, min(remaining, max(0.05, pause))))  # the CLI waits by design
    finally:
        with contextlib.suppress(SQLAlchemyError):  # still gone: its lease will run out
            outbox.give_back_handed()
