"""run states: retrying (with its next attempt), cancelled, awaiting confirmation

Revision ID: f027945ad7c9
Revises: ee5893fdd29c
Create Date: 2026-12-03 12:03:08.071428

"""
import re
from datetime import timedelta

import sqlalchemy as sa
from alembic import op

revision = 'f027945ad7c9'
down_revision = 'ee5893fdd29c'
branch_labels = None
depends_on = None

runs = sa.table(
    'sync_runs',
    sa.column('id', sa.Integer()),
    sa.column('kind', sa.String()),
    sa.column('status', sa.String()),
    sa.column('error', sa.Text()),
    sa.column('heartbeat_at', sa.DateTime()),
    sa.column('next_attempt_at', sa.DateTime()),
)
# What the code before this revision wrote on such runs.
CONFIRM = '%Confirm it with Push inventory now%'
CANCELLED = 'Cancelled by %'
NEXT_ATTEMPT = re.compile(r'\s*Next attempt in about (\d+) (s|min)\.$')


def upgrade():
    with op.batch_alter_table('sync_runs', schema=None) as batch_op:
        batch_op.add_column(sa.Column('next_attempt_at', sa.DateTime(), nullable=True))
        batch_op.alter_column('status',
               existing_type=sa.VARCHAR(length=16),
               type_=sa.String(length=32),
               existing_nullable=False)
    bind = op.get_bind()
    # A push held for a person's yes, and an import somebody stopped, were shown as failed.
    bind.execute(
        runs.update()
        .where(runs.c.status == 'failed', runs.c.kind == 'inventory', runs.c.error.like(CONFIRM))
        .values(status='awaiting_confirmation')
    )
    bind.execute(
        runs.update()
        .where(runs.c.status == 'failed', runs.c.error.like(CANCELLED))
        .values(status='cancelled')
    )
    _queued_for_retry_to_retrying(bind)


def _queued_for_retry_to_retrying(bind):
    """An import queued for its next attempt said when in its error: retrying at that time."""
    waiting = bind.execute(
        sa.select(runs.c.id, runs.c.error, runs.c.heartbeat_at).where(
            runs.c.status == 'queued', runs.c.error.like('%Next attempt in about%')
        )
    ).all()
    for row_id, error, failed_at in waiting:
        found = NEXT_ATTEMPT.search(error or '')
        if found is None or failed_at is None:
            continue  # left queued: the clock takes up a queued run whose job is gone
        wait = timedelta(**{'seconds' if found[2] == 's' else 'minutes': int(found[1])})
        bind.execute(
            runs.update()
            .where(runs.c.id == row_id)
            .values(
                status='retrying',
                error=error[: found.start()],
                next_attempt_at=failed_at + wait,
            )
        )


def downgrade():
    bind = op.get_bind()
    for new, old in (('awaiting_confirmation', 'failed'), ('cancelled', 'failed'),
                     ('retrying', 'queued')):
        bind.execute(runs.update().where(runs.c.status == new).values(status=old))
    with op.batch_alter_table('sync_runs', schema=None) as batch_op:
        batch_op.alter_column('status',
               existing_type=sa.String(length=32),
               type_=sa.VARCHAR(length=16),
               existing_nullable=False)
        batch_op.drop_column('next_attempt_at')
