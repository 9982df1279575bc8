"""Migrations run on empty SQLite and PostgreSQL databases; the audit chain shows tampering."""

from __future__ import annotations

from pathlib import Path

import pytest
from desk import tamper
from sqlalchemy import text

from stopcamb_desk.models.db import Database, current_revision, table_names
from stopcamb_desk.services import audit, audit_alerts

EXPECTED_TABLES = {
    "alembic_version",
    "alerts",
    "alert_attempts",
    "audit_events",
    "brigades",
    "communes",
    "departements",
    "news_items",
    "operators",
    "operator_departements",
    "templates",
}


def test_upgrade_creates_schema_on_empty_sqlite_file(tmp_path: Path) -> None:
    db = Database(f"sqlite:///{tmp_path / 'sub' / 'new.sqlite3'}")
    db.upgrade()
    db.upgrade()  # idempotent
    assert table_names(db.engine) >= EXPECTED_TABLES
    assert current_revision(db.engine) is not None
    db.dispose()


@pytest.mark.postgres
def test_upgrade_creates_schema_on_empty_postgresql(empty_pg_url: str) -> None:
    db = Database(empty_pg_url)
    assert "alerts" not in table_names(db.engine)
    db.upgrade()
    assert table_names(db.engine) >= EXPECTED_TABLES
    db.dispose()


def test_audit_chain_detects_modified_and_deleted_rows(database: Database) -> None:
    with database.session() as session:
        for i in range(5):
            audit.record(session, "admin", "brigade_modifiee", "brigade", i, {"nom": f"B{i}"})
    with database.session() as session:
        assert audit_alerts.verify(session).ok
        tamper(session, "UPDATE audit_events SET details_json = '{}' WHERE id = 3")
    with database.session() as session:
        report = audit_alerts.verify(session)
    assert not report.ok and report.broken_at == 3


def test_audit_chain_detects_deleted_row(database: Database) -> None:
    with database.session() as session:
        for i in range(3):
            audit.record(session, "admin", "brigade_modifiee", "brigade", i)
        session.flush()
        tamper(session, "DELETE FROM audit_events WHERE id = 2")
    with database.session() as session:
        report = audit_alerts.verify(session)
    assert not report.ok and report.broken_at == 3


def test_reference_tables_are_loaded_once(database: Database) -> None:
    from sqlalchemy import func, select

    from stopcamb_desk.models import Commune, Departement
    from stopcamb_desk.services.reference import sync_reference

    assert sync_reference(database) is True
    assert sync_reference(database) is False  # already in sync: nothing rewritten
    with database.session() as session:
        assert session.scalar(select(func.count()).select_from(Departement)) == 101
        meythet = session.scalars(select(Commune).where(Commune.nom == "Meythet")).one()
        assert (meythet.type, meythet.parent_code, meythet.departement) == (
            "commune-deleguee",
            "74010",
            "74",
        )


def test_migrations_match_the_models(database: Database) -> None:
    """Every model change comes with its Alembic migration (on SQLite and PostgreSQL)."""
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    from stopcamb_desk.models import Base
    from stopcamb_desk.models.search import include_name

    with database.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"include_name": include_name})
        diff = compare_metadata(context, Base.metadata)
    assert diff == []


@pytest.mark.postgres
def test_a_pooled_connection_killed_by_the_server_is_replaced(pg_url: str) -> None:
    """After a server-side cut (restart, network), the next session works without error."""
    from stopcamb_desk.models import db as db_module

    database = Database(pg_url)
    with database.session() as session:
        pid = session.execute(text("SELECT pg_backend_pid()")).scalar_one()
    admin = Database(pg_url.rsplit("/", 1)[0] + "/postgres")
    with admin.session() as session:
        session.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
    admin.dispose()
    # Make the pooled connection look idle long enough to be checked before use.
    for record in database.engine.pool._pool.queue:  # type: ignore[attr-defined]
        record.info["used_at"] = 0.0
    with database.session() as session:
        assert session.execute(text("SELECT pg_backend_pid()")).scalar_one() != pid
    database.dispose()
    assert db_module.IDLE_PING_SECONDS > 0


