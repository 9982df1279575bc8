"""Command line: the same use cases as the GUI, for scripting, tests and emergencies.

Exit codes: 0 success, 1 refused (rule, permission, delivery failure), 2 usage error.
Each sub-command lives in its own module exposing ``register(subparsers)``; heavy imports
happen inside the handlers so that ``--version`` and the GUI start fast.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from stopcamb_desk import __version__
from stopcamb_desk.cli import french_argparse
from stopcamb_desk.cli.common import EXIT_USAGE, CliError

# Sub-command modules, in the order they appear in ``--help``.
COMMAND_MODULES: tuple[str, ...] = (
    "stopcamb_desk.cli.gui",
    "stopcamb_desk.cli.db",
    "stopcamb_desk.cli.user",
    "stopcamb_desk.cli.ref",
    "stopcamb_desk.cli.brigades",
    "stopcamb_desk.cli.lint",
    "stopcamb_desk.cli.send",
    "stopcamb_desk.cli.screenshot",
    "stopcamb_desk.cli.history",
    "stopcamb_desk.cli.audit",
    "stopcamb_desk.cli.export",
    "stopcamb_desk.cli.news",
    "stopcamb_desk.cli.templates",
    "stopcamb_desk.cli.replace",
)


class _FrenchParser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"{self.prog} : erreur : {message}\n")


def build_parser(modules: Sequence[str] = COMMAND_MODULES) -> argparse.ArgumentParser:
    french_argparse.install()
    parser = _FrenchParser(
        prog="stopcamb-desk",
        description="Poste CORG « Stop Cambriolages » : alertes push, brigades, historique.",
    )
    parser.add_argument(
        "--version",
        action="version",
        version=f"stopcamb-desk {__version__}",
        help="affiche la version et quitte",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMANDE", parser_class=_FrenchParser)
    for name in modules:
        importlib.import_module(name).register(sub)
    return parser


def _wants_gui(argv: Sequence[str]) -> bool:
    """No sub-command (or only GUI options such as ``--demo``) means the GUI."""
    return not argv or argv[0] == "gui" or argv[0] == "--demo"


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    # The GUI is the common case: register only its sub-command so that the login window
    # paints sooner (importing every sub-command module costs tens of milliseconds).
    if _wants_gui(argv):
        parser = build_parser(("stopcamb_desk.cli.gui",))
        argv = argv if argv[:1] == ["gui"] else ["gui", *argv]
    else:
        parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:  # only global options were given
        parser.print_help()
        return EXIT_USAGE
    try:
        return int(args.handler(args) or 0)
    except CliError as exc:
        print(exc.message, file=sys.stderr)
        return exc.code
    except KeyboardInterrupt:
        print("Interrompu.", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
