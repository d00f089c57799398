"""wire dialect and probe result: what the client learned of a JOOR account's answers

Revision ID: ee5893fdd29c
Revises: e13868c7d807
Create Date: 2026-12-03 12:07:48

"""
from alembic import op
import sqlalchemy as sa


revision = 'ee5893fdd29c'
down_revision = 'e13868c7d807'
branch_labels = None
depends_on = None


def upgrade():
    # Stores connected before learn their account's orders path and paging at their next
    # call: until then the client tries /orders first, the path every earlier call used.
    with op.batch_alter_table('joor_connections', schema=None) as batch_op:
        batch_op.add_column(sa.Column('wire_dialect', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('probe_result', sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table('joor_connections', schema=None) as batch_op:
        batch_op.drop_column('probe_result')
        batch_op.drop_column('wire_dialect')
