"""The fewest round trips: inserts left for the end of a transaction (audit events, attempts,
queued alerts) are seen by every later statement of their transaction, exact once committed,
gone with a rollback, and on PostgreSQL sent in the COMMIT's own round trip; a transaction's
opening (the outbox lock) goes with its first statement."""

from __future__ import annotations

import tempfile
from datetime import UTC, datetime
from typing import IO, Any
from unittest.mock import ANY

import pytest
from psycopg import pq
from sqlalchemy import bindparam, func, insert, select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from stopcamb_desk.models import Departement, Operator
from stopcamb_desk.models.db import Database
from stopcamb_desk.models.round_trips import first_rows, insert_later

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


def test_orm_changes_left_for_the_commit_go_with_what_waits_or_nothing_does(
    db_url: str,
) -> None:
    """A service's ORM object flushed at commit time goes after what waits, in the same
    transaction: if its flush fails, nothing of the transaction is committed."""
    db = Database(db_url)
    with db.session() as session:
        session.add(Departement(code="74", nom="Haute-Savoie", region="ARA"))
    with pytest.raises(IntegrityError), db.session() as session:
        insert_later(session, ADD_OPERATOR, _operator("chef74"))
        session.add(Departement(code="74", nom="Doublon", region="ARA"))  # refused at flush
    with db.session() as session:
        insert_later(session, ADD_OPERATOR, _operator("chef73"))
        session.add(Departement(code="73", nom="Savoie", region="ARA"))
    assert _logins(db) == ["chef73"]
    with db.session() as session:
        assert sorted(session.scalars(select(Departement.code))) == ["73", "74"]
    db.dispose()


def test_a_savepoint_keeps_what_waited_before_it_and_takes_what_it_inserted(
    db_url: str,
) -> None:
    db = Database(db_url)
    with db.session() as session:
        insert_later(session, ADD_OPERATOR, _operator("avant"))
        savepoint = session.begin_nested()
        insert_later(session, ADD_OPERATOR, _operator("dedans"))
        savepoint.rollback()
        insert_later(session, ADD_OPERATOR, _operator("apres"))
    assert _logins(db) == ["apres", "avant"]
    db.dispose()


def test_a_column_left_to_its_default_gets_it(db_url: str) -> None:
    db = Database(db_url)
    with db.session() as session:
        values = _operator("chef74")
        del values["created_at"], values["nom"]
        insert_later(session, ADD_OPERATOR, values)
    with db.session() as session:
        row = session.execute(select(Operator.nom, Operator.created_at)).one()
    assert row.nom == "" and row.created_at is not None
    db.dispose()


def test_what_a_closed_session_left_waiting_is_never_sent(db_url: str) -> None:
    db = Database(db_url)
    session = db.sessions()
    insert_later(session, ADD_OPERATOR, _operator("abandon"))
    session.close()
    insert_later(session, ADD_OPERATOR, _operator("garde"))
    session.commit()
    session.close()
    assert _logins(db) == ["garde"]
    db.dispose()


def test_an_explicit_commit_sends_what_waits(db_url: str) -> None:
    db = Database(db_url)
    with db.sessions() as session:
        insert_later(session, ADD_OPERATOR, _operator("chef74"))
        session.commit()
    assert _logins(db) == ["chef74"]
    db.dispose()


class Wire:
    """What the session's connection sends to PostgreSQL meanwhile, read from libpq's own
    protocol trace: a round trip ends with each ``Sync`` or ``Query`` message the desk sends."""

    def __init__(self, session: Session, trace: IO[str]) -> None:
        driver = session.connection().connection.driver_connection
        assert driver is not None
        self.pgconn = driver.pgconn
        self.trace = trace
        self.pgconn.trace(trace.fileno())
        self.pgconn.set_trace_flags(pq.Trace.SUPPRESS_TIMESTAMPS | pq.Trace.REGRESS_MODE)

    def round_trips(self) -> list[list[str]]:
        """Stop listening; the statements executed, one list per round trip."""
        self.pgconn.untrace()
        self.trace.seek(0)
        prepared: dict[str, str] = {}  # statement name ("" unnamed) -> SQL
        trips: list[list[str]] = []
        current: list[str] = []
        for line in self.trace:
            if not line.startswith("F\t"):
                continue
            fields = line.rstrip("\n").split("\t")  # F, length, message, its contents
            kind, quoted = fields[2], "\t".join(fields[3:]).split('"')
            if kind == "Parse":
                prepared[quoted[1]] = quoted[3]
            elif kind == "Bind":
                current.append(prepared[quoted[3]])
            elif kind == "Query":
                current.append(quoted[1])
            if kind in ("Sync", "Query"):
                trips.append(current)
                current = []
        return trips


