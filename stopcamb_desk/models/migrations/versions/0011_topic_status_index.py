"""the outbox's per-topic checks seek the alerts of a topic by status, not scan its history

Queuing, claiming and recording an alert look in its topic for the alerts still waiting, in
flight or shown (``outbox_sql``): a handful of rows. With only ``(topic, sequence)`` to go on,
each of those statements read every alert the topic ever had — 20 000 past alerts of a
département made one send 69 ms on SQLite instead of 12 (``bench/send.py``, « historique »).
``(topic, status, gateway, sequence)`` finds them directly; the statements bind its leading
columns, so that no planner prefers a walk along ``(topic, sequence)`` or ``gateway``.
``ix_alerts_status`` goes: every query on the status alone is served by the prefix of
``ix_alerts_status_next``, and one index less is one write less per status change.

Revision ID: 0011_topic_status
Revises: 0010_sqlite_folded
"""

from __future__ import annotations

from alembic import op

revision = "0011_topic_status"
down_revision = "0010_sqlite_folded"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_alerts_topic_status", "alerts", ["topic", "status", "gateway", "sequence"])
    op.drop_index("ix_alerts_status", table_name="alerts")


def downgrade() -> None:
    op.create_index("ix_alerts_status", "alerts", ["status"])
    op.drop_index("ix_alerts_topic_status", table_name="alerts")
