"""invitation attempts: failed invitation codes counted per Telegram user

Revision ID: 0008_buttons
Revises: 0007
Create Date: 2026-11-30 12:10:00.000000

Codes could be guessed without limit (300 guesses in 10 s, each answered). A code that
links nobody is a row here; five in an hour and the sender is refused until the hour is
over (bot/domain/invites/attempts.py).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import bot.db.types


revision: str = '0008_buttons'
down_revision: str | None = '0007'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'invitation_attempts',
        sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
        sa.Column('telegram_user_id', sa.BigInteger(), nullable=False),
        sa.Column('at', bot.db.types.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_invitation_attempts')),
    )
    op.create_index(
        'ix_invitation_attempts_user_at',
        'invitation_attempts',
        ['telegram_user_id', 'at'],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index('ix_invitation_attempts_user_at', table_name='invitation_attempts')
    op.drop_table('invitation_attempts')
