"""What pushes would cost with the settings being edited: calls, credits, and the share."""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from webapp.clock import utcnow
from webapp.joor.budget import DEFAULT_LIMIT, DEFAULT_WINDOW, share_credits
from webapp.models import InventoryItem, SyncRun
from webapp.models.sync import KIND_INVENTORY
from webapp.rules.push_cost import PushCosts, push_costs
from webapp.sync.push.credits import batch_for
from webapp.sync.push.sending import UPDATE_BATCH

# How far back the busiest window of pushes is looked for.
LOOK_BACK = timedelta(days=1)


def busiest_window(session: Session, store_id: int, now: datetime | None = None) -> int:
    """The most pushes the store made in one credit window over the last day."""
    since = (now or utcnow()) - LOOK_BACK
    created = session.scalars(
        select(SyncRun.created_at).where(
            SyncRun.store_id == store_id,
            SyncRun.kind == KIND_INVENTORY,
            SyncRun.created_at >= since,
        )
    )
    windows = Counter(int(moment.timestamp() // DEFAULT_WINDOW) for moment in created)
    return max(windows.values(), default=0)


def push_cost_preview(
    session: Session, redis: Any, store_id: int, account_key: str, share_percent: int
) -> PushCosts:
    """Costs of a full push, the push after an edit and the daily heal for this store now."""
    items = session.scalar(
        select(func.count()).select_from(InventoryItem).where(InventoryItem.store_id == store_id)
    )
    return push_costs(
        skus=items or 0,
        batch=batch_for(redis, account_key, UPDATE_BATCH),
        share_credits=share_credits(DEFAULT_LIMIT, share_percent),
        busiest_pushes=busiest_window(session, store_id),
    )
