"""A desk's database as the application opens it: sessions carry the desk's audit secrets.

Tests that build a :class:`Database` themselves go through :func:`desk_db`, which reads the
per-test data directory (``isolated_settings`` in conftest), so two "desks" of one test share
the audit key, as real desks sharing a PostgreSQL database do.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
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


class Pause:
    """Where desk A's work stops (``here()``, called by one of its collaborators) until the
    test lets it go: two desks interleaved at a chosen point, without sleeps."""

    def __init__(self) -> None:
        self.inside, self.go_on = threading.Event(), threading.Event()

    def here(self) -> None:
        self.inside.set()
        assert self.go_on.wait(60), "the test never let desk A go on"


def interleaved(pause: Pause, desk_a: Callable[[], object], desk_b: Callable[[], object]) -> object:
    """Run ``desk_a`` on a thread until it reaches ``pause``, then ``desk_b`` here, then let
    desk A finish; return what desk A returned or raised."""
    outcome: list[object] = []

    def run_a() -> None:
        try:
            outcome.append(desk_a())
        except BaseException as exc:  # reported to the caller
            outcome.append(exc)

    thread = threading.Thread(target=run_a)
    thread.start()
    try:
        assert pause.inside.wait(60), "desk A never reached the pause"
        desk_b()
    finally:
        pause.go_on.set()
        thread.join()
    (result,) = outcome
    return result
