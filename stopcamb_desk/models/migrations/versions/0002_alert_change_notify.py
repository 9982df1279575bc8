"""notify other desks of every alert change (PostgreSQL LISTEN/NOTIFY)

A trigger sends ``NOTIFY stopcamb_alertes`` with a small JSON payload in the same transaction as
every insert, update or delete of an alert; PostgreSQL delivers it at commit (never for a
rolled-back change). SQLite has no NOTIFY: desks on one SQLite file poll ``PRAGMA
data_version`` instead, so this migration does nothing there.

Revision ID: 0002_notify
Revises: 0001
"""

from __future__ import annotations

from alembic import op

revision = "0002_notify"
down_revision = "0001"
branch_labels = None
depends_on = None

CHANNEL = "stopcamb_alertes"

FUNCTION = f"""
CREATE OR REPLACE FUNCTION stopcamb_notify_alert() RETURNS trigger AS $$
DECLARE
    r alerts%ROWTYPE;
BEGIN
    IF TG_OP = 'DELETE' THEN r := OLD; ELSE r := NEW; END IF;
    PERFORM pg_notify('{CHANNEL}', json_build_object(
        'id', r.id, 'statut', r.status, 'departement', r.departement, 'op', TG_OP)::text);
    RETURN NULL;
END;
$$ LANGUAGE plpgsql
"""

TRIGGER = """
CREATE TRIGGER alerts_notify_change AFTER INSERT OR UPDATE OR DELETE ON alerts
FOR EACH ROW EXECUTE FUNCTION stopcamb_notify_alert()
"""


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(FUNCTION)
    op.execute("DROP TRIGGER IF EXISTS alerts_notify_change ON alerts")
    op.execute(TRIGGER)


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP TRIGGER IF EXISTS alerts_notify_change ON alerts")
    op.execute("DROP FUNCTION IF EXISTS stopcamb_notify_alert()")
