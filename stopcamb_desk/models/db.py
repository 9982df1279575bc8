"""Engine, sessions and schema upgrades for SQLite (embedded) and PostgreSQL (shared desks)."""

from __future__ import annotations

import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, Executable, Row, create_engine, event, inspect
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DisconnectionError, OperationalError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from stopcamb_desk.config import describe_database
from stopcamb_desk.domain.errors import DeskError
from stopcamb_desk.lazy import alembic_command, alembic_configuration, alembic_migration
from stopcamb_desk.models.round_trips import open_later, send_with_commit
from stopcamb_desk.private_files import tighten

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


def _sqlite_file(url: str) -> Path | None:
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return None
    return Path(str(parsed.database)).expanduser()


def _make_parent(path: Path) -> None:
    """Create the database's folder (owner-only), or say in French why it cannot be."""
    parent = path.parent
    try:
        parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    except (FileExistsError, NotADirectoryError):
        raise DatabaseError(
            f"Le dossier de la base SQLite ({parent}) est un fichier, pas un dossier : "
            "indiquez un autre chemin (réglage database.url ou STOPCAMB_DATABASE_URL), ou "
            "déplacez ce fichier. Rien n'a été modifié."
        ) from None
    except OSError as exc:
        raise DatabaseError(
            f"Impossible de créer le dossier de la base SQLite {parent} ({exc.strerror}) : "
            "vérifiez le chemin et vos droits. Rien n'a été modifié."
        ) from None


def _tighten_sqlite_files(path: Path) -> None:
    """The database and its -wal/-shm files are owner-only (an earlier version, or a looser
    umask, may have created them readable by others)."""
    for suffix in ("", "-wal", "-shm"):
        tighten(path.with_name(path.name + suffix))


def make_engine(url: str, *, autocommit: bool = False) -> Engine:
    """Create the engine; SQLite files get their directory, WAL and foreign keys. With
    ``autocommit`` (PostgreSQL only), each statement is its own transaction."""
    sqlite_file = _sqlite_file(url)
    if make_url(url).get_backend_name() == "sqlite":
        if sqlite_file is not None:
            _make_parent(sqlite_file)
        engine = create_engine(url, connect_args={"check_same_thread": False})
        event.listen(engine, "connect", _sqlite_pragmas)
        if sqlite_file is not None:
            event.listen(engine, "connect", lambda *_: _tighten_sqlite_files(sqlite_file))
        return engine
    # Server-side limits of every session (options given in the URL come after, and win).
    options = " ".join(f"-c {name}={value}" for name, value in PG_SESSION_LIMITS.items())
    given = make_url(url).query.get("options")
    if given:
        options += " " + (given if isinstance(given, str) else " ".join(given))
    engine = create_engine(
        url,
        pool_size=5,
        isolation_level="AUTOCOMMIT" if autocommit else None,
        connect_args={
            "connect_timeout": 5,
            "application_name": "stopcamb-desk",
            "options": options,
        },
    )
    event.listen(engine, "connect", _mark_used)
    event.listen(engine, "checkin", _mark_used)
    event.listen(engine, "checkout", _ping_if_idle)
    return engine


# What a PostgreSQL session of the desk waits for at most. A lock (the outbox's, a row) held
# longer than a minute is refused with a French message instead of freezing the desk; a desk
# frozen in the middle of a transaction (process stopped, laptop lid closed) loses its session
# after a minute, and with it the locks every other desk is waiting for.
PG_SESSION_LIMITS = {"lock_timeout": "60s", "idle_in_transaction_session_timeout": "60s"}

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
    where = describe_database(url)
    detail = str(getattr(exc, "orig", exc)).lower()
    if isinstance(exc, OperationalError) and "readonly" in detail:
        return (
            f"La base de données est en lecture seule ({where}) : le compte du poste doit "
            "pouvoir écrire le fichier et son dossier (droits, disque monté en lecture seule). "
            "Rien n'a été envoyé ni enregistré."
        )
    if isinstance(exc, OperationalError) and "unable to open database file" in detail:
        return (
            f"Impossible d'ouvrir la base de données ({where}) : vérifiez que le dossier existe "
            "et que le compte du poste peut y écrire. Rien n'a été envoyé ni enregistré."
        )
    if isinstance(exc, OperationalError) and "database is locked" in detail:
        return (
            f"La base de données est occupée par un autre poste ({where}) : il y écrit en ce "
            "moment (un import de l'annuaire, par exemple). Réessayez dans un instant ; rien n'a "
            "été envoyé ni enregistré."
        )
    if isinstance(exc, OperationalError) and "lock timeout" in detail:
        return (
            f"La base de données est occupée par un autre poste depuis plus d'une minute "
            f"({where}) : un import de l'annuaire ou un poste bloqué au milieu d'une écriture. "
            "Réessayez dans un instant ; si cela dure, prévenez l'administrateur. Rien n'a été "
            "envoyé ni enregistré."
        )
    if isinstance(exc, OperationalError) and (
        "disk is full" in detail or "disk i/o error" in detail
    ):
        return (
            f"La base de données ne peut pas écrire sur le disque ({where} : disque plein ou "
            "défaillant). Libérez de la place puis réessayez ; rien n'a été enregistré."
        )
    if isinstance(exc, OperationalError):
        return (
            f"Base de données injoignable ({where}). Vérifiez le réseau ou le serveur "
            "PostgreSQL, puis réessayez ; rien n'a été envoyé ni enregistré."
        )
    return f"Erreur de base de données ({where}) : {exc.__class__.__name__}. Rien n'a été modifié."


