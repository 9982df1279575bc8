"""``stopcamb-desk gui [--demo]``: start the desk (login window first)."""

from __future__ import annotations

import argparse
from typing import Any

from stopcamb_desk.cli.common import CliError


def register(sub: Any) -> None:
    parser = sub.add_parser("gui", help="ouvre le poste (fenêtre de connexion)")
    parser.add_argument(
        "--demo",
        action="store_true",
        help="mode démonstration : comptes de démonstration affichés, données d'exemple",
    )
    parser.set_defaults(handler=_run)


def _run(args: argparse.Namespace) -> int:
    from stopcamb_desk.config import ConfigError, load_settings

    try:
        settings = load_settings()
    except ConfigError as exc:
        raise CliError(str(exc)) from exc
    if getattr(args, "demo", False):
        settings = settings.with_demo()
    from stopcamb_desk.ui.app import run_gui

    return run_gui(settings)
