"""early warning on sales: per-cohort thresholds of the falling and low sales signals

Revision ID: 0016_ewsales
Revises: 0015_pgopen
Create Date: 2026-11-30 18:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0016_ewsales'
down_revision: str | None = '0015_pgopen'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Column, default: existing cohorts get the defaults.
THRESHOLDS = (
    ('warn_sales_falling_answers', 4),
    ('warn_sales_drop_percent', 60),
    ('warn_sales_low_answers', 2),
    ('warn_sales_low_percent', 50),
)


def upgrade() -> None:
    with op.batch_alter_table('cohorts') as batch:
        for name, default in THRESHOLDS:
            batch.add_column(
                sa.Column(name, sa.Integer(), server_default=str(default), nullable=False)
            )


def downgrade() -> None:
    with op.batch_alter_table('cohorts') as batch:
        for name, _ in reversed(THRESHOLDS):
            batch.drop_column(name)
