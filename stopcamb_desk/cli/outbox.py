"""``stopcamb-desk outbox run|status``: the desk's sender without a desk, and what is pending.

``outbox run`` is the same sender as an open desk (prepares FCM, sends what is due, retries,
recovers sends whose desk died), for a service on a CORG server that keeps retries going when
every desk is closed. It stops after ``--duree`` seconds, or on Ctrl+C / SIGTERM, after the
send in flight (never in the middle of one).
"""

from __future__ import annotations

import argparse
import signal
import sys
import threading

from stopcamb_desk.cli.common import EXIT_OK, CliError, seconds
from stopcamb_desk.cli.history import local_text
from stopcamb_desk.cli.output import print_json
from stopcamb_desk.cli.session import open_services
from stopcamb_desk.domain.status import IN_PROGRESS_STATUSES, status_label
from stopcamb_desk.services.changes import Change
from stopcamb_desk.services.outbox import pending_alerts


def register(parser: argparse.ArgumentParser) -> None:
    actions = parser.add_subparsers(dest="outbox_command", metavar="ACTION", required=True)
    run = actions.add_parser(
        "run",
        help="envoie ce qui est dû, comme un poste ouvert, jusqu'à l'arrêt (Ctrl+C, SIGTERM)",
    )
    run.add_argument(
        "--duree",
        type=seconds,
        metavar="SECONDES",
        help="s'arrêter après ce temps (par défaut : jusqu'à Ctrl+C ou SIGTERM)",
    )
    run.set_defaults(handler=_run)
    status = actions.add_parser("status", help="alertes en attente, en cours ou à vérifier")
    status.add_argument("--json", action="store_true", help="sortie JSON")
    status.set_defaults(handler=_status)


def _say(line: str) -> None:
    print(line, flush=True)


def _run(args: argparse.Namespace) -> int:
    services = open_services()
    try:
        outbox, worker = services.outbox, services.outbox_worker
        if outbox is None or worker is None:
            raise CliError(f"{services.push_error} Rien n'a été envoyé.")

        def changed(change: Change) -> None:
            if change.local and change.status and change.status not in IN_PROGRESS_STATUSES:
                _say(f"Alerte n° {change.alert_id} : {status_label(change.status)}.")

        services.changes.subscribe(changed)
        stop = threading.Event()
        previous = signal.signal(signal.SIGTERM, lambda *_: stop.set())
        mode = "SIMULATION" if services.simulated else "Firebase Cloud Messaging"
        _say(f"Expéditeur démarré ({mode}). Arrêt : Ctrl+C.")
        worker.start()
        try:
            stop.wait(args.duree)
        except KeyboardInterrupt:
            pass
        finally:
            signal.signal(signal.SIGTERM, previous)
        _say("Arrêt de l'expéditeur (après l'envoi en cours, le cas échéant).")
    finally:
        services.close()
    return EXIT_OK


def _status(args: argparse.Namespace) -> int:
    services = open_services(push=False)
    try:
        pending = pending_alerts(services.db)
    finally:
        services.close()
    if args.json:
        print_json(
            [
                {
                    "alerte": p.id,
                    "public": p.departement or "national",
                    "sujet": p.topic,
                    "statut": p.status,
                    "libelle": status_label(p.status),
                    "creee": p.created_at.isoformat(),
                    "prochain_essai": p.next_attempt_at.isoformat() if p.next_attempt_at else None,
                    "essais": p.attempt_count,
                    "auteur": p.author,
                    "erreur": p.last_error,
                }
                for p in pending
            ]
        )
        return EXIT_OK
    if not pending:
        print("File d'envoi vide : rien en attente, en cours ni à vérifier.")
        return EXIT_OK
    for p in pending:
        when = ""
        if p.status == "en_attente" and p.next_attempt_at is not None:
            when = f", prochain essai {local_text(p.next_attempt_at)}"
        target = f"département {p.departement}" if p.departement else "national"
        line = (
            f"n° {p.id:>6}  {status_label(p.status):16} {target:16} par {p.author}, "
            f"{p.attempt_count} essai(s){when}"
        )
        print(line)
        if p.last_error:
            print(f"          {p.last_error}")
    sys.stdout.flush()
    return EXIT_OK