def database_identity(url: str) -> str:
    """A stable name of the database behind ``url`` (journal and anchor keys): no user nor
    password, loopback names unified. Reaching it under another host name (an alias, its IP)
    gives another name: see docs/audit.md."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        path = parsed.database or ":memory:"
        if path != ":memory:":
            path = str(Path(path).expanduser().resolve())
        return f"sqlite:{path}"
    host = (parsed.host or "localhost").lower()
    if host in ("localhost", "127.0.0.1", "::1", "[::1]"):
        host = "localhost"  # one server, whichever loopback name reaches it
    return f"postgresql://{host}:{parsed.port or 5432}/{parsed.database or ''}"


def _renew_on_disconnect(seen: Engine, other: Engine) -> None:
    def renew(context: Any) -> None:
        if context.is_disconnect:
            other.dispose()

    event.listen(seen, "handle_error", renew)


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
        # PostgreSQL: reads outside a transaction (:meth:`read_one`) and transactions opened
        # by the caller's own BEGIN (:meth:`session`); connects when first used.
        self._autocommit = (
            make_engine(self.engine.url.render_as_string(False), autocommit=True)
            if self.dialect == "postgresql"
            else None
        )
        self._opened_sessions = None
        if self._autocommit is not None:
            self._opened_sessions = sessionmaker(
                self._autocommit, expire_on_commit=False, info=dict(session_info or {})
            )
            # A cut seen on one pool (server restart, network) renews the other's connections
            # too, as SQLAlchemy renews the pool that saw it: the next session on either works.
            _renew_on_disconnect(self.engine, self._autocommit)
            _renew_on_disconnect(self._autocommit, self.engine)

    @property
    def identity(self) -> str:
        return database_identity(self.url)

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @contextmanager
    def session(self, *, opening: str | None = None) -> Iterator[Session]:
        """A transaction: committed on success, rolled back on any error.

        ``opening`` (SQL without parameters) is the transaction's first statement. On
        PostgreSQL it goes in the same round trip as the ``BEGIN`` and the transaction's first
        statement (:mod:`.round_trips`) — the driver sends its own ``BEGIN`` alone otherwise:
        the transaction runs on the autocommit pool of :meth:`read_one`, opened by
        ``BEGIN; <opening>``, and ``COMMIT``/``ROLLBACK`` end it as usual (the driver ends a
        transaction that is open whatever its autocommit mode). Inserts left for the end go
        with the ``COMMIT``."""
        opened = self._opened_sessions if opening is not None else None
        with (opened or self.sessions)() as session:
            try:
                if opened is not None and opening is not None:
                    open_later(session, opening)  # with the first statement: round_trips
                elif opening is not None:
                    session.connection().exec_driver_sql(opening)
                yield session
                session.flush()  # the ORM's changes first, after what waits: in order
                send_with_commit(session)  # inserts left for the end: in the COMMIT's round trip
                session.commit()
            except BaseException:
                session.rollback()
                raise

    def read_one(self, statement: Executable, params: Mapping[str, Any]) -> Row[Any]:
        """The one row of a read-only ``statement``, outside any transaction: on PostgreSQL
        one round trip instead of three (``BEGIN``, the statement, ``COMMIT``), on a small
        pool of its own set to autocommit once for all (switching a pooled connection to
        autocommit and back costs more round trips than it saves). SQLite opens no
        transaction for a read: a plain connection of the pool, no session."""
        with (self._autocommit or self.engine).connect() as connection:
            return connection.execute(statement, params).one()

    def upgrade(self) -> None:
        upgrade(self.engine)

    def dispose(self) -> None:
        self.engine.dispose()
        if self._autocommit is not None:
            self._autocommit.dispose()


def alembic_config(engine: Engine) -> Any:
    cfg = alembic_configuration.Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.attributes["engine"] = engine
    return cfg


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Run the Alembic migrations up to ``revision`` (idempotent)."""
    try:
        alembic_command.upgrade(alembic_config(engine), revision)
    except SQLAlchemyError as exc:
        raise DatabaseError(explain_failure(exc, str(engine.url))) from exc


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return alembic_migration.MigrationContext.configure(conn).get_current_revision()


def table_names(engine: Engine) -> set[str]:
    return set(inspect(engine).get_table_names())
