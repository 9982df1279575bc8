"""Inserts left for the end of a transaction (audit events, attempts, queued alerts): seen by
every later statement of their transaction, exact once committed, gone with a rollback — and on
PostgreSQL sent in the COMMIT's own round trip."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import event, func, insert, select
from sqlalchemy.exc import IntegrityError

from stopcamb_desk.models import Operator
from stopcamb_desk.models.db import Database
from stopcamb_desk.models.write_later import insert_later

OPERATORS: Any = Operator.__table__
ADD_OPERATOR = insert(OPERATORS)
# What client-side binding must carry unchanged: quotes, backslashes, percent signs and
# placeholders, non-Latin text, a semicolon that must not end the statement.
AWKWARD = "l'agent « O'Brien » \\ 100 % %(login)s %s ; COMMIT; -- ça 日本"


def _operator(login: str, **values: Any) -> dict[str, Any]:
    row = {
        "login": login,
        "nom": AWKWARD,
        "role": "operateur",
        "password_hash": "x",
        "failed_logins": 0,
        "active": True,
        "created_at": datetime(2026, 12, 7, 23, 59, 58, 123456, tzinfo=UTC),
        "locked_until": None,
    }
    return row | values


def _logins(db: Database) -> list[str]:
    with db.session() as session:
        return list(session.scalars(select(Operator.login).order_by(Operator.login)))


def test_a_later_insert_is_seen_by_the_next_statement_of_its_transaction(db_url: str) -> None:
    db = Database(db_url)
    with db.session() as session:
        insert_later(session, ADD_OPERATOR, _operator("chef74"))
        seen = session.scalar(select(func.count()).select_from(Operator))
        insert_later(session, ADD_OPERATOR, _operator("chef73"))
        session.flush()
        found = session.scalar(select(Operator.nom).where(Operator.login == "chef73"))
    assert (seen, found) == (1, AWKWARD)
    assert _logins(db) == ["chef73", "chef74"]
    db.dispose()


def test_later_inserts_committed_at_the_end_keep_every_value_exact(db_url: str) -> None:
    db = Database(db_url)
    locked = datetime(2026, 12, 8, 1, 2, 3, 4, tzinfo=UTC)
    with db.session() as session:
        insert_later(session, ADD_OPERATOR, _operator("a", active=False, locked_until=locked))
        insert_later(session, ADD_OPERATOR, _operator("b", nom="", failed_logins=-3))
    with db.session() as session:
        rows = session.execute(
            select(
                Operator.login,
                Operator.nom,
                Operator.active,
                Operator.locked_until,
                Operator.failed_logins,
                Operator.created_at,
            ).order_by(Operator.login)
        ).all()
    created = datetime(2026, 12, 7, 23, 59, 58, 123456, tzinfo=UTC)
    assert [tuple(r) for r in rows] == [
        ("a", AWKWARD, False, locked, 0, created),
        ("b", "", True, None, -3, created),
    ]
    db.dispose()


def test_a_later_insert_that_fails_rolls_the_whole_transaction_back(db_url: str) -> None:
    db = Database(db_url)
    with db.session() as session:
        insert_later(session, ADD_OPERATOR, _operator("chef74"))
    with pytest.raises(IntegrityError), db.session() as session:
        session.execute(ADD_OPERATOR, _operator("chef73"))  # sent at once
        insert_later(session, ADD_OPERATOR, _operator("chef01"))
        insert_later(session, ADD_OPERATOR, _operator("chef74"))  # the same login again
        insert_later(session, ADD_OPERATOR, _operator("chef02"))
    assert _logins(db) == ["chef74"]  # nothing of it, and the desk's next session works
    db.dispose()


def test_a_rollback_drops_what_waits(db_url: str) -> None:
    db = Database(db_url)
    with pytest.raises(RuntimeError), db.session() as session:
        insert_later(session, ADD_OPERATOR, _operator("perdu"))
        raise RuntimeError("coupure")
    with db.session() as session:
        insert_later(session, ADD_OPERATOR, _operator("garde"))
    assert _logins(db) == ["garde"]
    db.dispose()


def test_an_explicit_commit_sends_what_waits(db_url: str) -> None:
    db = Database(db_url)
    with db.sessions() as session:
        insert_later(session, ADD_OPERATOR, _operator("chef74"))
        session.commit()
    assert _logins(db) == ["chef74"]
    db.dispose()


@pytest.mark.postgres
def test_on_postgresql_the_inserts_travel_with_the_commit(pg_url: str) -> None:
    """The transaction's end is one message: its inserts, then COMMIT; the driver sends no
    COMMIT of its own after it. Either pool (opened with a lock, or plain)."""
    db = Database(pg_url)
    sent: list[str] = []

    def listener(*args: Any) -> None:
        sent.append(args[2])  # the statement as sent

    engines = [db.engine, db._autocommit]  # type: ignore[attr-defined]
    for n, opening in enumerate(("SELECT pg_advisory_xact_lock(4242)", None)):
        sent.clear()
        for engine in engines:
            event.listen(engine, "before_cursor_execute", listener)
        with db.session(opening=opening) as session:
            session.execute(select(func.count()).select_from(Operator))
            insert_later(session, ADD_OPERATOR, _operator(f"u{n}"))
            insert_later(session, ADD_OPERATOR, _operator(f"v{n}"))
            connection = session.connection().connection.driver_connection
        for engine in engines:
            event.remove(engine, "before_cursor_execute", listener)
        last = sent[-1]
        assert last.count("INSERT INTO operators") == 2 and last.endswith("; COMMIT")
        assert connection.info.transaction_status.name == "IDLE"
    assert _logins(db) == ["u0", "u1", "v0", "v1"]
    db.dispose()
