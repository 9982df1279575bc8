"""Builds the services for one desk from the settings (no module-level singletons)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.exc import SQLAlchemyError

from stopcamb_desk.config import Settings
from stopcamb_desk.models.db import Database, DatabaseError, explain_failure
from stopcamb_desk.services.accounts import AccountService


@dataclass
class Services:
    settings: Settings
    db: Database
    accounts: AccountService

    def close(self) -> None:
        self.db.dispose()


def open_services(settings: Settings, *, upgrade: bool = True) -> Services:
    """Connect, bring the schema up to date and (demo mode) seed the demo data.

    Raises :class:`DatabaseError` with a French message when the database is unusable.
    """
    db = Database(settings.database_url)
    try:
        if upgrade:
            db.upgrade()
        accounts = AccountService(db)
        if settings.demo:
            from stopcamb_desk.services.demo import seed_demo

            seed_demo(db, accounts)
    except SQLAlchemyError as exc:
        db.dispose()
        raise DatabaseError(explain_failure(exc, settings.database_url)) from exc
    return Services(settings=settings, db=db, accounts=accounts)
