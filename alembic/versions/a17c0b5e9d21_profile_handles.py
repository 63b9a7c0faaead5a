"""profile handles: random public addresses for profiles (issue 17, item 6)

Revision ID: a17c0b5e9d21
Revises: d4b8c67de690
Create Date: 2026-12-04 02:45:00

Every account gets a random ``handle`` (``/u/<handle>``) in place of its sequential id,
which let anyone walk every account's public name at ``/u/1…N``. Existing accounts get
one here; the old numeric links stop working on purpose (keeping them would keep the walk).
"""
import secrets
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = 'a17c0b5e9d21'
down_revision: Union[str, Sequence[str], None] = 'd4b8c67de690'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

_ALPHABET = "abcdefghijkmnpqrstuvwxyz23456789"


def _handle() -> str:
    return "".join(secrets.choice(_ALPHABET) for _ in range(12))


def upgrade() -> None:
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.add_column(sa.Column('handle', sa.String(length=16), nullable=True))
    conn = op.get_bind()
    users = sa.table('user_account', sa.column('id', sa.Integer),
                     sa.column('handle', sa.String))
    ids = [row[0] for row in conn.execute(sa.select(users.c.id))]
    taken: set[str] = set()
    for user_id in ids:
        handle = _handle()
        while handle in taken:
            handle = _handle()
        taken.add(handle)
        conn.execute(sa.update(users).where(users.c.id == user_id).values(handle=handle))
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.alter_column('handle', existing_type=sa.String(length=16), nullable=False)
        batch_op.create_unique_constraint('uq_user_account_handle', ['handle'])


def downgrade() -> None:
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.drop_constraint('uq_user_account_handle', type_='unique')
        batch_op.drop_column('handle')
