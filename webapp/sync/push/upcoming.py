"""Work on its way that has no run yet: a push waiting out its debounce, the first full push.

A stock change schedules a push a few seconds ahead (push.enqueue), and ticking Sync
Inventory leaves the first full push to the clock's next tick (jobs.cron). Neither has a
SyncRun until it starts, so the pages ask here what is coming, and when.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from redis.exceptions import RedisError
from rq.exceptions import NoSuchJobError
from rq.registry import ScheduledJobRegistry
from sqlalchemy import select

from webapp.clock import utcnow
from webapp.extensions import db, get_redis
from webapp.models import JoorConnection, SyncRun
from webapp.models.joor import STATUS_CONNECTED
from webapp.models.sync import ACTIVE, KIND_INVENTORY
from webapp.sync.claims import holder
from webapp.sync.push.enqueue import FULL_PUSH_EVERY, full_push_attempt, push_job_id
from webapp.sync.push.outcome import awaits_confirmation
from webapp.sync.queues import DEFAULT, fetch_job, queue

NEXT_TICK_KEY = "joorsync:clock:next-tick"


@dataclass(frozen=True)
class Upcoming:
    """A push on its way: what it is, and when it starts (None: the clock's next tick)."""

    what: str
    at: datetime | None


def note_next_tick(at: datetime) -> None:
    """Remember when the clock ticks next, for the pages that say when a push comes."""
    get_redis().set(NEXT_TICK_KEY, at.timestamp(), ex=3600)


def upcoming_push(store_id: int) -> Upcoming | None:
    """The store's next push without a run yet, or None; never fails for Redis being away."""
    try:
        return _scheduled_push(store_id) or _first_full_push(store_id)
    except RedisError:
        return None


def _scheduled_push(store_id: int) -> Upcoming | None:
    """A push of stock changes waiting out its debounce (or for a worker)."""
    job = fetch_job(push_job_id(store_id))
    status = job.get_status(refresh=False) if job is not None else None
    if status == "queued":
        return Upcoming("a push of the stock changed here", utcnow())
    if status != "scheduled":
        return None
    try:
        when = ScheduledJobRegistry(queue=queue(DEFAULT)).get_scheduled_time(job)
    except NoSuchJobError:  # moved onto its queue a moment ago: it starts now
        when = utcnow()
    return Upcoming("a push of the stock changed here", when.astimezone(UTC))


def _first_full_push(store_id: int) -> Upcoming | None:
    """The first full push the clock sends once Sync Inventory is on, until it has run."""
    conn = db.session.scalar(select(JoorConnection).where(JoorConnection.store_id == store_id))
    if not (
        conn is not None
        and conn.sync_inventory
        and conn.is_connected
        and conn.status == STATUS_CONNECTED
        and conn.warehouse.strip()
        and conn.last_full_push_at is None
    ):
        return None
    if holder(full_push_attempt(store_id)) is not None:
        return None  # the clock sent it within the hour; its run says how it went
    under_way = select(SyncRun.id).where(
        SyncRun.store_id == store_id, SyncRun.kind == KIND_INVENTORY, SyncRun.status.in_(ACTIVE)
    )
    if db.session.scalar(under_way.limit(1)) is not None:
        return None  # a push is sending now (Push inventory now, say): the clock waits for it
    if awaits_confirmation(db.session, conn, utcnow() - FULL_PUSH_EVERY):
        return None  # its Overwrite waits for a person's yes: the clock does not send it
    return Upcoming("the first full push: every count, to JOOR", _next_tick())


def _next_tick() -> datetime | None:
    """When the clock ticks next, if it said so lately."""
    raw = get_redis().get(NEXT_TICK_KEY)
    if raw is None:
        return None
    at = datetime.fromtimestamp(float(raw), UTC)
    return at if at >= utcnow() else None
