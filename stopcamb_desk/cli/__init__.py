"""Command line: the same use cases as the GUI, for scripting, tests and emergencies.

Exit codes: 0 success, 1 refused (rule, permission, delivery failure), 2 usage error.
Each sub-command lives in its own module, which imports what it uses at its top and declares
its arguments with ``register(parser)``. :data:`COMMANDS` names them: only the module of the
command being run is imported (the GUI does not wait for the command line's SQLAlchemy, nor
``lint`` for the database), and ``--help`` lists every command without importing any.

An emergency tool never guesses: option abbreviations are off (``--at`` is not
``--attendre``), arguments that are not valid UTF-8 are refused, and every failure is a French
sentence — an unexpected one too (its traceback goes to the technical log, not the terminal).
Files the process creates are owner-only whatever the umask (``private_files``).
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import logging
import os
import sys
from collections.abc import Callable, Sequence
from typing import Any

from stopcamb_desk import __version__
from stopcamb_desk.cli import french_argparse
from stopcamb_desk.cli.common import EXIT_REFUSED, EXIT_USAGE, CliError
from stopcamb_desk.config import ConfigError, describe_database, load_settings
from stopcamb_desk.domain.errors import DeskError
from stopcamb_desk.logs import logging_to_file, setup_logging
from stopcamb_desk.private_files import restrict_umask

# The sub-commands, in the order of ``--help``: name → (what ``--help`` says of it, the function
# declaring its arguments: ``"module"`` for the module's ``register``, or ``"module:function"``).
COMMANDS: dict[str, tuple[str, str]] = {
    "gui": ("ouvre le poste (fenêtre de connexion)", "stopcamb_desk.cli.gui"),
    "db": ("base de données (création, migrations)", "stopcamb_desk.cli.db"),
    "user": ("comptes des opérateurs", "stopcamb_desk.cli.user"),
    "ref": (
        "données de référence : départements et communes (sans réseau)",
        "stopcamb_desk.cli.ref",
    ),
    "brigades": ("annuaire des brigades", "stopcamb_desk.cli.brigades"),
    "lint": (
        "vérifier un texte d'alerte (160 caractères, soupçon, identification, champ…)",
        "stopcamb_desk.cli.lint",
    ),
    "send": (
        "envoyer une alerte push (contrôle des règles, file d'envoi durable)",
        "stopcamb_desk.cli.send",
    ),
    "outbox": ("file d'envoi : expéditeur sans interface, état", "stopcamb_desk.cli.outbox"),
    "scheduled": (
        "messages de prévention programmés (OPP du GGD34) : liste, modification",
        "stopcamb_desk.cli.scheduled",
    ),
    "screenshot": (
        "image PNG d'un écran (documentation, support, tests)",
        "stopcamb_desk.cli.screenshot",
    ),
    "history": ("historique des alertes envoyées", "stopcamb_desk.cli.history"),
    "audit": ("journal d'audit (vérification, consultation)", "stopcamb_desk.cli.audit"),
    "export": ("exports CAP 1.2 (une alerte) et CSV (historique)", "stopcamb_desk.cli.export"),
    "news": (
        "flux d'actualité national de l'application (OPP GGD34)",
        "stopcamb_desk.cli.news",
    ),
    "templates": (
        "modèles de messages (département : opérationnels ; national : prévention)",
        "stopcamb_desk.cli.templates",
    ),
    "replace": (
        "remplacer l'alerte affichée sur les téléphones par un texte corrigé",
        "stopcamb_desk.cli.replace:register_replace",
    ),
    "retract": (
        "retirer l'alerte affichée sur les téléphones (message neutre de retrait)",
        "stopcamb_desk.cli.replace:register_retract",
    ),
}


class _FrenchParser(argparse.ArgumentParser):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("allow_abbrev", False)  # sub-command parsers are built by argparse
        super().__init__(*args, **kwargs)

    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"{self.prog} : erreur : {message}\n")


def _register_function(command: str) -> Callable[[argparse.ArgumentParser], None]:
    """The function declaring ``command``'s arguments (its module is imported now)."""
    module, _, function = COMMANDS[command][1].partition(":")
    register: Callable[[argparse.ArgumentParser], None] = getattr(
        importlib.import_module(module), function or "register"
    )
    return register


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The parser of ``command`` alone, its arguments declared; without one (``--help``, a
    mistyped command), every command's name and what it does, no arguments."""
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
    for name, (help_text, _where) in COMMANDS.items():
        if command is None:
            sub.add_parser(name, help=help_text)
        elif name == command:
            _register_function(name)(sub.add_parser(name, help=help_text))
    return parser


