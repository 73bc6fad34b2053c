"""early warning: per-cohort thresholds of the rule that fires before a family goes silent

Revision ID: 0012_early_warning
Revises: 0011_bots
Create Date: 2026-11-30 15:20:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0012_early_warning'
down_revision: str | None = '0011_bots'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Column, default: existing cohorts get the defaults.
THRESHOLDS = (
    ('warn_window_rounds', 8),
    ('warn_falling_answers', 3),
    ('warn_drop_percent', 50),
    ('warn_low_answers', 2),
    ('warn_low_percent', 50),
    ('warn_later_answers', 3),
    ('warn_same_problem_answers', 3),
    ('warn_steady_answers', 3),
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
