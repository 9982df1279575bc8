"""A desk's database as the application opens it: sessions carry the desk's audit secrets.

Tests that build a :class:`Database` themselves go through :func:`desk_db`, which reads the
per-test data directory (``isolated_settings`` in conftest), so two "desks" of one test share
the audit key, as real desks sharing a PostgreSQL database do.
"""

from __future__ import annotations

from dataclasses import replace

from sqlalchemy import text
from sqlalchemy.orm import Session

from stopcamb_desk.config import load_settings
from stopcamb_desk.models.db import Database
from stopcamb_desk.services.container import desk_database
from stopcamb_desk.services.outbox_journal import AcceptJournal


def desk_db(url: str) -> Database:
    return desk_database(replace(load_settings(), database_url=url))


def desk_journal(db: Database) -> AcceptJournal:
    return AcceptJournal(load_settings().journal_path, db.identity)


def tamper(session: Session, statement: str, params: dict[str, object] | None = None) -> None:
    """Run SQL as an adversary with database rights would, out of the application: on
    PostgreSQL as a superuser who switches the append-only triggers off first."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SET LOCAL session_replication_role = replica"))
    session.execute(text(statement), params or {})
