"""change indexes: the alert rules' clock reads the latest change to a person or a record

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-30 10:10:00.000000

Every few seconds the clock asks whether a family's state changed since the rules last ran
(an answer, a pause, a block): max(updated_at), one index lookup each instead of a scan.
"""

from collections.abc import Sequence

from alembic import op


revision: str = '0006'
down_revision: str | None = '0005'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(op.f('ix_people_updated_at'), 'people', ['updated_at'], unique=False)
    op.create_index(
        op.f('ix_follow_up_records_updated_at'), 'follow_up_records', ['updated_at'], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f('ix_follow_up_records_updated_at'), table_name='follow_up_records')
    op.drop_index(op.f('ix_people_updated_at'), table_name='people')
