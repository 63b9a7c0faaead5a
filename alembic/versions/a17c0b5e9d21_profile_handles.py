"""issue 17: profile handles, throttle events

Item 6:

Revision ID: a17c0b5e9d21
Revises: b7d3e1a4c920
Create Date: 2026-12-04 02:45:00

Every account gets a random ``handle`` (``/u/<handle>``) in place of its sequential id,
which let anyone walk every account's public name at ``/u/1…N``. Existing accounts get
one here; the old numeric links stop working on purpose (keeping them would keep the walk).

Item 4 and the extras: ``throttle_event`` counts rate-limited acts (registrations per
client and address block, reactions and supports per account, admin invitations).

Item 3: ``admin_invitation`` replaces "grant admin by email" (an identity lookup) with an
invitation the person accepts.

Item 5: ``analytics_release`` keeps each scope's last released demographic breakdowns.
"""
import secrets
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = 'a17c0b5e9d21'
down_revision: Union[str, Sequence[str], None] = 'b7d3e1a4c920'
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
    op.create_table(
        'throttle_event',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=40), nullable=False),
        sa.Column('key', sa.String(length=64), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('id'),
    )
    with op.batch_alter_table('throttle_event', schema=None) as batch_op:
        batch_op.create_index('ix_throttle_kind_key_time', ['kind', 'key', 'created_at'],
                              unique=False)
        batch_op.create_index(batch_op.f('ix_throttle_event_created_at'), ['created_at'],
                              unique=False)


    op.create_table(
        'admin_invitation',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('community_id', sa.Integer(), nullable=False),
        sa.Column('invited_by', sa.Integer(), nullable=True),
        sa.Column('email', sa.String(length=254), nullable=False),
        sa.Column('include_descendants', sa.Boolean(), nullable=False),
        sa.Column('token_hash', sa.String(length=64), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('accepted_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['community_id'], ['community.id']),
        sa.ForeignKeyConstraint(['invited_by'], ['user_account.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('token_hash'),
    )
    with op.batch_alter_table('admin_invitation', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_admin_invitation_community_id'), ['community_id'],
                              unique=False)
    op.create_table(
        'analytics_release',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('scope_kind', sa.String(length=10), nullable=False),
        sa.Column('scope_id', sa.Integer(), nullable=False),
        sa.Column('participants', sa.Integer(), nullable=False),
        sa.Column('groups', sa.JSON(), nullable=False),
        sa.Column('released_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('scope_kind', 'scope_id', name='uq_analytics_release_scope'),
    )


def downgrade() -> None:
    op.drop_table('analytics_release')
    op.drop_table('admin_invitation')
    op.drop_table('throttle_event')
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.drop_constraint('uq_user_account_handle', type_='unique')
        batch_op.drop_column('handle')
