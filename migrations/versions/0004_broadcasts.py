"""broadcasts: status, languages, photo, schedule, occurrences, progress; skips and replies

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-30 09:20:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import bot.db.types


revision: str = '0004'
down_revision: str | None = '0003'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

STATUSES = ('draft', 'scheduled', 'sending', 'done', 'cancelled')


def upgrade() -> None:
    json = bot.db.types.JSONType
    with op.batch_alter_table('broadcasts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('actor', sa.String(length=80), nullable=False, server_default=''))
        batch_op.add_column(sa.Column(
            'status',
            sa.Enum(*STATUSES, name='broadcast_status', native_enum=False, create_constraint=True, length=24),
            nullable=False,
            # Rows from before this revision were never sent by anyone.
            server_default='draft',
        ))
        batch_op.add_column(sa.Column('step', sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column('language', sa.String(length=16), nullable=False, server_default='id'))
        batch_op.add_column(sa.Column('texts', json, nullable=False, server_default='{}'))
        batch_op.add_column(sa.Column('photo_file_id', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('kind', sa.String(length=16), nullable=False, server_default='text'))
        batch_op.add_column(sa.Column('village_texts', json, nullable=False, server_default='{}'))
        batch_op.add_column(sa.Column('timezone', sa.String(length=64), nullable=False, server_default='Asia/Jakarta'))
        batch_op.add_column(sa.Column('repeat', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('parent_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('written_to', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('skipped', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('finished_at', bot.db.types.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column('cancelled_at', bot.db.types.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column('progress_chat_id', sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column('progress_message_id', sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column('progress_text', sa.Text(), nullable=True))
        batch_op.create_index(batch_op.f('ix_broadcasts_parent_id'), ['parent_id'], unique=False)
        batch_op.create_foreign_key(
            batch_op.f('fk_broadcasts_parent_id_broadcasts'), 'broadcasts', ['parent_id'], ['id']
        )
    op.create_table('broadcast_skips',
    sa.Column('broadcast_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.String(length=64), nullable=False),
    sa.Column('reason', sa.String(length=24), nullable=False),
    sa.ForeignKeyConstraint(['broadcast_id'], ['broadcasts.id'], name=op.f('fk_broadcast_skips_broadcast_id_broadcasts')),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_broadcast_skips_person_id_people')),
    sa.PrimaryKeyConstraint('broadcast_id', 'person_id', name=op.f('pk_broadcast_skips'))
    )
    # A broadcast's progress is counted from one index (status, and the times it reads).
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.drop_index('ix_outbox_messages_broadcast_id')
        batch_op.create_index(
            'ix_outbox_messages_broadcast_progress',
            ['broadcast_id', 'status', 'sent_at', 'not_before'],
            unique=False,
        )
    op.create_table('broadcast_replies',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('broadcast_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.String(length=64), nullable=False),
    sa.Column('text', sa.Text(), nullable=True),
    sa.Column('media_kind', sa.String(length=16), nullable=True),
    sa.Column('file_id', sa.String(length=200), nullable=True),
    sa.Column('received_at', bot.db.types.UTCDateTime(), nullable=False),
    sa.Column('forwarded_to_id', sa.String(length=64), nullable=True),
    sa.ForeignKeyConstraint(['broadcast_id'], ['broadcasts.id'], name=op.f('fk_broadcast_replies_broadcast_id_broadcasts')),
    sa.ForeignKeyConstraint(['forwarded_to_id'], ['people.id'], name=op.f('fk_broadcast_replies_forwarded_to_id_people')),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_broadcast_replies_person_id_people')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_broadcast_replies'))
    )
    op.create_index(op.f('ix_broadcast_replies_broadcast_id'), 'broadcast_replies', ['broadcast_id'], unique=False)
    op.create_index(op.f('ix_broadcast_replies_person_id'), 'broadcast_replies', ['person_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.drop_index('ix_outbox_messages_broadcast_progress')
        batch_op.create_index('ix_outbox_messages_broadcast_id', ['broadcast_id'], unique=False)
    op.drop_index(op.f('ix_broadcast_replies_person_id'), table_name='broadcast_replies')
    op.drop_index(op.f('ix_broadcast_replies_broadcast_id'), table_name='broadcast_replies')
    op.drop_table('broadcast_replies')
    op.drop_table('broadcast_skips')
    with op.batch_alter_table('broadcasts', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_broadcasts_parent_id_broadcasts'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_broadcasts_parent_id'))
        batch_op.drop_constraint(batch_op.f('ck_broadcasts_broadcast_status'), type_='check')
        for column in (
            'progress_text', 'progress_message_id', 'progress_chat_id', 'cancelled_at',
            'finished_at', 'skipped', 'written_to', 'parent_id', 'repeat', 'timezone', 'village_texts', 'kind',
            'photo_file_id', 'texts', 'language', 'step', 'status', 'actor',
        ):
            batch_op.drop_column(column)
