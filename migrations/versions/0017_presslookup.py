"""outbox chat index ordered by id: a press finds its question among the chat's newest rows

Revision ID: 0017_presslookup
Revises: 0016_ewsales
Create Date: 2026-11-30 21:30:00.000000
"""

from collections.abc import Sequence

from alembic import op


revision: str = '0017_presslookup'
down_revision: str | None = '0016_ewsales'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # (chat_id, id): a chat's newest rows are read backwards from the index itself, whatever
    # the planner's statistics say (on PostgreSQL, a fresh round without them scanned the
    # whole outbox backwards by id instead).
    op.drop_index('ix_outbox_messages_chat_id', table_name='outbox_messages')
    op.create_index('ix_outbox_messages_chat_id', 'outbox_messages', ['chat_id', 'id'])


def downgrade() -> None:
    op.drop_index('ix_outbox_messages_chat_id', table_name='outbox_messages')
    op.create_index('ix_outbox_messages_chat_id', 'outbox_messages', ['chat_id'])
