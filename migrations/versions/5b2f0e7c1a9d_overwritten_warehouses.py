"""overwritten warehouses: which warehouses an Overwrite from the store has reached

Revision ID: 5b2f0e7c1a9d
Revises: 91c0186e2e12
Create Date: 2026-11-29 04:35:00

"""
from alembic import op
import sqlalchemy as sa


revision = '5b2f0e7c1a9d'
down_revision = '91c0186e2e12'
branch_labels = None
depends_on = None

connections = sa.table(
    'joor_connections',
    sa.column('id', sa.Integer()),
    sa.column('warehouse', sa.String()),
    sa.column('inventory_mode', sa.String()),
    sa.column('last_full_push_at', sa.DateTime()),
    sa.column('overwritten_warehouses', sa.JSON()),
)


def upgrade():
    with op.batch_alter_table('joor_connections', schema=None) as batch_op:
        batch_op.add_column(sa.Column('overwritten_warehouses', sa.JSON(), nullable=True))
    # A store already in Overwrite mode with a full push behind it has overwritten its
    # warehouse: it is not asked again as if for a first Overwrite.
    bind = op.get_bind()
    done = bind.execute(
        sa.select(connections.c.id, connections.c.warehouse).where(
            connections.c.inventory_mode == 'overwrite',
            connections.c.last_full_push_at.is_not(None),
            connections.c.warehouse != '',
        )
    ).all()
    for row_id, warehouse in done:
        bind.execute(
            connections.update()
            .where(connections.c.id == row_id)
            .values(overwritten_warehouses=[warehouse])
        )


def downgrade():
    with op.batch_alter_table('joor_connections', schema=None) as batch_op:
        batch_op.drop_column('overwritten_warehouses')
