"""stock: the check-in's "offer my stock" answer, and the buying partner's role

Revision ID: 0014_stock
Revises: 0013_graduation
Create Date: 2026-11-30 15:20:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from bot.db.types import UTCDateTime


revision: str = '0014_stock'
down_revision: str | None = '0013_graduation'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_OLD_ROLES = ('participant', 'facilitator', 'coordinator', 'staff')
_NEW_ROLES = (*_OLD_ROLES, 'partner')


def _role(values: tuple[str, ...]) -> sa.Enum:
    return sa.Enum(*values, name='role', native_enum=False, create_constraint=True, length=24)


def upgrade() -> None:
    with op.batch_alter_table('follow_up_records') as batch:
        batch.add_column(sa.Column('offer_stock', sa.Boolean(), nullable=True))
    _roles(_OLD_ROLES, _NEW_ROLES)
    op.create_table(
        'family_stocks',
        sa.Column('person_id', sa.String(length=64), nullable=False),
        sa.Column('unit', sa.String(length=16), nullable=False),
        sa.Column('quantity', sa.Numeric(precision=14, scale=3), nullable=False),
        sa.Column('since_round_id', sa.Integer(), nullable=True),
        sa.Column('offered', sa.Boolean(), nullable=False),
        sa.Column('updated_at', UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_family_stocks_person_id_people')),
        sa.ForeignKeyConstraint(['since_round_id'], ['rounds.id'], name=op.f('fk_family_stocks_since_round_id_rounds')),
        sa.PrimaryKeyConstraint('person_id', 'unit', name=op.f('pk_family_stocks')),
    )
    # No family has answered the offer question yet: nothing is offered, nothing to fill.


def downgrade() -> None:
    op.execute("DELETE FROM people WHERE role = 'partner'")
    op.drop_table('family_stocks')
    _roles(_NEW_ROLES, _OLD_ROLES)
    with op.batch_alter_table('follow_up_records') as batch:
        batch.drop_column('offer_stock')


def _roles(old: tuple[str, ...], new: tuple[str, ...]) -> None:
    """The role column's CHECK constraint lists the roles: it is replaced."""
    if op.get_bind().dialect.name == 'sqlite':
        # SQLite cannot alter a constraint: the table is copied with the new one.
        with op.batch_alter_table('people', recreate='always') as batch:
            batch.alter_column('role', existing_type=_role(old), type_=_role(new))
        return
    op.drop_constraint(op.f('ck_people_role'), 'people', type_='check')
    values = ', '.join(f"'{value}'" for value in new)
    op.create_check_constraint(op.f('ck_people_role'), 'people', f'role IN ({values})')
