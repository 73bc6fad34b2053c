"""pgopen: a round's outbox rows are written without foreign key checks or a broadcast's index

Opening a round writes one outbox row per family (100,000 in a province), each checked
against `people` and `rounds` by the database, one query per row and key: most of the
PostgreSQL time of the opening (docs/PERFORMANCE.md, #14). The rows are written in the
transaction that read the people and made the round, and nothing deletes a round; the one
place that deletes a person (erasure, bot/domain/people/erasure.py) moves or deletes
their outbox rows first, in code, as it did under the keys. The broadcast progress index
holds only broadcasts' rows: every query on it names a broadcast.

Revision ID: 0015_pgopen
Revises: 0014_stock
Create Date: 2026-11-30 18:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015_pgopen"
down_revision: str | None = "0014_stock"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_PROGRESS = ["broadcast_id", "status", "sent_at", "not_before"]
_BROADCASTS_ONLY = "broadcast_id IS NOT NULL"


def upgrade() -> None:
    with op.batch_alter_table("outbox_messages") as batch:
        batch.drop_constraint(batch.f("fk_outbox_messages_person_id_people"), type_="foreignkey")
        batch.drop_constraint(batch.f("fk_outbox_messages_round_id_rounds"), type_="foreignkey")
        batch.drop_index("ix_outbox_messages_broadcast_progress")
        batch.create_index(
            "ix_outbox_messages_broadcast_progress",
            _PROGRESS,
            unique=False,
            sqlite_where=sa.text(_BROADCASTS_ONLY),
            postgresql_where=sa.text(_BROADCASTS_ONLY),
        )


def downgrade() -> None:
    # Rows whose person or round is gone would refuse the keys: they name nobody now.
    op.execute(
        "UPDATE outbox_messages SET person_id = NULL WHERE person_id IS NOT NULL"
        " AND person_id NOT IN (SELECT id FROM people)"
    )
    op.execute(
        "UPDATE outbox_messages SET round_id = NULL WHERE round_id IS NOT NULL"
        " AND round_id NOT IN (SELECT id FROM rounds)"
    )
    with op.batch_alter_table("outbox_messages") as batch:
        batch.drop_index("ix_outbox_messages_broadcast_progress")
        batch.create_index("ix_outbox_messages_broadcast_progress", _PROGRESS, unique=False)
        batch.create_foreign_key(
            batch.f("fk_outbox_messages_round_id_rounds"), "rounds", ["round_id"], ["id"]
        )
        batch.create_foreign_key(
            batch.f("fk_outbox_messages_person_id_people"), "people", ["person_id"], ["id"]
        )
