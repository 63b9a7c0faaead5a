"""participatory budgeting: projects, ballots, ballot lines, outcomes

Revision ID: b7d3e1a4c920
Revises: d4b8c67de690
Create Date: 2026-12-04 02:45:00.000000

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa
import sqlmodel

# revision identifiers, used by Alembic.
revision: str = 'b7d3e1a4c920'
down_revision: Union[str, Sequence[str], None] = 'd4b8c67de690'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table('budget_project',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('phase_id', sa.Integer(), nullable=False),
    sa.Column('title', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('description', sqlmodel.sql.sqltypes.AutoString(length=4000), nullable=False),
    sa.Column('cost', sa.BigInteger(), nullable=False),
    sa.Column('image', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=True),
    sa.Column('category', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=True),
    sa.Column('idea_item_id', sa.Integer(), nullable=True),
    sa.Column('external_id', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=True),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('cost >= 0', name='ck_budget_project_cost'),
    sa.ForeignKeyConstraint(['idea_item_id'], ['item.id'], ),
    sa.ForeignKeyConstraint(['phase_id'], ['phase.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('phase_id', 'external_id', name='uq_budget_project_external')
    )
    with op.batch_alter_table('budget_project', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_budget_project_phase_id'), ['phase_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_budget_project_idea_item_id'), ['idea_item_id'], unique=False)

    op.create_table('budget_ballot',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('phase_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('source', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('submitted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('receipt_code', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
    sa.Column('reminded_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['phase_id'], ['phase.id'], ),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('phase_id', 'user_id', name='uq_budget_ballot_voter'),
    sa.UniqueConstraint('receipt_code')
    )
    with op.batch_alter_table('budget_ballot', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_budget_ballot_phase_id'), ['phase_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_budget_ballot_user_id'), ['user_id'], unique=False)
        batch_op.create_index('ix_budget_ballot_phase_status', ['phase_id', 'status'], unique=False)

    op.create_table('budget_ballot_line',
    sa.Column('ballot_id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('points', sa.Integer(), nullable=False),
    sa.CheckConstraint('points >= 1', name='ck_budget_ballot_line_points'),
    sa.ForeignKeyConstraint(['ballot_id'], ['budget_ballot.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['project_id'], ['budget_project.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('ballot_id', 'project_id')
    )
    with op.batch_alter_table('budget_ballot_line', schema=None) as batch_op:
        batch_op.create_index('ix_budget_ballot_line_project', ['project_id'], unique=False)

    op.create_table('budget_outcome',
    sa.Column('phase_id', sa.Integer(), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('progress', sa.Integer(), nullable=False),
    sa.Column('rule', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('completion', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('budget', sa.BigInteger(), nullable=False),
    sa.Column('selected', sa.JSON(), nullable=False),
    sa.Column('spent', sa.BigInteger(), nullable=False),
    sa.Column('scores', sa.JSON(), nullable=False),
    sa.Column('ballot_count', sa.Integer(), nullable=False),
    sa.Column('error', sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=True),
    sa.Column('run_token', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('published_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['phase_id'], ['phase.id'], ),
    sa.PrimaryKeyConstraint('phase_id')
    )


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_table('budget_outcome')
    with op.batch_alter_table('budget_ballot_line', schema=None) as batch_op:
        batch_op.drop_index('ix_budget_ballot_line_project')
    op.drop_table('budget_ballot_line')
    with op.batch_alter_table('budget_ballot', schema=None) as batch_op:
        batch_op.drop_index('ix_budget_ballot_phase_status')
        batch_op.drop_index(batch_op.f('ix_budget_ballot_user_id'))
        batch_op.drop_index(batch_op.f('ix_budget_ballot_phase_id'))
    op.drop_table('budget_ballot')
    with op.batch_alter_table('budget_project', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_budget_project_idea_item_id'))
        batch_op.drop_index(batch_op.f('ix_budget_project_phase_id'))
    op.drop_table('budget_project')
