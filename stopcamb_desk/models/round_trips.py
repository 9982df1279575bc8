"""The fewest round trips a transaction can take to PostgreSQL: its opening goes with its first
statement, its last inserts with its COMMIT.

On the desk's 2-core machines each statement sent alone costs more than the SQL it carries:
the driver's and SQLAlchemy's work around it, two process wake-ups. A send is made of a
handful of short transactions.

- **The opening** of ``Database.session(opening=…)`` (``BEGIN`` and the outbox lock) is not
  sent alone (:func:`open_later`): :func:`first_rows` sends it with the transaction's first
  statement and reads that statement's rows; any other first statement, flush or commit sends
  it first, as before. The lock is held from the first statement to the end, as the
  transaction does nothing before it (a transaction that runs nothing takes nothing).
- **An insert whose answer nobody reads** (an audit event, an attempt, a row whose every value
  the caller holds) waits in the session (:func:`insert_later`). It goes out, in order, before
  the next statement the session runs (``do_orm_execute``: any read or write of the transaction
  sees it), before an ORM flush or a commit — as if executed at once; or, when nothing is left
  to run, with the ``COMMIT`` (:func:`send_with_commit`, called by ``Database.session``).

On PostgreSQL the statements of one step go in psycopg's pipeline mode: sent together, each
parsed (prepared once per connection), bound and executed in turn by the server, answered after
one sync. Each is the statement SQLAlchemy would send, its values bound by the server as
usual. An error stops the rest: the transaction is rolled back whole, as if each had been sent
alone, and the error is SQLAlchemy's (``OperationalError``, ``IntegrityError``…), the
connection invalidated if it was lost. After a ``COMMIT`` sent this way the driver sees the
transaction ended and sends none of its own.

SQLite runs in-process (no round trip to save): its opening runs at once, what waits runs
before the commit. The end of the transaction (rollback, close) drops what still waits; a
savepoint sends it first.
"""

from __future__ import annotations

import collections
import dataclasses
import functools
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from sqlalchemy import Executable, event
from sqlalchemy.engine import Connection, Dialect
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import ORMExecuteState, Session, SessionTransaction
from sqlalchemy.sql import ClauseElement
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.dml import Insert

from stopcamb_desk.lazy import psycopg

_PENDING = "stopcamb_insert_later"
_OPENING = "stopcamb_opening"


def open_later(session: Session, opening: str) -> None:
    """The transaction of ``session`` (PostgreSQL, on the autocommit pool) begins with
    ``BEGIN; <opening>``, sent with its first statement."""
    session.begin()  # the transaction exists now: its statements come later
    session.info[_OPENING] = opening


def insert_later(session: Session, statement: Insert, values: Mapping[str, Any]) -> None:
    """Insert ``values`` with ``statement`` in the session's transaction, with its next
    statement at the latest (see the module's docstring). Inserted at once inside a savepoint
    (it belongs to it), or when a column left out has a default SQLAlchemy computes."""
    if session.in_nested_transaction() or _defaults_missing(statement, values):
        session.execute(statement, values)
        return
    if not session.in_transaction():
        session.begin()  # what waits belongs to this transaction, and ends with it
    session.info.setdefault(_PENDING, []).append((statement, dict(values)))


def _defaults_missing(statement: Insert, values: Mapping[str, Any]) -> bool:
    return any(
        column.default is not None and column.key not in values
        for column in statement.table.columns
    )


def first_rows(session: Session, statement: Executable, params: Mapping[str, Any]) -> Sequence[Any]:
    """The rows of ``statement`` (named tuples), executed in the session's transaction: on
    PostgreSQL, when it is the transaction's first, in one round trip with its opening."""
    connection = session.connection()
    if session.info.get(_OPENING) is None or not _plain_rows(statement, connection):
        return session.execute(statement, params).all()
    steps = _waiting(session, connection)
    steps.append(_step(connection, statement, dict(params)))
    return _pipelined(connection, steps)


def send_with_commit(session: Session) -> None:
    """PostgreSQL: what waits (the opening, inserts), then ``COMMIT``, in one round trip; the
    session's ``commit()`` that follows only ends its own bookkeeping. A transaction that ran
    nothing sends nothing. Elsewhere nothing: the commit executes what waits first."""
    if not session.info.get(_PENDING):
        session.info.pop(_OPENING, None)  # nothing ran, nothing to lock: nothing to send
        return
    if session.get_bind().dialect.name != "postgresql":
        return
    connection = session.connection()
    _pipelined(connection, [*_waiting(session, connection), ("COMMIT", None)])


_Step = tuple[str, Mapping[str, Any] | None]


def _waiting(session: Session, connection: Connection) -> list[_Step]:
    """The opening and the inserts that wait, as the driver's statements (PostgreSQL)."""
    opening = session.info.pop(_OPENING, None)
    steps: list[_Step] = [] if opening is None else [("BEGIN", None), (opening, None)]
    steps += [_step(connection, s, v) for s, v in session.info.pop(_PENDING, ())]
    return steps


