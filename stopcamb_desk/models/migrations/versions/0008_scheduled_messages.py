"""scheduled prevention messages: when a message is planned for, and until when it may still go

A national prevention message can be planned (status ``programmee``): it takes its place in
the topic's order only when it falls due (``services/schedule.py``). ``valid_until`` bounds a
late sending when no sender ran at the planned time; past it the message is ``expiree``.

Revision ID: 0008_schedule
Revises: 0007_brigades
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008_schedule"
down_revision = "0007_brigades"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("alerts", sa.Column("scheduled_for", sa.DateTime(timezone=True), nullable=True))
    op.add_column("alerts", sa.Column("valid_until", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("alerts") as batch:
        batch.drop_column("valid_until")
        batch.drop_column("scheduled_for")
