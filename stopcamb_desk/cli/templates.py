"""``stopcamb-desk templates list|add|edit|delete``: message templates.

A chef de quart manages those of their départements (operational alerts), the OPP of GGD34 the
national prevention ones (``--national``), an administrator every one; the service re-checks
the role and runs the rule checker on each saved text.
"""

from __future__ import annotations

import argparse
from dataclasses import replace
from typing import Any

from stopcamb_desk.cli.common import EXIT_OK, EXIT_USAGE, CliError, add_operator_argument, record_id
from stopcamb_desk.cli.lint import _place_finder
from stopcamb_desk.cli.output import print_json
from stopcamb_desk.cli.session import login_operator, open_services
from stopcamb_desk.domain.roles import PermissionDenied
from stopcamb_desk.services.templates import TemplateDraft, TemplateRefused, TemplateService


def register(parser: argparse.ArgumentParser) -> None:
    templates_sub = parser.add_subparsers(dest="templates_command", metavar="ACTION", required=True)

    lst = templates_sub.add_parser("list", help="les modèles que vous gérez")
    _add_scope(lst, required=False)
    lst.add_argument("--json", action="store_true", help="sortie JSON")
    add_operator_argument(lst)
    lst.set_defaults(handler=_list)

    add = templates_sub.add_parser("add", help="créer un modèle (texte contrôlé par les règles)")
    add.add_argument("--titre", required=True, help="nom du modèle (80 caractères au plus)")
    add.add_argument("--texte", required=True, help="texte du message (160 caractères au plus)")
    _add_scope(add, required=True)
    add.add_argument("--json", action="store_true", help="sortie JSON")
    add_operator_argument(add)
    add.set_defaults(handler=_add)

    edit = templates_sub.add_parser("edit", help="modifier un modèle")
    edit.add_argument("id", type=record_id, metavar="N", help="numéro du modèle (templates list)")
    edit.add_argument("--titre", help="nouveau nom")
    edit.add_argument("--texte", help="nouveau texte")
    _add_scope(edit, required=False)
    edit.add_argument("--json", action="store_true", help="sortie JSON")
    add_operator_argument(edit)
    edit.set_defaults(handler=_edit)

    delete = templates_sub.add_parser("delete", help="supprimer un modèle (le journal le garde)")
    delete.add_argument("id", type=record_id, metavar="N", help="numéro du modèle")
    add_operator_argument(delete)
    delete.set_defaults(handler=_delete)


def _add_scope(parser: Any, *, required: bool) -> None:
    scope = parser.add_mutually_exclusive_group(required=required)
    scope.add_argument(
        "--departement", metavar="NN", help="modèle opérationnel de ce département (ex. 74)"
    )
    scope.add_argument(
        "--national", action="store_true", help="modèle national de prévention (OPP du GGD34)"
    )


def _scope(args: argparse.Namespace) -> str | None:
    return None if args.national else args.departement


def _run(args: argparse.Namespace, action: Any, *, places: bool = False) -> Any:
    """Log in, run ``action(service, principal)``, turn refusals into CliError."""
    services = open_services()
    try:
        principal = login_operator(services, args.operateur)
        finder = _place_finder(getattr(args, "departement", None))[0] if places else None
        service = TemplateService(services.db, places=finder)
        try:
            return action(service, principal)
        except (PermissionDenied, TemplateRefused) as exc:
            raise CliError(exc.message) from exc
    finally:
        services.close()


def _list(args: argparse.Namespace) -> int:
    scopes = None if not (args.national or args.departement) else [_scope(args)]
    rows = _run(args, lambda service, principal: service.manageable(principal, scopes))
    if args.json:
        print_json([row.to_dict() for row in rows])
        return EXIT_OK
    if not rows:
        print("Aucun modèle.")
        return EXIT_OK
    print(f"{'N°':>5}  {'Portée':28}  Titre")
    for row in rows:
        print(f"{row.id:>5}  {row.scope_label[:28]:28}  {row.title}")
        print(f"{'':>5}  {'':28}  {row.text}")
    return EXIT_OK


def _report(args: argparse.Namespace, saved: Any) -> int:
    if args.json:
        print_json(
            {"message": saved.message, "avertissements": saved.warnings, **saved.row.to_dict()}
        )
        return EXIT_OK
    print(saved.message)
    for warning in saved.warnings:
        print(f"  ! {warning}")
    return EXIT_OK


def _add(args: argparse.Namespace) -> int:
    draft = TemplateDraft(args.titre, args.texte, _scope(args))
    saved = _run(args, lambda service, principal: service.create(principal, draft), places=True)
    return _report(args, saved)


def _edit(args: argparse.Namespace) -> int:
    if args.titre is None and args.texte is None and not (args.national or args.departement):
        raise CliError("Rien à modifier : indiquez --titre, --texte ou la portée.", EXIT_USAGE)

    def edit(service: Any, principal: Any) -> Any:
        current = service.get(principal, args.id)
        draft = current.draft()
        if args.titre is not None:
            draft = replace(draft, title=args.titre)
        if args.texte is not None:
            draft = replace(draft, text=args.texte)
        if args.national or args.departement:
            draft = replace(draft, departement=_scope(args))
        return service.update(principal, args.id, draft, current.version)

    return _report(args, _run(args, edit, places=True))


def _delete(args: argparse.Namespace) -> int:
    row = _run(args, lambda service, principal: service.delete(principal, args.id))
    print(f"Modèle n° {row.id} « {row.title} » supprimé ({row.scope_label}).")
    return EXIT_OK
