"""Analyst reviews on narrative flags, and the mark of a reviewed flag reflag superseded.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23
"""
import sqlalchemy as sa
from alembic import op

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None

# Written out rather than imported: a migration must not change when the model does.
REVIEW_STATES = ("confirmed", "false_positive", "follow_up")


def upgrade() -> None:
    # Batch mode: SQLite cannot add a CHECK constraint in place, so the table is copied.
    with op.batch_alter_table('narrative_flags', schema=None) as batch_op:
        batch_op.add_column(sa.Column('review_state', sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column('review_note', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('reviewed_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('reviewed_version', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('superseded_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.create_check_constraint(
            op.f('ck_narrative_flags_review_state'),
            "review_state IN ({})".format(", ".join(f"'{s}'" for s in REVIEW_STATES)),
        )


def downgrade() -> None:
    with op.batch_alter_table('narrative_flags', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_narrative_flags_review_state'), type_='check')
        batch_op.drop_column('superseded_at')
        batch_op.drop_column('reviewed_version')
        batch_op.drop_column('reviewed_at')
        batch_op.drop_column('review_note')
        batch_op.drop_column('review_state')
