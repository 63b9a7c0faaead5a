"""map module: areas, categories and pins of map phases

Revision ID: 7a1c3e9d2b40
Revises: c781622c7699
Create Date: 2026-12-04 02:45:00.000000

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa
import sqlmodel

# revision identifiers, used by Alembic.
revision: str = '7a1c3e9d2b40'
down_revision: Union[str, Sequence[str], None] = 'c781622c7699'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table(
        'map_area',
        sa.Column('phase_id', sa.Integer(), nullable=False),
        sa.Column('centre_lat', sa.Float(), nullable=False),
        sa.Column('centre_lon', sa.Float(), nullable=False),
        sa.Column('zoom', sa.Integer(), nullable=False),
        sa.Column('south', sa.Float(), nullable=True),
        sa.Column('west', sa.Float(), nullable=True),
        sa.Column('north', sa.Float(), nullable=True),
        sa.Column('east', sa.Float(), nullable=True),
        sa.Column('pins_inside', sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(['phase_id'], ['phase.id']),
        sa.PrimaryKeyConstraint('phase_id'),
    )
    op.create_table(
        'map_category',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('phase_id', sa.Integer(), nullable=False),
        sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=60), nullable=False),
        sa.Column('colour', sqlmodel.sql.sqltypes.AutoString(length=7), nullable=False),
        sa.Column('icon', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['phase_id'], ['phase.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('phase_id', 'name', name='uq_map_category_name'),
    )
    op.create_index('ix_map_category_phase_id', 'map_category', ['phase_id'], unique=False)
    op.create_table(
        'map_pin',
        sa.Column('item_id', sa.Integer(), nullable=False),
        sa.Column('phase_id', sa.Integer(), nullable=False),
        sa.Column('lat', sa.Float(), nullable=False),
        sa.Column('lon', sa.Float(), nullable=False),
        sa.Column('category_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['category_id'], ['map_category.id']),
        sa.ForeignKeyConstraint(['item_id'], ['item.id']),
        sa.ForeignKeyConstraint(['phase_id'], ['phase.id']),
        sa.PrimaryKeyConstraint('item_id'),
    )
    op.create_index('ix_map_pin_category_id', 'map_pin', ['category_id'], unique=False)
    op.create_index('ix_map_pin_phase_lat_lon', 'map_pin', ['phase_id', 'lat', 'lon'],
                    unique=False)


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_index('ix_map_pin_phase_lat_lon', table_name='map_pin')
    op.drop_index('ix_map_pin_category_id', table_name='map_pin')
    op.drop_table('map_pin')
    op.drop_index('ix_map_category_phase_id', table_name='map_category')
    op.drop_table('map_category')
    op.drop_table('map_area')
