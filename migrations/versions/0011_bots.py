"""bots: a deployment's extra bots; cohorts, accounts and outbox rows name their bot

Revision ID: 0011_bots
Revises: 0010_media
Create Date: 2026-11-30 15:20:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import bot.db.types


revision: str = '0011_bots'
down_revision: str | None = '0010_media'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('bots',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('username', sa.String(length=64), nullable=False),
    sa.Column('token', sa.String(length=128), nullable=False),
    sa.Column('paid_broadcast', sa.Boolean(), nullable=False),
    sa.Column('created_at', bot.db.types.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_bots')),
    sa.UniqueConstraint('token', name=op.f('uq_bots_token')),
    sa.UniqueConstraint('username', name=op.f('uq_bots_username'))
    )
    # NULL everywhere: what exists now belongs to the default bot.
    for table in ('cohorts', 'telegram_accounts', 'outbox_messages'):
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column('bot_id', sa.Integer(), nullable=True))
            batch.create_foreign_key(
                batch.f(f'fk_{table}_bot_id_bots'), 'bots', ['bot_id'], ['id']
            )


def downgrade() -> None:
    for table in ('outbox_messages', 'telegram_accounts', 'cohorts'):
        with op.batch_alter_table(table) as batch:
            batch.drop_constraint(batch.f(f'fk_{table}_bot_id_bots'), type_='foreignkey')
            batch.drop_column('bot_id')
    op.drop_table('bots')
