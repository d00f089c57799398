"""Whether a page's live parts should poll: a run under way, or work on its way, for the store.

A live partial polls every POLL_SECONDS while one of the store's runs is queued, running or
retrying; with nothing under way it renders without that trigger, waking once at the time of
the next thing known to come (a push waiting out its debounce, the next scheduled import).
A page with no status badge to announce runs (the Activity log, Inventory) also wakes within
IDLE_CHECK, so a run nobody scheduled (an API stock change, another person's click) shows.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select

from webapp.clock import utcnow
from webapp.extensions import db
from webapp.models import JoorConnection, SyncRun
from webapp.models.sync import ACTIVE, KINDS
from webapp.sync.push.upcoming import Upcoming, upcoming_push

POLL_SECONDS = 2
# A page left open longer than this before the next known event simply stays as it is.
WAKE_WITHIN = timedelta(hours=1)
# How soon an idle page without the status badge looks again: one cheap render a tab.
IDLE_CHECK = timedelta(seconds=30)


@dataclass(frozen=True)
class Liveness:
    """What the store has under way and on its way, as the live partials need it."""

    active: bool
    newest: int
    coming: Upcoming | None = None  # a push without a run yet
    wake_at: datetime | None = None

    @property
    def trigger(self) -> str:
        """The htmx trigger that keeps a partial live, "" when its render is final."""
        if self.active:
            return f"every {POLL_SECONDS}s"
        if self.wake_at is None:
            return ""
        seconds = (self.wake_at - utcnow()).total_seconds()
        return f"load delay:{max(POLL_SECONDS, round(seconds) + 1)}s"

    @property
    def mark(self) -> str:
        """A short token that changes whenever a run starts, ends, or work comes on its way."""
        wake = int(self.wake_at.timestamp()) if self.wake_at else 0
        return f"{self.newest}.{int(self.active)}.{int(self.coming is not None)}.{wake}"


def store_liveness(
    store_id: int,
    *,
    kinds: tuple[str, ...] = KINDS,
    pushes: bool = True,
    next_poll: bool = False,
    idle_check: bool = False,
) -> Liveness:
    """The store's liveness for runs of `kinds`, optionally pushes and polls to come.

    `idle_check`: wake within IDLE_CHECK even when nothing is known to come.
    """
    under_way = select(SyncRun.id).where(
        SyncRun.store_id == store_id, SyncRun.status.in_(ACTIVE), SyncRun.kind.in_(kinds)
    )
    active = db.session.scalar(under_way.limit(1)) is not None
    newest = db.session.scalar(select(func.max(SyncRun.id)).where(SyncRun.store_id == store_id))
    coming = None
    if pushes and not active:
        coming = upcoming_push(store_id)
    times = [coming.at] if coming is not None and coming.at is not None else []
    if next_poll:
        times += _next_poll(store_id)
    if idle_check and not active:
        times.append(utcnow() + IDLE_CHECK)
    soon = [t for t in times if t - utcnow() < WAKE_WITHIN]
    return Liveness(active, newest or 0, coming, min(soon) if soon else None)


def _next_poll(store_id: int) -> list[datetime]:
    """The store's next scheduled import, if one is scheduled."""
    query = select(JoorConnection.next_poll_at).where(JoorConnection.store_id == store_id)
    at = db.session.scalar(query)
    return [at] if at is not None else []
