"""A command's session with the desk: the services opened from the settings, the operator
authenticated (the same lockout as the GUI), the password read without echo.

Imported by the commands that use the database (and so SQLAlchemy), never by the dispatcher.
"""

from __future__ import annotations

import getpass
import os
import sys

from stopcamb_desk.cli.common import EXIT_USAGE, CliError
from stopcamb_desk.config import ConfigError, load_settings
from stopcamb_desk.domain.roles import Principal
from stopcamb_desk.models.db import DatabaseError
from stopcamb_desk.services import container
from stopcamb_desk.services.accounts import AuthError
from stopcamb_desk.services.container import Services


def read_password(prompt: str = "Mot de passe : ", *, confirm: bool = False) -> str:
    """The password from ``STOPCAMB_PASSWORD`` or a no-echo prompt (never an argument)."""
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


def open_services(*, push: bool = True) -> Services:
    """Load the settings and open the services, turning expected failures into CliError."""
    try:
        settings = load_settings()
        return container.open_services(settings, push=push)
    except (ConfigError, DatabaseError) as exc:
        raise CliError(str(exc)) from exc


def login_operator(services: Services, login: str | None) -> Principal:
    """Authenticate ``--operateur`` (same lockout as the GUI) and return the Principal."""
    if not login:
        raise CliError("Indiquez l'opérateur : --operateur IDENTIFIANT.", EXIT_USAGE)
    try:
        return services.accounts.authenticate(login, read_password())
    except AuthError as exc:
        raise CliError(exc.message) from exc