def _send_waiting(session: Session, connection: Connection | None = None) -> None:
    """Before another statement, a flush, a savepoint or a commit: what waits, in order."""
    if _OPENING not in session.info and not session.info.get(_PENDING):
        return
    connection = connection or session.connection()
    if connection.dialect.name == "postgresql":
        _pipelined(connection, _waiting(session, connection))
        return
    for statement, values in session.info.pop(_PENDING, ()):
        connection.execute(statement, values)


@functools.lru_cache(maxsize=64)  # a few statements, for the desk's one or two dialects
def _compiled(statement: Executable, keys: tuple[str, ...], dialect: Dialect) -> _Compiled:
    """``statement`` compiled for the values of ``keys`` (the driver's placeholders)."""
    assert isinstance(statement, ClauseElement)
    compiled = statement.compile(dialect=dialect, column_keys=list(keys))
    assert isinstance(compiled, SQLCompiler)
    processors = {}
    for name, bind in compiled.binds.items():
        processor = bind.type.dialect_impl(dialect).bind_processor(dialect)
        if processor is not None:
            processors[name] = processor
    return _Compiled(compiled, processors, bool(compiled.post_compile_params))


@dataclasses.dataclass(frozen=True, slots=True)
class _Compiled:
    compiled: SQLCompiler
    processors: Mapping[str, Callable[[Any], Any]]  # SQLAlchemy's, by parameter name
    expanding: bool  # a list is expanded when executed: the SQL depends on the values


def _plain_rows(statement: Executable, connection: Connection) -> bool:
    """Whether the rows of ``statement`` may be read as the driver gives them: PostgreSQL, no
    column whose value SQLAlchemy would convert."""
    if connection.dialect.name != "postgresql":
        return False
    return not any(_result_processors(statement, connection.dialect))


def _step(connection: Connection, statement: Executable, values: dict[str, Any]) -> _Step:
    """``statement`` as SQLAlchemy would send it: its SQL (lists expanded) and its values,
    each processed (e.g. aware datetimes in UTC)."""
    found = _compiled(statement, tuple(sorted(values)), connection.dialect)
    processors: Mapping[str, Callable[[Any], Any]] = found.processors
    if found.expanding:
        state = found.compiled.construct_expanded_state(values)
        sql, params, processors = state.statement, dict(state.parameters), state.processors
    else:  # the same, without its cost: the SQL is the compiled one
        sql, params = found.compiled.string, dict(found.compiled.construct_params(values))
    for name, processor in processors.items():
        if name in params:
            params[name] = processor(params[name])
    return sql, params


def _pipelined(connection: Connection, steps: list[_Step]) -> list[Any]:
    """Run ``steps`` in one round trip (psycopg's pipeline mode); the rows of the last."""
    if not steps:
        return []
    driver = connection.connection.driver_connection
    assert driver is not None  # an open connection of the session
    try:
        with driver.pipeline():  # one Sync when it ends: the answers of all, in order
            # SQLAlchemy's statements are prepared once per connection (as psycopg does with
            # any statement it sees often); BEGIN, the opening and COMMIT are not.
            cursors = [
                driver.execute(sql, params, prepare=params is not None) for sql, params in steps
            ]
        last = cursors[-1]
        if last.description is None:
            return []
        row = _row_type(tuple(column.name for column in last.description))
        return [row(*values) for values in last.fetchall()]
    except psycopg.Error as exc:
        lost = connection.dialect.is_disconnect(exc, driver, None)  # type: ignore[arg-type]
        if lost:  # as SQLAlchemy does: this connection, and the pool's others, renewed
            connection.invalidate(exc)
            connection.engine.dispose(close=False)
        raise DBAPIError.instance(
            "; ".join(sql for sql, _ in steps),
            None,
            exc,
            psycopg.Error,
            connection_invalidated=lost,
            dialect=connection.dialect,
        ) from exc


@functools.lru_cache(maxsize=32)
def _row_type(names: tuple[str, ...]) -> Any:
    return collections.namedtuple("Row", names, rename=True)


@functools.lru_cache(maxsize=64)
def _result_processors(statement: Executable, dialect: Dialect) -> tuple[Any, ...]:
    columns = statement.exported_columns  # type: ignore[attr-defined]
    return tuple(c.type.dialect_impl(dialect).result_processor(dialect, None) for c in columns)


@event.listens_for(Session, "do_orm_execute")
def _before_execute(state: ORMExecuteState) -> None:
    _send_waiting(state.session)


@event.listens_for(Session, "before_flush")
def _before_flush(session: Session, _context: object, _instances: object) -> None:
    _send_waiting(session)


@event.listens_for(Session, "before_commit")
def _before_commit(session: Session) -> None:
    _send_waiting(session)


@event.listens_for(Session, "after_transaction_create")
def _before_savepoint(session: Session, transaction: SessionTransaction) -> None:
    """A savepoint begins: what waits goes first, in the enclosing transaction (rolling the
    savepoint back must not take it along)."""
    if transaction.nested and transaction.parent is not None:
        _send_waiting(session, transaction.parent.connection(None))


@event.listens_for(Session, "after_transaction_end")
def _ended(session: Session, transaction: SessionTransaction) -> None:
    """The session's transaction ended (committed, rolled back, closed): nothing waits any
    more (a savepoint's end leaves the enclosing transaction's to it)."""
    if transaction.parent is None:
        session.info.pop(_PENDING, None)
        session.info.pop(_OPENING, None)
