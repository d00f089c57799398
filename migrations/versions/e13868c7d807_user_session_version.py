"""user session version: logout and a password change revoke every session and remember cookie

Revision ID: e13868c7d807
Revises: 089bc8304f2e
Create Date: 2026-12-03 12:20:47

Sessions and remember cookies signed before this revision carry no version and are refused:
everyone logs in once more, and the 1-year remember cookies issued before end here.
"""
from alembic import op
import sqlalchemy as sa


revision = 'e13868c7d807'
down_revision = '089bc8304f2e'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('session_version', sa.Integer(), server_default='0', nullable=False)
        )


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('session_version')
