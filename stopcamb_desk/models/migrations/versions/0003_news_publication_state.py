"""news items: publication state, feed key, last error, optimistic version

The news service commits an item before any call to the app's feed backend and records the
outcome after: ``status`` (brouillon, a_publier, publiee, a_retirer, retiree), the stable key
of the entry in the feed (``remote_key``), where it was published (``gateway``), the last
delivery error and attempt time, and a ``version`` for optimistic concurrency between desks.

Revision ID: 0003_news
Revises: 0002_notify
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003_news"
down_revision = "0002_notify"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("news_items", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("status", sa.String(length=20), server_default="brouillon", nullable=False)
        )
        batch_op.add_column(sa.Column("remote_key", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("gateway", sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column("last_error", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("last_attempt_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("version", sa.Integer(), server_default="1", nullable=False))
        batch_op.create_unique_constraint(batch_op.f("uq_news_items_remote_key"), ["remote_key"])
    # Items written before this revision: derive their state from the two dates.
    op.execute("UPDATE news_items SET remote_key = 'actu-' || id WHERE remote_key IS NULL")
    op.execute("UPDATE news_items SET status = 'publiee' WHERE published_at IS NOT NULL")
    op.execute("UPDATE news_items SET status = 'retiree' WHERE withdrawn_at IS NOT NULL")


def downgrade() -> None:
    with op.batch_alter_table("news_items", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_news_items_remote_key"), type_="unique")
        batch_op.drop_column("version")
        batch_op.drop_column("last_attempt_at")
        batch_op.drop_column("last_error")
        batch_op.drop_column("gateway")
        batch_op.drop_column("remote_key")
        batch_op.drop_column("status")
