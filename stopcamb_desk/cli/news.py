"""``stopcamb-desk news list|publish|withdraw|retry|check|export-atom``: the app's national news
feed."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from stopcamb_desk.cli.common import (
    EXIT_OK,
    EXIT_REFUSED,
    CliError,
    add_operator_argument,
    record_id,
)
from stopcamb_desk.cli.output import print_json
from stopcamb_desk.cli.session import login_operator, open_services
from stopcamb_desk.domain.roles import PermissionDenied
from stopcamb_desk.services.news_atom import AtomExportError, write_atom
from stopcamb_desk.services.news_draft import (
    MARKUP_RULE,
    NewsDraft,
    NewsRefused,
    describe_removals,
)
from stopcamb_desk.services.news_service import open_news_service


def register(parser: argparse.ArgumentParser) -> None:
    news_sub = parser.add_subparsers(dest="news_command", metavar="ACTION", required=True)

    lst = news_sub.add_parser("list", help="articles du flux : publiés, brouillons, retirés")
    lst.add_argument("--json", action="store_true", help="sortie JSON")
    add_operator_argument(lst)
    lst.set_defaults(handler=_list)

    publish = news_sub.add_parser("publish", help="publier un article dans le flux d'actualité")
    publish.add_argument("--titre", required=True, help="titre (80 caractères au plus)")
    publish.add_argument("--texte", required=True, help="texte (1 000 caractères au plus)")
    publish.add_argument("--url", default="", help="lien https:// facultatif")
    publish.add_argument(
        "--id",
        type=record_id,
        metavar="N",
        help="mettre à jour l'article n° N au lieu d'en créer un",
    )
    publish.add_argument(
        "--nettoyer",
        action="store_true",
        help="retirer le code HTML et les liens non https du titre et du texte (la liste de ce "
        "qui est retiré est affichée avant la publication)",
    )
    publish.add_argument("--json", action="store_true", help="sortie JSON")
    add_operator_argument(publish)
    publish.set_defaults(handler=_publish)

    withdraw = news_sub.add_parser("withdraw", help="retirer un article du flux")
    withdraw.add_argument("id", type=record_id, metavar="N", help="numéro de l'article")
    withdraw.add_argument("--json", action="store_true", help="sortie JSON")
    add_operator_argument(withdraw)
    withdraw.set_defaults(handler=_withdraw)

    retry = news_sub.add_parser("retry", help="réessayer une publication ou un retrait en échec")
    retry.add_argument("id", type=record_id, metavar="N", help="numéro de l'article")
    retry.add_argument("--json", action="store_true", help="sortie JSON")
    add_operator_argument(retry)
    retry.set_defaults(handler=_retry)

    check = news_sub.add_parser(
        "check",
        help="relire le flux de l'application et le comparer au registre (écarts enregistrés)",
    )
    check.add_argument("--json", action="store_true", help="sortie JSON")
    add_operator_argument(check)
    check.set_defaults(handler=_check)

    atom = news_sub.add_parser(
        "export-atom", help="écrire le flux Atom 1.0 des articles publiés (sites, lecteurs de flux)"
    )
    atom.add_argument(
        "fichier", metavar="FICHIER", help="fichier .xml à écrire (« - » : sortie standard)"
    )
    add_operator_argument(atom)
    atom.set_defaults(handler=_export_atom)


def _run(args: argparse.Namespace, action: Any) -> Any:
    """Log in, run ``action(service, principal)``, turn refusals into CliError."""
    services = open_services()
    service = open_news_service(services)
    try:
        principal = login_operator(services, args.operateur)
        try:
            return action(service, principal)
        except (PermissionDenied, NewsRefused) as exc:
            raise CliError(exc.message) from exc
    finally:
        service.close()
        services.close()


def _list(args: argparse.Namespace) -> int:
    rows = _run(args, lambda service, principal: service.list_items(principal))
    if args.json:
        print_json([row.to_dict() for row in rows])
        return EXIT_OK
    if not rows:
        print("Le flux d'actualité ne contient aucun article.")
        return EXIT_OK
    print(f"{'N°':>5}  {'Statut':21}  {'Publié le':16}  Titre")
    for row in rows:
        published = (
            row.published_at.astimezone().strftime("%d/%m/%Y %H:%M") if row.published_at else ""
        )
        print(f"{row.id:>5}  {row.status_label:21}  {published:16}  {row.title}")
    return EXIT_OK


def _report(args: argparse.Namespace, outcome: Any, removed: list[str] | None = None) -> int:
    if args.json:
        result = {"ok": outcome.ok, "message": outcome.message, "article": outcome.row.to_dict()}
        if removed is not None:
            result["retire"] = removed
        print_json(result)
    else:
        print(outcome.message)
    return EXIT_OK if outcome.ok else EXIT_REFUSED


def _publish(args: argparse.Namespace) -> int:
    draft = NewsDraft(args.titre, args.texte, args.url)
    removed: list[str] | None = None
    if args.nettoyer:
        draft, removals = draft.cleaned()
        removed = describe_removals(removals, limit=len(removals) + 1)

    def publish(service: Any, principal: Any) -> Any:
        version = service.get(principal, args.id).version if args.id is not None else None
        if removed and not args.json:
            lines = "\n".join(f"  – {line}" for line in removed)
            print(f"Retiré avant publication :\n{lines}")
        try:
            return service.publish(principal, draft, args.id, version)
        except NewsRefused as exc:
            if any(p.rule == MARKUP_RULE for p in exc.problems):
                raise NewsRefused(
                    f"{exc.message}\nRien n'a été enregistré ni publié. Corrigez le texte, ou "
                    "relancez avec --nettoyer pour retirer ce code (la liste de ce qui est retiré "
                    "est affichée).",
                    exc.problems,
                ) from exc
            raise

    return _report(args, _run(args, publish), removed)


def _withdraw(args: argparse.Namespace) -> int:
    return _report(
        args, _run(args, lambda service, principal: service.withdraw(principal, args.id))
    )


def _retry(args: argparse.Namespace) -> int:
    return _report(args, _run(args, lambda service, principal: service.retry(principal, args.id)))


def _check(args: argparse.Namespace) -> int:
    """Exit 0 when the app shows what the record says, 1 otherwise (or unreadable)."""
    check = _run(args, lambda service, principal: service.check_feed(principal))
    if args.json:
        print_json(
            {
                "ok": check.ok,
                "message": check.message,
                "visibles": check.shown,
                "ecarts": [
                    {"type": str(g.kind), "article": g.item_id, "cle": g.key, "message": g.message}
                    for g in check.gaps
                ],
                "non_verifies": list(check.skipped),
            }
        )
    else:
        print(check.message)
    return EXIT_OK if check.ok else EXIT_REFUSED


def _export_atom(args: argparse.Namespace) -> int:
    document, count = _run(args, lambda service, principal: service.atom(principal))
    if args.fichier == "-":
        sys.stdout.buffer.write(document)
        sys.stdout.flush()
        return EXIT_OK
    path = Path(args.fichier)
    try:
        write_atom(path, document)
    except AtomExportError as exc:
        raise CliError(exc.message) from exc
    articles = "article publié" if count == 1 else "articles publiés"
    print(f"Flux Atom écrit dans {path} : {count} {articles}.")
    return EXIT_OK
