"""graduation: each cohort's graduation bar, and a family's income before training

Revision ID: 0011_graduation
Revises: 0010_media
Create Date: 2026-11-30 15:10:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0011_graduation'
down_revision: str | None = '0010_media'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('cohorts') as batch:
        # Existing cohorts get the defaults new ones get.
        batch.add_column(
            sa.Column('graduation_min_revenue_idr', sa.BigInteger(), server_default='500000',
                      nullable=False)
        )
        batch.add_column(
            sa.Column('graduation_rounds', sa.Integer(), server_default='5', nullable=False)
        )
        batch.add_column(
            sa.Column('graduation_window', sa.Integer(), server_default='6', nullable=False)
        )
    with op.batch_alter_table('people') as batch:
        batch.add_column(sa.Column('baseline_revenue_idr', sa.BigInteger(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('people') as batch:
        batch.drop_column('baseline_revenue_idr')
    with op.batch_alter_table('cohorts') as batch:
        batch.drop_column('graduation_window')
        batch.drop_column('graduation_rounds')
        batch.drop_column('graduation_min_revenue_idr')
