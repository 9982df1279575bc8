"""Inserts sent with the transaction's COMMIT: one round trip less each on PostgreSQL.

An insert whose result nobody reads (an audit event, an attempt, a row whose every value the
caller already holds) need not wait for its own answer. :func:`insert_later` keeps it in the
session, and it goes out, in order:

- before the next statement the session runs (``do_orm_execute``: any read or write of the
  transaction sees it), before an ORM flush and before a commit — as if executed at once;
- or, when the transaction has nothing left to run, in the round trip of its ``COMMIT``
  (:func:`send_with_commit`, called by ``Database.session``): on PostgreSQL
  ``INSERT …; INSERT …; COMMIT`` as one simple query, the values bound on the client by
  psycopg (``ClientCursor.mogrify``) after SQLAlchemy's own bind processing. An error in any
  of them stops the rest: the transaction is rolled back whole, as if each had been sent
  alone. The driver then sees the transaction ended and sends no ``COMMIT`` of its own.

SQLite runs in-process (no round trip to save): what waits is executed before the commit.
A rollback drops what waits.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import ORMExecuteState, Session
from sqlalchemy.sql.dml import Insert

from stopcamb_desk.lazy import psycopg

_PENDING = "stopcamb_insert_later"


def insert_later(session: Session, statement: Insert, values: Mapping[str, Any]) -> None:
    """Insert ``values`` with ``statement`` in the session's transaction, with its next
    statement at the latest (see the module's docstring)."""
    session.info.setdefault(_PENDING, []).append((statement, dict(values)))


def _send_pending(session: Session) -> None:
    """Execute what waits, in order, on the session's connection (no event runs again)."""
    pending = session.info.pop(_PENDING, None)
    if not pending:
        return
    connection = session.connection()
    for statement, values in pending:
        connection.execute(statement, values)


@functools.lru_cache(maxsize=64)  # a few statements, for the desk's one or two dialects
def _compiled(statement: Insert, keys: tuple[str, ...], dialect: Dialect) -> tuple[str, Any]:
    """The statement's SQL for ``keys`` (the driver's placeholders) and how each value is
    processed first (SQLAlchemy's bind processors: e.g. aware datetimes in UTC)."""
    compiled = statement.compile(dialect=dialect, column_keys=list(keys))
    processors = {}
    for name, bind in compiled.binds.items():
        processor = bind.type.dialect_impl(dialect).bind_processor(dialect)
        if processor is not None:
            processors[name] = processor
    return str(compiled), (compiled, processors)


def _rendered(connection: Any, statement: Insert, values: dict[str, Any], renderer: Any) -> str:
    sql, (compiled, processors) = _compiled(statement, tuple(sorted(values)), connection.dialect)
    params = compiled.construct_params(values)
    for name, processor in processors.items():
        if name in params:
            params[name] = processor(params[name])
    return str(renderer.mogrify(sql, params))


def send_with_commit(session: Session) -> None:
    """PostgreSQL: what waits, then ``COMMIT``, in one round trip; the session's ``commit()``
    that follows only ends its own bookkeeping. Elsewhere nothing: the commit executes what
    waits first."""
    if not session.info.get(_PENDING):
        return
    connection = session.connection()
    driver = connection.connection.driver_connection
    if connection.dialect.name != "postgresql" or driver is None:
        return
    pending = session.info.pop(_PENDING)
    renderer = psycopg.ClientCursor(driver)
    try:
        parts = [
            _rendered(connection, statement, values, renderer) for statement, values in pending
        ]
    finally:
        renderer.close()
    parts.append("COMMIT")
    # no_parameters: the values are in the text, which the driver must not read for placeholders
    connection.exec_driver_sql("; ".join(parts), execution_options={"no_parameters": True})


@event.listens_for(Session, "do_orm_execute")
def _before_execute(state: ORMExecuteState) -> None:
    _send_pending(state.session)


@event.listens_for(Session, "before_flush")
def _before_flush(session: Session, _context: object, _instances: object) -> None:
    _send_pending(session)


@event.listens_for(Session, "before_commit")
def _before_commit(session: Session) -> None:
    _send_pending(session)


@event.listens_for(Session, "after_soft_rollback")
def _rolled_back(session: Session, _previous: object) -> None:
    session.info.pop(_PENDING, None)
