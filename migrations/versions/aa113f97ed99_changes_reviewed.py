"""changes made in JOOR marked as reviewed: when and by whom (orders already stored: never)

Revision ID: aa113f97ed99
Revises: ed733e8601f6
Create Date: 2026-12-03 16:50:36

"""
from alembic import op
import sqlalchemy as sa


revision = 'aa113f97ed99'
down_revision = 'ed733e8601f6'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('orders', schema=None) as batch_op:
        batch_op.add_column(sa.Column('changes_reviewed_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('changes_reviewed_by', sa.String(length=254), server_default='', nullable=False))


def downgrade():
    with op.batch_alter_table('orders', schema=None) as batch_op:
        batch_op.drop_column('changes_reviewed_by')
        batch_op.drop_column('changes_reviewed_at')
