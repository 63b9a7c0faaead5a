"""results summary: a project's published results (the admins' summary, and when);
pg_trgm for "similar ideas" on PostgreSQL when the server offers it

Revision ID: e7a1c3d9b215
Revises: 7a1c3e9d2b40
Create Date: 2026-12-04 03:15:00

"""
from typing import Sequence, Union

import sqlalchemy as sa
import sqlmodel
from alembic import op

# revision identifiers, used by Alembic.
revision: str = 'e7a1c3d9b215'
down_revision: Union[str, Sequence[str], None] = '7a1c3e9d2b40'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    with op.batch_alter_table('project', schema=None) as batch_op:
        batch_op.add_column(sa.Column('results_summary',
                                      sqlmodel.sql.sqltypes.AutoString(length=6000),
                                      server_default=sa.text("''"), nullable=False))
        batch_op.add_column(sa.Column('results_published_at', sa.DateTime(timezone=True),
                                      nullable=True))
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        # Optional: without it (no permission, not installed) the app ranks in Python.
        try:
            with bind.begin_nested():
                bind.execute(sa.text("CREATE EXTENSION IF NOT EXISTS pg_trgm"))
        except sa.exc.DBAPIError:
            pass


def downgrade() -> None:
    with op.batch_alter_table('project', schema=None) as batch_op:
        batch_op.drop_column('results_published_at')
        batch_op.drop_column('results_summary')
