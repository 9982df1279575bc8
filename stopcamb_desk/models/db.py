"""Engine, sessions and schema upgrades for SQLite (embedded) and PostgreSQL (shared desks)."""

from __future__ import annotations

import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, inspect
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DisconnectionError, OperationalError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from stopcamb_desk.domain.errors import DeskError

MIGRATIONS_DIR = Path(__file__).with_name("migrations")


class DatabaseError(DeskError):
    """The database cannot be reached or used; ``message`` is French and says what to do."""


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def make_engine(url: str) -> Engine:
    """Create the engine; SQLite files get their directory, WAL and foreign keys."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).expanduser().parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"check_same_thread": False})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    engine = create_engine(
        url,
        pool_size=5,
        connect_args={"connect_timeout": 5, "application_name": "stopcamb-desk"},
    )
    event.listen(engine, "connect", _mark_used)
    event.listen(engine, "checkin", _mark_used)
    event.listen(engine, "checkout", _ping_if_idle)
    return engine


# A pooled PostgreSQL connection idle longer than this is pinged before use (a server restart
# or a network cut overnight is then healed by a fresh connection). Back-to-back sessions, as
# in one send, skip the round trip that ``pool_pre_ping`` would pay at every checkout.
IDLE_PING_SECONDS = 10.0


def _mark_used(_dbapi_connection: Any, record: Any, *_args: Any) -> None:
    record.info["used_at"] = time.monotonic()


def _ping_if_idle(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
    if time.monotonic() - record.info.get("used_at", 0.0) < IDLE_PING_SECONDS:
        return
    try:
        cursor = dbapi_connection.cursor()
        cursor.execute("SELECT 1")
        cursor.close()
        dbapi_connection.rollback()
    except Exception as exc:  # the pool discards this connection and opens a new one
        raise DisconnectionError("connexion PostgreSQL perdue") from exc


def explain_failure(exc: Exception, url: str) -> str:
    """Turn a driver error into a French sentence for the operator (no password inside)."""
    from stopcamb_desk.config import describe_database

    where = describe_database(url)
    if isinstance(exc, OperationalError):
        return (
            f"Base de données injoignable ({where}). Vérifiez le réseau ou le serveur "
            "PostgreSQL, puis réessayez ; rien n'a été envoyé ni enregistré."
        )
    return f"Erreur de base de données ({where}) : {exc.__class__.__name__}. Rien n'a été modifié."


def database_identity(url: str) -> str:
    """A stable name of the database behind ``url``, without password (journal, anchor keys)."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        path = parsed.database or ":memory:"
        if path != ":memory:":
            path = str(Path(path).expanduser().resolve())
        return f"sqlite:{path}"
    return (
        f"postgresql://{parsed.username or ''}@{parsed.host or 'localhost'}:"
        f"{parsed.port or 5432}/{parsed.database or ''}"
    )


class Database:
    """An engine plus its session factory. Sessions never expire objects on commit.

    ``session_info`` is copied into every session's ``info`` (the services keep the desk's
    audit secrets there, see ``services/audit.py``)."""

    def __init__(
        self,
        url: str,
        engine: Engine | None = None,
        *,
        session_info: Mapping[str, object] | None = None,
    ) -> None:
        self.url = url
        self.engine = engine or make_engine(url)
        self.sessions = sessionmaker(
            self.engine, expire_on_commit=False, info=dict(session_info or {})
        )

    @property
    def identity(self) -> str:
        return database_identity(self.url)

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A transaction: committed on success, rolled back on any error."""
        with self.sessions() as session:
            try:
                yield session
                session.commit()
            except BaseException:
                session.rollback()
                raise

    def upgrade(self) -> None:
        upgrade(self.engine)

    def dispose(self) -> None:
        self.engine.dispose()


def alembic_config(engine: Engine) -> Any:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.attributes["engine"] = engine
    return cfg


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Run the Alembic migrations up to ``revision`` (idempotent)."""
    from alembic import command

    try:
        command.upgrade(alembic_config(engine), revision)
    except SQLAlchemyError as exc:
        raise DatabaseError(explain_failure(exc, str(engine.url))) from exc


def current_revision(engine: Engine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def table_names(engine: Engine) -> set[str]:
    return set(inspect(engine).get_table_names())
