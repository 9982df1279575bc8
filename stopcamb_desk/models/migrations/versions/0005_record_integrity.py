"""record integrity: authenticated audit events, every accepted FCM message id, an append-only
audit table on PostgreSQL

- ``audit_events.key_id``: the HMAC key that authenticates the event (NULL for the SHA-256
  events written before keys existed; the first keyed event seals them, see
  ``services/audit.py``).
- ``alert_attempts.message_id``: FCM's message id of each accepted attempt, so that a push
  accepted twice (at-least-once delivery) shows as such in the history.
- PostgreSQL: a trigger refuses UPDATE and DELETE on ``audit_events`` (and TRUNCATE), whatever
  the role; ``docs/installation.md`` gives the grants where desks may only INSERT there.

Revision ID: 0005_integrity
Revises: 0004_search
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005_integrity"
down_revision = "0004_search"
branch_labels = None
depends_on = None

PG_APPEND_ONLY = """
CREATE OR REPLACE FUNCTION stopcamb_audit_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'journal d''audit en ajout seul : % refusé sur audit_events', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$
"""


def upgrade() -> None:
    op.add_column("audit_events", sa.Column("key_id", sa.String(16), nullable=True))
    op.add_column("alert_attempts", sa.Column("message_id", sa.String(200), nullable=True))
    if op.get_bind().dialect.name == "postgresql":
        op.execute(PG_APPEND_ONLY)
        op.execute(
            "CREATE TRIGGER audit_events_append_only BEFORE UPDATE OR DELETE ON audit_events "
            "FOR EACH ROW EXECUTE FUNCTION stopcamb_audit_append_only()"
        )
        op.execute(
            "CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events "
            "FOR EACH STATEMENT EXECUTE FUNCTION stopcamb_audit_append_only()"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS audit_events_no_truncate ON audit_events")
        op.execute("DROP TRIGGER IF EXISTS audit_events_append_only ON audit_events")
        op.execute("DROP FUNCTION IF EXISTS stopcamb_audit_append_only()")
    with op.batch_alter_table("alert_attempts") as batch:
        batch.drop_column("message_id")
    with op.batch_alter_table("audit_events") as batch:
        batch.drop_column("key_id")
