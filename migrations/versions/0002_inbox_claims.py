"""inbox claims: chat id and claim columns, so several workers share the inbox

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 12:16:21.717182
"""

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

import bot.db.types


revision: str = '0002'
down_revision: str | None = '0001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _chat_of(payload: dict[str, Any]) -> int | None:
    # A frozen copy of bot.messaging.inbox.chat_of as it was at this revision: migrations must not
    # change meaning when the application code moves on.
    for key in ("message", "edited_message", "callback_query", "my_chat_member"):
        part = payload.get(key)
        if not isinstance(part, dict):
            continue
        if key == "callback_query":
            sender = part.get("from") or {}
            return int(sender["id"]) if "id" in sender else None
        chat = part.get("chat") or {}
        return int(chat["id"]) if "id" in chat else None
    return None


def upgrade() -> None:
    with op.batch_alter_table('inbox_updates', schema=None) as batch_op:
        batch_op.add_column(sa.Column('chat_id', sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column('claimed_by', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('claimed_at', bot.db.types.UTCDateTime(), nullable=True))
        batch_op.create_index('ix_inbox_updates_chat_unprocessed', ['chat_id', 'update_id'], unique=False, sqlite_where=sa.text('processed_at IS NULL'), postgresql_where=sa.text('processed_at IS NULL'))

    # Updates still waiting need their chat, or they would not be kept in order.
    inbox = sa.table(
        'inbox_updates',
        sa.column('update_id', sa.BigInteger()),
        sa.column('chat_id', sa.BigInteger()),
        sa.column('payload', sa.JSON()),
        sa.column('processed_at', bot.db.types.UTCDateTime()),
    )
    bind = op.get_bind()
    waiting = bind.execute(
        sa.select(inbox.c.update_id, inbox.c.payload).where(inbox.c.processed_at.is_(None))
    ).all()
    for update_id, payload in waiting:
        chat = _chat_of(payload) if isinstance(payload, dict) else None
        if chat is not None:
            bind.execute(
                sa.update(inbox).where(inbox.c.update_id == update_id).values(chat_id=chat)
            )


def downgrade() -> None:
    with op.batch_alter_table('inbox_updates', schema=None) as batch_op:
        batch_op.drop_index('ix_inbox_updates_chat_unprocessed', sqlite_where=sa.text('processed_at IS NULL'), postgresql_where=sa.text('processed_at IS NULL'))
        batch_op.drop_column('claimed_at')
        batch_op.drop_column('claimed_by')
        batch_op.drop_column('chat_id')
