"""templates: managed (author, dates, version), national ones are prevention

Templates become managed in the desk and the CLI (services/templates.py): who created them,
when they changed, a ``version`` for optimistic concurrency between desks. A template's scope
decides its kind: a département's is an operational alert, a national one (no département) a
prevention message — the national templates stored so far with the operational kind (the demo
« Rappel OTV ») become prevention, and a check constraint keeps scope and kind together.

Revision ID: 0006_templates
Revises: 0005_integrity
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006_templates"
down_revision = "0005_integrity"
branch_labels = None
depends_on = None

SCOPE_KIND = (
    "(departement IS NULL AND kind = 'prevention') "
    "OR (departement IS NOT NULL AND kind = 'operationnel')"
)


def upgrade() -> None:
    op.execute("UPDATE templates SET kind = 'prevention' WHERE departement IS NULL")
    op.execute("UPDATE templates SET kind = 'operationnel' WHERE departement IS NOT NULL")
    with op.batch_alter_table("templates", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "created_at",
                sa.DateTime(timezone=True),
                server_default=sa.text("CURRENT_TIMESTAMP"),
                nullable=False,
            )
        )
        batch_op.add_column(
            sa.Column(
                "updated_at",
                sa.DateTime(timezone=True),
                server_default=sa.text("CURRENT_TIMESTAMP"),
                nullable=False,
            )
        )
        batch_op.add_column(sa.Column("author_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("version", sa.Integer(), server_default="1", nullable=False))
        batch_op.create_foreign_key(
            batch_op.f("fk_templates_author_id_operators"), "operators", ["author_id"], ["id"]
        )
        batch_op.create_check_constraint("scope_kind", sa.text(SCOPE_KIND))


def downgrade() -> None:
    with op.batch_alter_table("templates", schema=None) as batch_op:
        batch_op.drop_constraint("scope_kind", type_="check")
        batch_op.drop_constraint(batch_op.f("fk_templates_author_id_operators"), type_="foreignkey")
        batch_op.drop_column("version")
        batch_op.drop_column("author_id")
        batch_op.drop_column("updated_at")
        batch_op.drop_column("created_at")