@pytest.mark.postgres
def test_on_postgresql_the_inserts_travel_with_the_commit(pg_url: str) -> None:
    """The transaction ends in one round trip: its inserts, then COMMIT; the driver sends no
    COMMIT of its own after it. Either pool (opened with a lock, or plain)."""
    db = Database(pg_url)
    for n, opening in enumerate(("SELECT pg_advisory_xact_lock(4242)", None)):
        with tempfile.TemporaryFile("w+") as trace:
            with db.session(opening=opening) as session:
                wire = Wire(session, trace)
                session.execute(select(func.count()).select_from(Operator))
                insert_later(session, ADD_OPERATOR, _operator(f"u{n}"))
                insert_later(session, ADD_OPERATOR, _operator(f"v{n}"))
            trips = wire.round_trips()
        last = trips[-1]
        assert len(last) == 3 and last[2] == "COMMIT", trips
        assert all(sql.startswith("INSERT INTO operators") for sql in last[:2])
    assert _logins(db) == ["u0", "u1", "v0", "v1"]
    db.dispose()


@pytest.mark.postgres
def test_on_postgresql_the_opening_travels_with_the_first_statement(pg_url: str) -> None:
    """The transaction's lock goes with its first statement, in one round trip; it is held
    from then to the end (another desk sees it), and the rows read are the statement's own,
    lists bound as SQLAlchemy expands them."""
    db = Database(pg_url)
    with db.session() as session:
        insert_later(session, ADD_OPERATOR, _operator("chef74"))
        insert_later(session, ADD_OPERATOR, _operator("chef73", active=False))
    lock = "SELECT pg_advisory_xact_lock(4242)"
    held = text("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND objid = 4242")
    statement = (
        select(Operator.login, Operator.nom, Operator.active)
        .where(Operator.login.in_(bindparam("b_logins", expanding=True)))
        .order_by(Operator.login)
    )
    with tempfile.TemporaryFile("w+") as trace:
        with db.session(opening=lock) as session:
            wire = Wire(session, trace)
            rows = first_rows(session, statement, {"b_logins": ["chef73", "chef74", "inconnu"]})
            with db.session() as other:
                assert other.execute(held).scalar_one() == 1
            insert_later(session, ADD_OPERATOR, _operator("chef01"))
        trips = wire.round_trips()
    assert [tuple(r) for r in rows] == [("chef73", AWKWARD, False), ("chef74", AWKWARD, True)]
    assert rows[0].login == "chef73"
    assert len(trips) == 2, trips  # the opening with the read, the insert with the COMMIT
    first, last = trips
    assert first[:2] == ["BEGIN", lock] and first[2].startswith("SELECT operators.login")
    assert last[-1] == "COMMIT" and last[0].startswith("INSERT INTO operators")
    with db.session() as session:
        assert session.execute(held).scalar_one() == 0
    assert _logins(db) == ["chef01", "chef73", "chef74"]
    db.dispose()


@pytest.mark.postgres
def test_a_transaction_of_orm_changes_only_takes_its_lock_first(pg_url: str) -> None:
    db = Database(pg_url)
    lock = "SELECT pg_advisory_xact_lock(4242)"
    with tempfile.TemporaryFile("w+") as trace:
        with db.session(opening=lock) as session:
            wire = Wire(session, trace)
            session.add(Departement(code="74", nom="Haute-Savoie", region="ARA"))
        trips = wire.round_trips()
    assert trips[0] == ["BEGIN", lock]
    assert trips[1][0].startswith("INSERT INTO departements") and trips[-1] == ["COMMIT"]
    db.dispose()


@pytest.mark.postgres
def test_a_transaction_that_runs_nothing_takes_no_lock(pg_url: str) -> None:
    """Its lock is never taken: another desk gets it at once (here within a second)."""
    db = Database(pg_url)
    impatient = Database(f"{pg_url}?options=-c%20lock_timeout%3D1000")
    lock = "SELECT pg_advisory_xact_lock(4242)"
    with tempfile.TemporaryFile("w+") as trace:
        with db.session(opening=lock), impatient.session(opening=lock) as other:
            insert_later(other, ADD_OPERATOR, _operator("chef74"))  # lock, insert, commit: one
            wire = Wire(other, trace)
        assert wire.round_trips() == [["BEGIN", lock, ANY, "COMMIT"]]
    assert _logins(db) == ["chef74"]
    impatient.dispose()
    db.dispose()


def test_first_rows_reads_the_same_rows_everywhere(db_url: str) -> None:
    db = Database(db_url)
    with db.session() as session:
        insert_later(session, ADD_OPERATOR, _operator("chef74"))
    statement = select(Operator.login).where(Operator.login == bindparam("b_login"))
    opening = "SELECT 1" if db.dialect == "postgresql" else "BEGIN IMMEDIATE"
    with db.session(opening=opening) as session:
        assert [tuple(r) for r in first_rows(session, statement, {"b_login": "chef74"})] == [
            ("chef74",)
        ]
        assert first_rows(session, statement, {"b_login": "x"}) == []
    db.dispose()
