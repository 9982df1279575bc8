"""``stopcamb-desk screenshot``: render a view of the real window offscreen to a PNG file."""

from __future__ import annotations

import argparse
import os
import re
from pathlib import Path

from stopcamb_desk.cli.common import EXIT_USAGE, CliError
from stopcamb_desk.domain.errors import DeskError
from stopcamb_desk.ui.screenshot import render

VIEWS = (
    "composer",
    "historique",
    "carte",
    "brigades",
    "national",
    "modeles",
    "tableau",
    "comptes",
    "aide",
    "login",
    "verrouillage",
)


def _size(value: str) -> tuple[int, int]:
    match = re.fullmatch(r"(\d{2,5})[xX×](\d{2,5})", value.strip())
    if not match:
        raise argparse.ArgumentTypeError("taille attendue LARGEURxHAUTEUR, ex. 1280x800")
    width, height = int(match[1]), int(match[2])
    if not (200 <= width <= 8000 and 150 <= height <= 8000):
        raise argparse.ArgumentTypeError("taille hors limites (200x150 à 8000x8000)")
    return width, height


def register(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--view", required=True, choices=VIEWS, help="écran à représenter")
    parser.add_argument("--out", required=True, type=Path, metavar="FICHIER.png")
    parser.add_argument(
        "--size",
        type=_size,
        default=None,
        metavar="LxH",
        help="taille de la fenêtre (défaut 1280x800 ; fenêtre de connexion : taille naturelle)",
    )
    parser.add_argument("--text", help="texte pré-rempli dans l'écran de rédaction")
    parser.add_argument(
        "--notification",
        action="store_true",
        help="avec le bandeau de notification : un collègue, sur un autre poste, vient "
        "d'envoyer une alerte pour le département du compte (chef de quart)",
    )
    parser.add_argument(
        "--operateur",
        metavar="IDENTIFIANT",
        help="compte de démonstration connecté (défaut : opp34 pour national et tableau, "
        "admin pour comptes, sinon chef74)",
    )
    parser.set_defaults(handler=_run)


def _run(args: argparse.Namespace) -> int:
    # Never flash a window on the operator's screen, and work without any display.
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    if args.view == "login" and (args.text or args.operateur or args.notification):
        raise CliError(
            "--text, --operateur et --notification ne s'appliquent pas à la vue login.",
            EXIT_USAGE,
        )
    try:
        path = render(
            args.view,
            args.out,
            args.size,
            args.text,
            args.operateur,
            notification=args.notification,
        )
    except DeskError as exc:
        raise CliError(exc.message) from exc
    print(path)
    return 0
