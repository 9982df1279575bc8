"""history text search on SQLite: the folded text is stored in a column, as on PostgreSQL

SQLite's search walked the newest alerts with one lookup per alert in the FTS table for its
folded text: a word in every alert took 2 ms for a page where the plain ``text LIKE`` scan
took 1.2 ms. The folded text now sits in the alert's row (``text_folded``, the name
PostgreSQL's generated column has since 0009), so the walk compares it with ``LIKE`` and the
FTS index only answers rare words. SQLite can neither add a generated column to a table nor
nest the folding's ``replace`` calls in one expression: the search triggers of 0004 are
replaced by triggers that compute the column and copy it into the FTS table. The existing
alerts are folded by the migration and the FTS table is refilled from the column (a database
whose triggers 0008's downgrade had dropped gets its index back). About 5 s per 100 000
alerts, at the desk's first start with this version. PostgreSQL: nothing changes.

Revision ID: 0010_sqlite_folded
Revises: 0009_folded
"""

from __future__ import annotations

from alembic import op

from stopcamb_desk.models.search import (
    FOLDED_COLUMN,
    SQLITE_TRIGGERS,
    sqlite_backfill_column_statements,
    sqlite_trigger_statements,
)

revision = "0010_sqlite_folded"
down_revision = "0009_folded"
branch_labels = None
depends_on = None


def _drop_triggers() -> None:
    for trigger in SQLITE_TRIGGERS:
        op.execute(f"DROP TRIGGER IF EXISTS {trigger}")


def upgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    _drop_triggers()
    op.execute(f"ALTER TABLE alerts ADD COLUMN {FOLDED_COLUMN} TEXT")
    for statement in sqlite_backfill_column_statements():
        op.execute(statement)
    for statement in sqlite_trigger_statements(folded_column=True):
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    _drop_triggers()  # a column a trigger names cannot be dropped
    op.execute(f"ALTER TABLE alerts DROP COLUMN {FOLDED_COLUMN}")
    for statement in sqlite_trigger_statements(folded_column=False):
        op.execute(statement)
