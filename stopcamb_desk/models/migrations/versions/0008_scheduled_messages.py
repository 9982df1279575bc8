"""scheduled prevention messages: when a message is planned for, and until when it may still go;
indexes for the mode check (alerts.gateway) and the pre-send payload check (audit object)

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
    # One database, one mode (FCM or simulation), checked at each enqueue: an index seek.
    op.create_index("ix_alerts_gateway", "alerts", ["gateway"])
    # The sender checks each payload against its authenticated event before sending it.
    op.create_index("ix_audit_events_object", "audit_events", ["object_type", "object_id"])


def downgrade() -> None:
    op.drop_index("ix_audit_events_object", table_name="audit_events")
    op.drop_index("ix_alerts_gateway", table_name="alerts")
    if op.get_bind().dialect.name == "sqlite":
        # In place (SQLite ≥ 3.35): a batch would recreate ``alerts`` without the search
        # triggers of 0004, and the FTS index would stop following the alerts.
        op.execute("ALTER TABLE alerts DROP COLUMN valid_until")
        op.execute("ALTER TABLE alerts DROP COLUMN scheduled_for")
        return
    op.drop_column("alerts", "valid_until")
    op.drop_column("alerts", "scheduled_for")
