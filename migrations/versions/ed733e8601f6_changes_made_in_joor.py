"""changes made in JOOR to imported orders: fingerprints, history, the rule and final folders

Revision ID: ed733e8601f6
Revises: f027945ad7c9
Create Date: 2026-12-03 12:01:14

"""
from alembic import op
import sqlalchemy as sa


revision = 'ed733e8601f6'
down_revision = 'f027945ad7c9'
branch_labels = None
depends_on = None

folders = sa.table('folders', sa.column('name', sa.String()), sa.column('is_final', sa.Boolean()))


def upgrade():
    op.create_table('order_changes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('store_id', sa.Integer(), nullable=False),
    sa.Column('order_id', sa.Integer(), nullable=False),
    sa.Column('run_id', sa.Integer(), nullable=True),
    sa.Column('outcome', sa.String(length=16), nullable=False),
    sa.Column('cancelled', sa.Boolean(), nullable=False),
    sa.Column('moved_from', sa.String(length=100), nullable=False),
    sa.Column('moved_to', sa.String(length=100), nullable=False),
    sa.Column('changes', sa.JSON(), nullable=False),
    sa.Column('action', sa.Text(), nullable=False),
    sa.Column('snapshot', sa.JSON(), nullable=True),
    sa.Column('fingerprint', sa.String(length=40), nullable=False),
    sa.Column('source_modified_at', sa.DateTime(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['order_id'], ['orders.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['run_id'], ['sync_runs.id'], ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['store_id'], ['stores.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('order_changes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_order_changes_order_id'), ['order_id'], unique=False)

    with op.batch_alter_table('folders', schema=None) as batch_op:
        batch_op.add_column(sa.Column('is_final', sa.Boolean(), server_default=sa.false(), nullable=False))
    # Every store was made with a Closed folder: its orders are done with, so JOOR's changes
    # to them are only noted, as in a store created from now on.
    op.get_bind().execute(folders.update().where(folders.c.name == 'Closed').values(is_final=True))

    with op.batch_alter_table('joor_connections', schema=None) as batch_op:
        batch_op.add_column(sa.Column('on_change', sa.String(length=16), server_default='update_new', nullable=False))
        batch_op.add_column(sa.Column('cancelled_folder_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key('fk_joor_connections_cancelled_folder_id', 'folders', ['cancelled_folder_id'], ['id'], ondelete='SET NULL')

    # Orders imported before keep no fingerprint: their next re-read compares field by field.
    with op.batch_alter_table('orders', schema=None) as batch_op:
        batch_op.add_column(sa.Column('joor_fingerprint', sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column('changed_in_joor_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('changed_run_id', sa.Integer(), nullable=True))
        batch_op.create_index('ix_orders_store_changed', ['store_id', 'changed_in_joor_at'], unique=False)


def downgrade():
    with op.batch_alter_table('orders', schema=None) as batch_op:
        batch_op.drop_index('ix_orders_store_changed')
        batch_op.drop_column('changed_run_id')
        batch_op.drop_column('changed_in_joor_at')
        batch_op.drop_column('joor_fingerprint')

    with op.batch_alter_table('joor_connections', schema=None) as batch_op:
        batch_op.drop_constraint('fk_joor_connections_cancelled_folder_id', type_='foreignkey')
        batch_op.drop_column('cancelled_folder_id')
        batch_op.drop_column('on_change')

    with op.batch_alter_table('folders', schema=None) as batch_op:
        batch_op.drop_column('is_final')

    with op.batch_alter_table('order_changes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_order_changes_order_id'))

    op.drop_table('order_changes')
