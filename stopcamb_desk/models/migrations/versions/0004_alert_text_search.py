"""indexed text search over the alerts (pg_trgm GIN on PostgreSQL, FTS5 trigram on SQLite)

The history's text filter scanned every alert (about 1 s at a million rows). Both backends now
index a folded copy of the text (lower case, accents removed), see ``stopcamb_desk.models.search``:

- PostgreSQL: function ``stopcamb_fold(text)`` and a GIN ``gin_trgm_ops`` index on it. The
  pg_trgm extension is trusted since PostgreSQL 13; if it cannot be created (not installed, no
  right), the migration logs it and goes on without the index: the search still works, by scan.
- SQLite: FTS5 table ``alerts_search`` (trigram tokenizer: substring matching), filled from the
  existing alerts and kept in sync by triggers.

Revision ID: 0004_search
Revises: 0003_news
"""

from __future__ import annotations

import logging

from alembic import op
from sqlalchemy.exc import DBAPIError

from stopcamb_desk.models.search import (
    FTS_TABLE,
    PG_FOLD_FUNCTION,
    PG_FUNCTION,
    SQLITE_TRIGGERS,
    sqlite_backfill_statement,
    sqlite_trigger_statements,
)

revision = "0004_search"
down_revision = "0003_news"
branch_labels = None
depends_on = None

log = logging.getLogger("stopcamb_desk.migrations")

# Frozen: 0009 moved the index onto a stored column, under another name.
PG_INDEX = "ix_alerts_text_trgm"


def _create_pg_trgm() -> bool:
    bind = op.get_bind()
    savepoint = bind.begin_nested()
    try:
        bind.exec_driver_sql("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    except DBAPIError as exc:
        savepoint.rollback()
        log.warning(
            "Extension pg_trgm indisponible (%s) : la recherche dans le texte de l'historique "
            "restera sans index (lente au-delà de quelques centaines de milliers d'alertes).",
            str(exc.orig).strip(),
        )
        return False
    savepoint.commit()
    return True


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(PG_FOLD_FUNCTION)
        if _create_pg_trgm():
            op.execute(
                f"CREATE INDEX IF NOT EXISTS {PG_INDEX} ON alerts "
                f'USING gin ({PG_FUNCTION}("text") gin_trgm_ops)'
            )
        return
    if op.get_bind().dialect.name != "sqlite":
        return
    op.execute(f"CREATE VIRTUAL TABLE {FTS_TABLE} USING fts5(body, tokenize='trigram')")
    op.execute(sqlite_backfill_statement())
    for statement in sqlite_trigger_statements(folded_column=False):
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"DROP INDEX IF EXISTS {PG_INDEX}")
        op.execute(f"DROP FUNCTION IF EXISTS {PG_FUNCTION}(text)")
        return  # pg_trgm stays: other databases objects may use it, and it is harmless
    if op.get_bind().dialect.name != "sqlite":
        return
    for trigger in SQLITE_TRIGGERS:
        op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
    op.execute(f"DROP TABLE IF EXISTS {FTS_TABLE}")
