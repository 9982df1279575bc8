"""``stopcamb-desk gui [--demo]``: start the desk (login window first)."""

from __future__ import annotations

import argparse

from stopcamb_desk.cli.common import CliError
from stopcamb_desk.config import ConfigError, load_settings
from stopcamb_desk.ui.app import run_gui


def register(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--demo",
        action="store_true",
        help="mode démonstration : comptes de démonstration affichés, données d'exemple",
    )
    parser.set_defaults(handler=_run)


def _run(args: argparse.Namespace) -> int:
    try:
        settings = load_settings()
    except ConfigError as exc:
        raise CliError(str(exc)) from exc
    if getattr(args, "demo", False):
        settings = settings.with_demo()
    return run_gui(settings)