def _wants_gui(argv: Sequence[str]) -> bool:
    """No sub-command (or only GUI options such as ``--demo``) means the GUI."""
    return not argv or argv[0] == "gui" or argv[0] == "--demo"


def _unreadable_argument(argv: Sequence[str]) -> str | None:
    """The first argument holding bytes that are not UTF-8 (decoded as lone surrogates)."""
    for value in argv:
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return value.encode("utf-8", "backslashreplace").decode("ascii", "replace")
    return None


def _unexpected(exc: BaseException) -> int:
    """A bug: the traceback to the technical log, a French sentence to the operator. A
    database that went away mid-command is no bug: it gets its own French sentence."""
    # An SQLAlchemy error comes from an imported SQLAlchemy: no need to import it to tell.
    sqlalchemy_errors = sys.modules.get("sqlalchemy.exc")
    if sqlalchemy_errors is not None and isinstance(exc, sqlalchemy_errors.SQLAlchemyError):
        where = "la base de données"
        with contextlib.suppress(Exception):
            where = describe_database(load_settings().database_url)
        logging.getLogger("stopcamb_desk.cli").warning("Base indisponible", exc_info=exc)
        _say(
            f"Base de données injoignable en cours de commande ({where}). Ce qui a été "
            "enregistré avant la coupure est dans la file d'envoi et partira avec le prochain "
            "poste ouvert : vérifiez l'historique avant de recommencer."
        )
        return EXIT_REFUSED

    where = "le journal technique"
    try:
        path = setup_logging(load_settings().data_dir)
        if path is not None:
            where = str(path)
    except Exception:  # the settings themselves may be what is broken
        pass
    logging.getLogger("stopcamb_desk.cli").error("Erreur inattendue", exc_info=exc)
    _say(
        f"Erreur inattendue ({exc.__class__.__name__}) : détails dans {where}. Vérifiez "
        "l'historique avant de recommencer et prévenez l'administrateur."
    )
    return EXIT_REFUSED


def _technical_log(command: str) -> Any:
    """The log file for a command (the GUI sets up its own after the first paint)."""
    if command == "gui":
        return contextlib.nullcontext()
    try:
        return logging_to_file(load_settings().data_dir)
    except ConfigError:
        return contextlib.nullcontext()  # the command itself will say what is wrong


def _say(message: str) -> None:
    with contextlib.suppress(OSError):
        print(message, file=sys.stderr)


def main(argv: Sequence[str] | None = None) -> int:
    restrict_umask()
    argv = list(sys.argv[1:] if argv is None else argv)
    unreadable = _unreadable_argument(argv)
    if unreadable is not None:
        _say(
            f"Argument illisible : « {unreadable} » n'est pas du texte UTF-8. Retapez-le ou "
            "passez le texte par l'entrée standard (--text -) en UTF-8. Rien n'a été fait."
        )
        return EXIT_USAGE
    try:
        return _dispatch(argv)
    except BrokenPipeError:
        # Output piped into a command that stopped reading (`| head`): not an error of ours.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_REFUSED


def _dispatch(argv: list[str]) -> int:
    if _wants_gui(argv):
        argv = argv if argv[:1] == ["gui"] else ["gui", *argv]
    # Global options (--help, --version) come before the command: it is the first argument.
    parser = build_parser(argv[0] if argv and argv[0] in COMMANDS else None)
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse said what is wrong (or printed --help / --version)
        return exc.code if isinstance(exc.code, int) else EXIT_USAGE
    if args.command is None:  # only global options were given
        parser.print_help()
        return EXIT_USAGE
    try:
        with _technical_log(args.command):
            code = int(args.handler(args) or 0)
        sys.stdout.flush()  # a closed pipe is reported here, not at interpreter exit
        return code
    except CliError as exc:
        _say(exc.message)
        return exc.code
    except DeskError as exc:
        _say(exc.message)
        return EXIT_REFUSED
    except KeyboardInterrupt:
        _say("Interrompu.")
        return EXIT_REFUSED
    except BrokenPipeError:
        raise
    except Exception as exc:
        return _unexpected(exc)


if __name__ == "__main__":
    sys.exit(main())
