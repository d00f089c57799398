"""push credits: the overwrite basis per warehouse and the push share

Revision ID: 089bc8304f2e
Revises: 135d360baf4f
Create Date: 2026-12-03 12:01:43.634799

"""
from alembic import op
import sqlalchemy as sa


revision = '089bc8304f2e'
down_revision = '135d360baf4f'
branch_labels = None
depends_on = None


def upgrade():
    # No row gets a basis: which settings made the last full Overwrite is not known, so each
    # Overwrite-mode store's next push is a full one (not a first: overwritten_warehouses
    # still says it reached the warehouse), and Updates follow it.
    with op.batch_alter_table('joor_connections', schema=None) as batch_op:
        batch_op.add_column(sa.Column('overwrite_basis', sa.JSON(), nullable=True))
        batch_op.add_column(
            sa.Column('push_share', sa.Integer(), server_default='60', nullable=False)
        )


def downgrade():
    with op.batch_alter_table('joor_connections', schema=None) as batch_op:
        batch_op.drop_column('push_share')
        batch_op.drop_column('overwrite_basis')
