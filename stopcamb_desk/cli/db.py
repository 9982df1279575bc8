"""``stopcamb-desk db upgrade``: create or migrate the database schema."""

from __future__ import annotations

import argparse

from stopcamb_desk.cli.common import CliError
from stopcamb_desk.config import ConfigError, describe_database, load_settings
from stopcamb_desk.models.db import Database, DatabaseError, current_revision
from stopcamb_desk.services.reference import sync_reference


def register(parser: argparse.ArgumentParser) -> None:
    db_sub = parser.add_subparsers(dest="db_command", metavar="ACTION", required=True)
    upgrade = db_sub.add_parser("upgrade", help="crée ou met à jour le schéma de la base")
    upgrade.set_defaults(handler=_upgrade)


def _upgrade(args: argparse.Namespace) -> int:
    try:
        settings = load_settings()
        db = Database(settings.database_url)
        db.upgrade()
        refreshed = sync_reference(db)
        revision = current_revision(db.engine)
        db.dispose()
    except (ConfigError, DatabaseError) as exc:
        raise CliError(str(exc)) from exc
    print(f"Base à jour ({describe_database(settings.database_url)}), révision {revision}.")
    if refreshed:
        print("Données de référence (départements, communes) chargées.")
    return 0
