"""graduation: each cohort's graduation bar, a family's income before training, and the
figures index also holding person_id (change per family is grouped from it alone)

Revision ID: 0013_graduation
Revises: 0012_early_warning
Create Date: 2026-11-30 15:10:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0013_graduation'
down_revision: str | None = '0012_early_warning'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


FIGURES_BEFORE = [
    'round_id', 'unit', 'status', 'produced', 'quantity_produced', 'quantity_sold', 'revenue_idr',
]
FIGURES_AFTER = [*FIGURES_BEFORE, 'person_id']


def upgrade() -> None:
    with op.batch_alter_table('follow_up_records') as batch:
        batch.drop_index('ix_follow_up_records_figures')
        batch.create_index('ix_follow_up_records_figures', FIGURES_AFTER, unique=False)
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
    with op.batch_alter_table('follow_up_records') as batch:
        batch.drop_index('ix_follow_up_records_figures')
        batch.create_index('ix_follow_up_records_figures', FIGURES_BEFORE, unique=False)
    with op.batch_alter_table('people') as batch:
        batch.drop_column('baseline_revenue_idr')
    with op.batch_alter_table('cohorts') as batch:
        batch.drop_column('graduation_window')
        batch.drop_column('graduation_rounds')
        batch.drop_column('graduation_min_revenue_idr')
