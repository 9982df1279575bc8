"""``stopcamb-desk user add|list|passwd|disable|enable|unlock|departements``: operator accounts.

Without ``--operateur``, account changes are allowed only while the database has no
administrator (first set-up); afterwards an administrator must authenticate.
"""

from __future__ import annotations

import argparse
from typing import Any

from stopcamb_desk.cli.common import EXIT_USAGE, CliError, add_operator_argument
from stopcamb_desk.cli.output import print_json
from stopcamb_desk.cli.session import login_operator, open_services, read_password
from stopcamb_desk.domain.roles import PermissionDenied, Role
from stopcamb_desk.services.accounts import AccountError

ROLES = ("chef_de_quart", "opp_national", "administrateur")


def register(parser: argparse.ArgumentParser) -> None:
    user_sub = parser.add_subparsers(dest="user_command", metavar="ACTION", required=True)

    add = user_sub.add_parser("add", help="crée un compte")
    add.add_argument("login", metavar="IDENTIFIANT")
    add.add_argument("--role", required=True, choices=ROLES)
    add.add_argument("--departements", default="", help="ex. 74,73 (chef de quart)")
    add.add_argument("--nom", default="", help="nom affiché, ex. « Adj. Martin »")
    add_operator_argument(add)
    add.set_defaults(handler=_add)

    lst = user_sub.add_parser("list", help="liste les comptes")
    lst.add_argument("--json", action="store_true", help="sortie JSON")
    lst.set_defaults(handler=_list)

    passwd = user_sub.add_parser("passwd", help="change un mot de passe")
    passwd.add_argument("login", metavar="IDENTIFIANT")
    add_operator_argument(passwd)
    passwd.set_defaults(handler=_passwd)

    for name, help_text, handler in (
        ("disable", "désactive un compte (il ne peut plus se connecter)", _disable),
        ("enable", "réactive un compte désactivé", _enable),
        ("unlock", "déverrouille un compte après des mots de passe faux", _unlock),
    ):
        action = user_sub.add_parser(name, help=help_text)
        action.add_argument("login", metavar="IDENTIFIANT")
        add_operator_argument(action)
        action.set_defaults(handler=handler)

    deps = user_sub.add_parser("departements", help="change les départements d'un chef de quart")
    deps.add_argument("login", metavar="IDENTIFIANT")
    deps.add_argument("--departements", required=True, help="ex. 74,73")
    add_operator_argument(deps)
    deps.set_defaults(handler=_departements)


def _actor(services: Any, login: str | None) -> Any:
    if login:
        return login_operator(services, login)
    if services.accounts.has_administrator():
        raise CliError(
            "Un administrateur existe déjà : indiquez --operateur IDENTIFIANT_ADMINISTRATEUR.",
            EXIT_USAGE,
        )
    return None


def _add(args: argparse.Namespace) -> int:
    services = open_services()
    try:
        actor = _actor(services, args.operateur)
        password = read_password("Mot de passe du nouveau compte : ", confirm=True)
        deps = [d for d in args.departements.split(",") if d.strip()]
        principal = services.accounts.create(
            args.login, password, Role(args.role), deps, args.nom, actor=actor
        )
    except (AccountError, PermissionDenied) as exc:
        raise CliError(exc.message) from exc
    finally:
        services.close()
    deps_text = ", ".join(principal.departements) or "—"
    print(
        f"Compte « {principal.login} » créé ({principal.role.label}, départements : {deps_text})."
    )
    return 0


def _list(args: argparse.Namespace) -> int:
    services = open_services()
    try:
        rows: list[dict[str, Any]] = [
            {
                "login": op.login,
                "nom": op.nom,
                "role": op.role,
                "departements": list(op.departements),
                "actif": op.active,
                "verrouille_jusqu_a": op.locked_until.isoformat() if op.locked_until else None,
            }
            for op in services.accounts.list()
        ]
    finally:
        services.close()
    if args.json:
        print_json(rows)
        return 0
    if not rows:
        print("Aucun compte. Créez-en un : stopcamb-desk user add IDENTIFIANT --role …")
    for row in rows:
        deps = ",".join(row["departements"]) or "—"
        state = " (verrouillé)" if row["verrouille_jusqu_a"] else ""
        state += "" if row["actif"] else " (désactivé)"
        print(f"{row['login']:<16} {Role(row['role']).label:<24} {deps:<10} {row['nom']}{state}")
    return 0


def _passwd(args: argparse.Namespace) -> int:
    services = open_services()
    try:
        actor = _actor(services, args.operateur)
        password = read_password("Nouveau mot de passe : ", confirm=True)
        services.accounts.set_password(args.login, password, actor=actor)
    except (AccountError, PermissionDenied) as exc:
        raise CliError(exc.message) from exc
    finally:
        services.close()
    print(f"Mot de passe de « {args.login} » changé.")
    return 0


def _change(args: argparse.Namespace, change: Any, done: str) -> int:
    """Run ``change(services, actor)`` for the authenticated administrator, print ``done``."""
    services = open_services()
    try:
        change(services, _actor(services, args.operateur))
    except (AccountError, PermissionDenied) as exc:
        raise CliError(exc.message) from exc
    finally:
        services.close()
    print(done)
    return 0


def _disable(args: argparse.Namespace) -> int:
    return _change(
        args,
        lambda services, actor: services.accounts.set_active(args.login, False, actor=actor),
        f"Compte « {args.login} » désactivé.",
    )


def _enable(args: argparse.Namespace) -> int:
    return _change(
        args,
        lambda services, actor: services.accounts.set_active(args.login, True, actor=actor),
        f"Compte « {args.login} » réactivé.",
    )


def _unlock(args: argparse.Namespace) -> int:
    return _change(
        args,
        lambda services, actor: services.accounts.unlock(args.login, actor=actor),
        f"Compte « {args.login} » déverrouillé.",
    )


def _departements(args: argparse.Namespace) -> int:
    codes = [d for d in args.departements.split(",") if d.strip()]
    return _change(
        args,
        lambda services, actor: services.accounts.set_departements(args.login, codes, actor=actor),
        f"Départements de « {args.login} » : {', '.join(codes)}.",
    )