@pytest.mark.postgres
def test_a_transaction_opened_with_its_lock_commits_whole_or_not_at_all(pg_url: str) -> None:
    """The outbox's transactions on PostgreSQL open with their lock in the round trip of their
    BEGIN (on the autocommit pool): they still hold the lock until they end, commit every
    statement together, and an error leaves nothing of them."""
    database = Database(pg_url)
    lock = "SELECT pg_advisory_xact_lock(4242)"
    held = "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND objid = 4242"
    with database.session(opening=lock) as session:
        session.execute(
            text("INSERT INTO departements (code, nom, region) VALUES ('98', 'Essai', 'R')")
        )
        with database.session() as other:  # another desk cannot see it, the lock is held
            assert other.execute(text(held)).scalar_one() == 1
            assert other.scalar(text("SELECT nom FROM departements WHERE code = '98'")) is None
        session.execute(text("UPDATE departements SET nom = 'Essai 2' WHERE code = '98'"))
    with pytest.raises(RuntimeError), database.session(opening=lock) as session:
        session.execute(text("UPDATE departements SET nom = 'Perdu' WHERE code = '98'"))
        session.execute(
            text("INSERT INTO departements (code, nom, region) VALUES ('99', 'Perdu', 'R')")
        )
        raise RuntimeError("coupure")
    with database.session() as session:
        assert session.execute(text(held)).scalar_one() == 0
        rows = session.execute(text("SELECT code, nom FROM departements WHERE code >= '98'"))
        assert rows.all() == [("98", "Essai 2")]
    database.dispose()


@pytest.mark.postgres
def test_a_lock_held_too_long_by_another_desk_is_refused_in_french(
    pg_url: str, tmp_path: Path
) -> None:
    """Every PostgreSQL session of the desk waits a minute at most for a lock, and a desk frozen
    in a transaction loses it after a minute; a wait cut short says what happened, in French.
    (The URL's own options come after the desk's: here one second, for the test.)"""
    from desk import desk_db, desk_journal
    from outbox_fixtures import add_operator, draft, sendable
    from sqlalchemy.exc import OperationalError

    from stopcamb_desk.domain.roles import Role
    from stopcamb_desk.models.db import PG_SESSION_LIMITS, DatabaseError, explain_failure
    from stopcamb_desk.push.simulation import SimulationGateway
    from stopcamb_desk.services.outbox import Outbox

    database = Database(pg_url)
    with database.session() as session:
        shown = {
            name: session.execute(text(f"SHOW {name}")).scalar_one() for name in PG_SESSION_LIMITS
        }
    assert shown == {"lock_timeout": "1min", "idle_in_transaction_session_timeout": "1min"}
    impatient_url = f"{pg_url}?options=-c%20lock_timeout%3D1000"
    impatient = desk_db(impatient_url)
    lock = "SELECT pg_advisory_xact_lock(4343)"
    try:
        # The opening goes with a transaction's first statement: each runs one.
        with database.session(opening=lock) as holder:  # another desk, in the middle of a write
            holder.execute(text("SELECT 1"))
            with pytest.raises(OperationalError) as refused, impatient.session(opening=lock) as s:
                s.execute(text("SELECT 1"))
        message = explain_failure(refused.value, impatient_url)
        assert message.startswith("La base de données est occupée par un autre poste")
        assert "Rien n'a été envoyé ni enregistré." in message
        # « Envoyer » on that desk meanwhile: the same sentence, nothing committed
        chef = add_operator(impatient, "chef74", Role.CHEF_DE_QUART, ("74",))
        outbox = Outbox(impatient, SimulationGateway(tmp_path), journal=desk_journal(impatient))
        message_draft, verdict = sendable(chef, draft("74"))
        with database.session(opening=audit.PG_LOCK_SQL) as holder:  # the outbox's, elsewhere
            holder.execute(text("SELECT 1"))
            with pytest.raises(DatabaseError, match="occupée par un autre poste"):
                outbox.enqueue(chef, message_draft, verdict, claim=True)
        with impatient.session() as session:
            assert session.execute(text("SELECT count(*) FROM alerts")).scalar_one() == 0
        with impatient.session(opening=lock) as session:  # once it is free, it goes through
            assert session.execute(text("SHOW lock_timeout")).scalar_one() == "1s"
    finally:
        impatient.dispose()
        database.dispose()
