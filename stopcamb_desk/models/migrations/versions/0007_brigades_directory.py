"""brigade directory: source columns kept for a lossless export, state of the last publication

- ``brigades``: ``adresse_geographique``, ``geocodage_x``, ``geocodage_y``, ``geocodage_epsg``,
  copied verbatim from the data.gouv.fr file so that the export gives them back (empty for
  brigades imported before this revision).
- ``brigades_published``: one fingerprint per brigade of what the app's Realtime Database holds
  after the last publication, to show what changed before the next one.

Revision ID: 0007_brigades
Revises: 0006_templates
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007_brigades"
down_revision = "0006_templates"
branch_labels = None
depends_on = None

_SOURCE_COLUMNS = (
    ("adresse_geographique", 400),
    ("geocodage_x", 40),
    ("geocodage_y", 40),
    ("geocodage_epsg", 40),
)


def upgrade() -> None:
    with op.batch_alter_table("brigades", schema=None) as batch_op:
        for name, length in _SOURCE_COLUMNS:
            batch_op.add_column(
                sa.Column(name, sa.String(length=length), server_default="", nullable=False)
            )
    op.create_table(
        "brigades_published",
        sa.Column("brigade_id", sa.String(length=20), nullable=False),
        sa.Column("entry_hash", sa.String(length=64), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("brigade_id", name=op.f("pk_brigades_published")),
    )


def downgrade() -> None:
    op.drop_table("brigades_published")
    with op.batch_alter_table("brigades", schema=None) as batch_op:
        for name, _length in reversed(_SOURCE_COLUMNS):
            batch_op.drop_column(name)
