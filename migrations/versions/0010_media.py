"""media: attachments are downloaded for staff into a media folder, with retries

Revision ID: 0010_media
Revises: 0009_quarantine
Create Date: 2026-11-30 12:10:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import bot.db.types


revision: str = '0010_media'
down_revision: str | None = '0009_quarantine'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('attachments') as batch:
        # Files kept before this revision are fetched too: they start pending, due now.
        batch.add_column(
            sa.Column('download_status', sa.String(length=16), server_default='pending',
                      nullable=False)
        )
        batch.add_column(sa.Column('local_path', sa.String(length=255), nullable=True))
        batch.add_column(
            sa.Column('download_attempts', sa.Integer(), server_default='0', nullable=False)
        )
        batch.add_column(
            sa.Column('download_after', bot.db.types.UTCDateTime(), nullable=True)
        )
        batch.create_index(
            'ix_attachments_download', ['download_status', 'download_after'], unique=False
        )
        # An alert card looks up the voice note left on its alert.
        batch.create_index('ix_attachments_alert_id', ['alert_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('attachments') as batch:
        batch.drop_index('ix_attachments_alert_id')
        batch.drop_index('ix_attachments_download')
        batch.drop_column('download_after')
        batch.drop_column('download_attempts')
        batch.drop_column('local_path')
        batch.drop_column('download_status')
