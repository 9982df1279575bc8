"""Helpers shared by the sub-commands: exit codes, errors, JSON output, operator login."""

from __future__ import annotations

import json
import sys
from typing import Any

from stopcamb_desk.domain.errors import DeskError

EXIT_OK = 0
EXIT_REFUSED = 1
EXIT_USAGE = 2


class CliError(DeskError):
    """A refusal or usage error shown to the operator as a French sentence."""

    def __init__(self, message: str, code: int = EXIT_REFUSED) -> None:
        super().__init__(message)
        self.code = code


MAX_ID = 2**31 - 1


def record_id(value: str) -> int:
    """An argparse type for a record number (alert, article, template): 1 to 2³¹ − 1."""
    import argparse

    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"« {value} » n'est pas un numéro") from None
    if not 1 <= number <= MAX_ID:
        raise argparse.ArgumentTypeError(f"numéro hors limites : « {value} »")
    return number


def count(value: str) -> int:
    """An argparse type for a number of lines: 1 to 10 000."""
    import argparse

    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"« {value} » n'est pas un nombre entier") from None
    if not 1 <= number <= 10_000:
        raise argparse.ArgumentTypeError(f"« {value} » : entre 1 et 10000")
    return number


def seconds(value: str) -> float:
    """An argparse type for a duration: a finite number of seconds, up to 30 days."""
    import argparse
    import math

    try:
        number = float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"« {value} » n'est pas un nombre de secondes") from None
    if not math.isfinite(number) or not 0 <= number <= 30 * 86_400:
        raise argparse.ArgumentTypeError(f"« {value} » : un nombre de secondes entre 0 et 2592000")
    return number


def read_text_argument(value: str) -> str:
    """A ``--text``-like argument; ``-`` reads standard input, which must be UTF-8."""
    if value != "-":
        return value
    stream = getattr(sys.stdin, "buffer", None)
    if stream is None:  # already text (an embedding program gave us a str stream)
        return str(sys.stdin.read()).strip()
    raw = stream.read()
    try:
        return str(raw.decode("utf-8-sig")).strip()
    except UnicodeDecodeError as exc:
        raise CliError(
            f"L'entrée standard n'est pas du texte UTF-8 valide (octet n° {exc.start + 1}) : "
            "enregistrez le texte en UTF-8 puis recommencez. Rien n'a été envoyé.",
            EXIT_USAGE,
        ) from None


def print_json(data: Any) -> None:
    json.dump(data, sys.stdout, ensure_ascii=False, indent=2, default=str)
    sys.stdout.write("\n")


def read_password(prompt: str = "Mot de passe : ", *, confirm: bool = False) -> str:
    """The password from ``STOPCAMB_PASSWORD`` or a no-echo prompt (never an argument)."""
    import getpass
    import os

    env = os.environ.get("STOPCAMB_PASSWORD")
    if env is not None:
        return env
    if not sys.stdin.isatty():
        raise CliError(
            "Mot de passe requis : définissez STOPCAMB_PASSWORD ou lancez la commande dans un "
            "terminal.",
            EXIT_USAGE,
        )
    password = getpass.getpass(prompt)
    if confirm and getpass.getpass("Confirmez le mot de passe : ") != password:
        raise CliError("Les deux mots de passe diffèrent.", EXIT_USAGE)
    return password


def open_services(*, demo: bool = False, push: bool = True) -> Any:
    """Load the settings and open the services, turning expected failures into CliError."""
    from stopcamb_desk.config import ConfigError, load_settings
    from stopcamb_desk.models.db import DatabaseError
    from stopcamb_desk.services.container import open_services as _open

    try:
        settings = load_settings()
        return _open(settings.with_demo(demo), push=push)
    except (ConfigError, DatabaseError) as exc:
        raise CliError(str(exc)) from exc


def login_operator(services: Any, login: str | None) -> Any:
    """Authenticate ``--operateur`` (same lockout as the GUI) and return the Principal."""
    from stopcamb_desk.services.accounts import AuthError

    if not login:
        raise CliError("Indiquez l'opérateur : --operateur IDENTIFIANT.", EXIT_USAGE)
    try:
        return services.accounts.authenticate(login, read_password())
    except AuthError as exc:
        raise CliError(exc.message) from exc


def add_operator_argument(parser: Any) -> None:
    parser.add_argument(
        "--operateur",
        metavar="IDENTIFIANT",
        help="opérateur au nom duquel agir (mot de passe : STOPCAMB_PASSWORD ou invite)",
    )
