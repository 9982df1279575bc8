"""``stopcamb-desk audit verify|list``: check the hash chain of the audit trail, read it."""

from __future__ import annotations

import argparse
from typing import Any

from stopcamb_desk.cli.common import (
    EXIT_OK,
    EXIT_REFUSED,
    CliError,
    add_operator_argument,
    login_operator,
    open_services,
    print_json,
)


def register(sub: Any) -> None:
    parser = sub.add_parser("audit", help="journal d'audit (vérification, consultation)")
    audit_sub = parser.add_subparsers(dest="audit_command", metavar="ACTION", required=True)

    verify = audit_sub.add_parser(
        "verify", help="recalcule la chaîne d'empreintes et signale le premier maillon rompu"
    )
    verify.add_argument("--json", action="store_true", help="sortie JSON")
    verify.set_defaults(handler=_verify)

    lst = audit_sub.add_parser("list", help="derniers événements (administrateurs)")
    lst.add_argument("--acteur", metavar="IDENTIFIANT")
    lst.add_argument("--action", metavar="ACTION", help="ex. envoi, connexion_refusee")
    lst.add_argument("--since", metavar="ISO")
    lst.add_argument("--limit", type=int, default=50)
    lst.add_argument("--json", action="store_true", help="sortie JSON")
    add_operator_argument(lst)
    lst.set_defaults(handler=_list)


def _verify(args: argparse.Namespace) -> int:
    from sqlalchemy import select

    from stopcamb_desk.models import AuditEvent
    from stopcamb_desk.services import audit

    services = open_services()
    try:
        with services.db.session() as session:
            report = audit.verify(session)
            last = session.execute(
                select(AuditEvent.id, AuditEvent.hash).order_by(AuditEvent.id.desc()).limit(1)
            ).first()
            broken = session.get(AuditEvent, report.broken_at) if report.broken_at else None
    finally:
        services.close()
    if args.json:
        print_json(
            {
                "intact": report.ok,
                "evenements_verifies": report.checked,
                "premier_maillon_rompu": report.broken_at,
                "raison": report.reason,
                "dernier_evenement": last.id if last else None,
                "derniere_empreinte": last.hash if last else None,
            }
        )
        return EXIT_OK if report.ok else EXIT_REFUSED
    if report.ok:
        print(f"Journal d'audit intègre : {report.checked} événement(s) vérifié(s).")
        if last is not None:
            print(
                f"Dernier événement : n° {last.id}, empreinte {last.hash}. Notez-la hors du poste "
                "pour pouvoir prouver plus tard qu'aucun événement final n'a été supprimé."
            )
        return EXIT_OK
    print(f"JOURNAL D'AUDIT ALTÉRÉ : premier maillon rompu à l'événement n° {report.broken_at}")
    print(f"Raison : {report.reason}.")
    if broken is not None:
        print(
            f"Événement concerné : {broken.at.astimezone():%d/%m/%Y %H:%M:%S}, "
            f"acteur « {broken.actor} », action « {broken.action} »."
        )
    print(
        f"{report.checked - 1} événement(s) antérieur(s) intègre(s). Ne modifiez rien et "
        "prévenez l'administrateur : la base a été modifiée en dehors de l'application."
    )
    return EXIT_REFUSED


def _list(args: argparse.Namespace) -> int:
    from stopcamb_desk.cli.history import local_text, parse_moment
    from stopcamb_desk.domain.roles import PermissionDenied
    from stopcamb_desk.domain.status import audit_action_label
    from stopcamb_desk.services.audit_journal import AuditFilter, audit_page

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
