"""``stopcamb-desk audit verify|list``: check the hash chain of the audit trail, read it."""

from __future__ import annotations

import argparse

from stopcamb_desk.cli.common import EXIT_OK, EXIT_REFUSED, CliError, add_operator_argument, count
from stopcamb_desk.cli.history import local_text, parse_moment
from stopcamb_desk.cli.output import print_json
from stopcamb_desk.cli.session import login_operator, open_services
from stopcamb_desk.domain.roles import PermissionDenied
from stopcamb_desk.domain.status import audit_action_label
from stopcamb_desk.models import AuditEvent
from stopcamb_desk.services import audit, audit_alerts
from stopcamb_desk.services.audit_journal import AuditFilter, audit_page


def register(parser: argparse.ArgumentParser) -> None:
    audit_sub = parser.add_subparsers(dest="audit_command", metavar="ACTION", required=True)

    verify = audit_sub.add_parser(
        "verify",
        help="authentifie chaque événement, contrôle les alertes, signale la première différence",
    )
    verify.add_argument("--json", action="store_true", help="sortie JSON")
    verify.set_defaults(handler=_verify)

    rotate = audit_sub.add_parser(
        "rotate-key",
        help="nouvelle clé d'audit (les anciennes restent pour vérifier) ; administrateurs",
    )
    add_operator_argument(rotate)
    rotate.set_defaults(handler=_rotate)

    lst = audit_sub.add_parser("list", help="derniers événements (administrateurs)")
    lst.add_argument("--acteur", metavar="IDENTIFIANT")
    lst.add_argument("--action", metavar="ACTION", help="ex. envoi, connexion_refusee")
    lst.add_argument("--since", metavar="ISO")
    lst.add_argument("--limit", type=count, default=50)
    lst.add_argument("--json", action="store_true", help="sortie JSON")
    add_operator_argument(lst)
    lst.set_defaults(handler=_list)


def _verify(args: argparse.Namespace) -> int:
    services = open_services(push=False)
    try:
        with services.db.session() as session:
            report = audit_alerts.verify(session)
            broken = session.get(AuditEvent, report.broken_at) if report.broken_at else None
    finally:
        services.close()
    head = report.head
    if args.json:
        print_json(
            {
                "intact": report.ok,
                "evenements_verifies": report.checked,
                "alertes_verifiees": report.alerts_checked,
                "premier_maillon_rompu": report.broken_at,
                "alerte": report.alert_id,
                "raison": report.reason,
                "dernier_evenement": head.event_id if head else None,
                "derniere_empreinte": head.mac if head else None,
            }
        )
        return EXIT_OK if report.ok else EXIT_REFUSED
    print(report.summary)
    if report.ok:
        if head is not None:
            print(
                f"Dernier événement : n° {head.event_id}, authentifiant {head.mac}. Ce poste "
                "l'a noté hors de la base (ancre) : une suppression des derniers événements "
                "sera détectée ici."
            )
        return EXIT_OK
    if broken is not None:
        print(
            f"Événement concerné : n° {broken.id}, {broken.at.astimezone():%d/%m/%Y %H:%M:%S}, "
            f"acteur « {broken.actor} », action « {broken.action} »."
        )
    print(
        "Ne modifiez rien et prévenez l'administrateur : la base a été modifiée en dehors de "
        "l'application (voir docs/audit.md)."
    )
    return EXIT_REFUSED


def _rotate(args: argparse.Namespace) -> int:
    services = open_services(push=False)
    try:
        principal = login_operator(services, args.operateur)
        try:
            key_id = audit.rotate_key_as(services.db, principal, services.settings.audit_key_path)
        except PermissionDenied as exc:
            raise CliError(exc.message) from exc
    finally:
        services.close()
    print(
        f"Nouvelle clé d'audit {key_id} en service ({services.settings.audit_key_path}). "
        "Copiez ce fichier sur chaque poste de la même base (droits 600), voir docs/audit.md."
    )
    return EXIT_OK


def _list(args: argparse.Namespace) -> int:
    flt = AuditFilter(actor=args.acteur, action=args.action, since=parse_moment(args.since))
    services = open_services()
    try:
        principal = login_operator(services, args.operateur)
        try:
            page = audit_page(services.db, principal, flt, limit=args.limit)
        except PermissionDenied as exc:
            raise CliError(exc.message) from exc
    finally:
        services.close()
    if args.json:
        print_json(
            [
                {
                    "id": r.id,
                    "le": r.at.isoformat(),
                    "acteur": r.actor,
                    "action": r.action,
                    "objet": f"{r.object_type} {r.object_id}".strip(),
                    "details": r.details,
                }
                for r in page.rows
            ]
        )
        return EXIT_OK
    for r in page.rows:
        obj = f"{r.object_type} {r.object_id}".strip()
        print(
            f"{r.id:>7}  {local_text(r.at)}  {r.actor:12}  {audit_action_label(r.action):28}  {obj}"
        )
    if not page.rows:
        print("Aucun événement ne correspond à ces critères.")
    return EXIT_OK
