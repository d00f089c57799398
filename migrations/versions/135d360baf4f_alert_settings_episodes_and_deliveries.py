"""alert settings, episodes and deliveries: where alerts go, each episode once, each message sent

Revision ID: 135d360baf4f
Revises: 5b2f0e7c1a9d
Create Date: 2026-12-03 11:57:02.474801

"""
from alembic import op
import sqlalchemy as sa


revision = '135d360baf4f'
down_revision = '5b2f0e7c1a9d'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('alert_episodes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('store_id', sa.Integer(), nullable=False),
    sa.Column('topic', sa.String(length=32), nullable=False),
    sa.Column('open_topic', sa.String(length=32), nullable=True),
    sa.Column('verdict', sa.String(length=32), nullable=False),
    sa.Column('cause', sa.String(length=64), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('fix', sa.Text(), nullable=False),
    sa.Column('opened_at', sa.DateTime(), nullable=False),
    sa.Column('resolved_at', sa.DateTime(), nullable=True),
    sa.Column('resolution', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['store_id'], ['stores.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('store_id', 'open_topic', name='uq_alert_episodes_open')
    )
    with op.batch_alter_table('alert_episodes', schema=None) as batch_op:
        batch_op.create_index('ix_alert_episodes_store', ['store_id', 'id'], unique=False)

    op.create_table('alert_settings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('store_id', sa.Integer(), nullable=False),
    sa.Column('email_to', sa.String(length=1000), nullable=False),
    sa.Column('webhook_url', sa.String(length=2000), nullable=False),
    sa.Column('webhook_secret_encrypted', sa.Text(), nullable=True),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['store_id'], ['stores.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('store_id')
    )
    op.create_table('alert_deliveries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('store_id', sa.Integer(), nullable=False),
    sa.Column('episode_id', sa.Integer(), nullable=True),
    sa.Column('event', sa.String(length=16), nullable=False),
    sa.Column('channel', sa.String(length=16), nullable=False),
    sa.Column('target', sa.String(length=2000), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('error', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('sent_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['episode_id'], ['alert_episodes.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['store_id'], ['stores.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('alert_deliveries', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_alert_deliveries_episode_id'), ['episode_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_alert_deliveries_status'), ['status'], unique=False)
        batch_op.create_index('ix_alert_deliveries_store', ['store_id', 'id'], unique=False)



def downgrade():
    with op.batch_alter_table('alert_deliveries', schema=None) as batch_op:
        batch_op.drop_index('ix_alert_deliveries_store')
        batch_op.drop_index(batch_op.f('ix_alert_deliveries_status'))
        batch_op.drop_index(batch_op.f('ix_alert_deliveries_episode_id'))

    op.drop_table('alert_deliveries')
    op.drop_table('alert_settings')
    with op.batch_alter_table('alert_episodes', schema=None) as batch_op:
        batch_op.drop_index('ix_alert_episodes_store')

    op.drop_table('alert_episodes')
