"""Helpers shared by the sub-commands: exit codes, errors, argument types.

Light (argparse and the standard library): the command-line dispatcher imports it before any
command. Opening the services and logging the operator in are in :mod:`.session`.
"""

from __future__ import annotations

import argparse
import math
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
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"« {value} » n'est pas un numéro") from None
    if not 1 <= number <= MAX_ID:
        raise argparse.ArgumentTypeError(f"numéro hors limites : « {value} »")
    return number


def count(value: str) -> int:
    """An argparse type for a number of lines: 1 to 10 000."""
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"« {value} » n'est pas un nombre entier") from None
    if not 1 <= number <= 10_000:
        raise argparse.ArgumentTypeError(f"« {value} » : entre 1 et 10000")
    return number


def seconds(value: str) -> float:
    """An argparse type for a duration: a finite number of seconds, up to 30 days."""
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


def add_operator_argument(parser: Any) -> None:
    parser.add_argument(
        "--operateur",
        metavar="IDENTIFIANT",
        help="opérateur au nom duquel agir (mot de passe : STOPCAMB_PASSWORD ou invite)",
    )
