"""Old run logs are deleted after RUN_LOG_DAYS, so a store's database does not grow for ever.

Each store keeps its latest run of each kind whatever its age (the panel shows them), and
runs still queued or running are never touched. Orders stay, and so do their histories of
changes made in JOOR (no longer linked to the run that read them): only the logs go.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy import Select, delete, func, select, update
from sqlalchemy.orm import Session

from webapp.models import OrderChange, SyncEvent, SyncRun
from webapp.models.sync import FINISHED

# Runs deleted per transaction: an import's run may carry tens of thousands of events, and
# small transactions keep the tables free for imports running meanwhile.
PRUNE_CHUNK = 50


def prune_run_logs(session: Session, now: datetime, days: int) -> int:
    """Delete finished runs older than `days` and their events; return how many runs went."""
    if days <= 0:
        return 0
    latest = select(func.max(SyncRun.id)).group_by(SyncRun.store_id, SyncRun.kind)
    old = (
        select(SyncRun.id)
        .where(
            SyncRun.status.in_(FINISHED),
            SyncRun.finished_at < now - timedelta(days=days),
            SyncRun.id.not_in(latest),
        )
        .order_by(SyncRun.id)
        .limit(PRUNE_CHUNK)
    )

    def remove(ids: list[int]) -> None:
        # Events first: SQLite does not enforce the ON DELETE CASCADE that PostgreSQL would.
        session.execute(delete(SyncEvent).where(SyncEvent.run_id.in_(ids)))
        unlinked = update(OrderChange).where(OrderChange.run_id.in_(ids)).values(run_id=None)
        session.execute(unlinked)
        session.execute(delete(SyncRun).where(SyncRun.id.in_(ids)))

    return delete_in_chunks(session, old, remove)


def delete_in_chunks(session: Session, ids: Select, remove: Callable[[list[int]], None]) -> int:
    """Call `remove` on each chunk of ids the (limited) query finds, committing each; count them."""
    deleted = 0
    while chunk := list(session.scalars(ids)):
        remove(chunk)
        session.commit()
        deleted += len(chunk)
    return deleted
