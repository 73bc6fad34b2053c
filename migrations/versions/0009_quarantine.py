"""quarantine: updates that cannot be stored or handled are set aside, not retried forever

Revision ID: 0009_quarantine
Revises: 0008_buttons
Create Date: 2026-11-30 12:10:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import bot.db.types


revision: str = '0009_quarantine'
down_revision: str | None = '0008_buttons'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('quarantined_updates',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('update_id', sa.BigInteger(), nullable=True),
    sa.Column('chat_id', sa.BigInteger(), nullable=True),
    sa.Column('reason', sa.String(length=200), nullable=False),
    sa.Column('raw', sa.LargeBinary(), nullable=True),
    sa.Column('quarantined_at', bot.db.types.UTCDateTime(), nullable=False),
    sa.Column('notified_at', bot.db.types.UTCDateTime(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_quarantined_updates')),
    sa.UniqueConstraint('update_id', name=op.f('uq_quarantined_updates_update_id'))
    )
    with op.batch_alter_table('quarantined_updates', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_quarantined_updates_chat_id'), ['chat_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_quarantined_updates_quarantined_at'), ['quarantined_at'], unique=False)

    with op.batch_alter_table('inbox_updates', schema=None) as batch_op:
        batch_op.add_column(sa.Column('raw', sa.LargeBinary(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('inbox_updates', schema=None) as batch_op:
        batch_op.drop_column('raw')

    with op.batch_alter_table('quarantined_updates', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_quarantined_updates_quarantined_at'))
        batch_op.drop_index(batch_op.f('ix_quarantined_updates_chat_id'))

    op.drop_table('quarantined_updates')
