"""pgopen2: a round's conversations are written without foreign key checks

Opening a round writes one conversation per family (100,000 in a province), each checked
against `people` and `rounds` by the database, one query per row and key: after 0015 took
the outbox's, the largest part of PostgreSQL's time to open a round (docs/PERFORMANCE.md,
#14). The rows are written in the transaction that read the people and made the round,
and nothing deletes a round; the one place that deletes a person (erasure,
bot/domain/people/erasure.py) moves their conversations to the anonymous id first, finding
the column by its mark (`PERSON_REFERENCE`) as it did by the key.

Revision ID: 0018_pgopen2
Revises: 0017_presslookup
Create Date: 2026-11-30 21:30:00.000000
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0018_pgopen2"
down_revision: str | None = "0017_presslookup"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("conversation_sessions") as batch:
        batch.drop_constraint(
            batch.f("fk_conversation_sessions_person_id_people"), type_="foreignkey"
        )
        batch.drop_constraint(
            batch.f("fk_conversation_sessions_round_id_rounds"), type_="foreignkey"
        )


def downgrade() -> None:
    # A round that is gone is forgotten (nothing deletes one, so this is a safeguard). A
    # person's id cannot be emptied; erasure moves it, so every one names a person.
    op.execute(
        "UPDATE conversation_sessions SET round_id = NULL WHERE round_id IS NOT NULL"
        " AND round_id NOT IN (SELECT id FROM rounds)"
    )
    with op.batch_alter_table("conversation_sessions") as batch:
        batch.create_foreign_key(
            batch.f("fk_conversation_sessions_round_id_rounds"), "rounds", ["round_id"], ["id"]
        )
        batch.create_foreign_key(
            batch.f("fk_conversation_sessions_person_id_people"), "people", ["person_id"], ["id"]
        )
