"""Asking a worker to push stock: a debounced push after edits, a full push, one after connecting.

Job ids: `push-<store>` for the debounced push (a push already started gets a new id, see
_next_push_id), `push-full-<store>` for a full push. The job body is
`jobs.inventory.push_inventory`, named here by dotted path so the web process never imports
`jobs`. Why each push was asked for is kept in Redis for its run (push.reasons), and edits
made while a push waits for JOOR credits join it (push.waits).
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Collection, Iterable, Iterator
from datetime import timedelta

from flask import current_app
from redis import Redis
from rq import Retry
from rq.job import Job, JobStatus
from sqlalchemy import select

from webapp.extensions import db, get_redis
from webapp.models import JoorConnection, SyncRun
from webapp.rules.push_triggers import settings_calling_for_push
from webapp.sync.claims import claim
from webapp.sync.connection.settings import SETTING_LABELS
from webapp.sync.connection.state import get_connection
from webapp.sync.push.reasons import note_why
from webapp.sync.push.service import create_push_run, refusal
from webapp.sync.push.waits import join_waiting
from webapp.sync.queues import (
    DEFAULT,
    Enqueued,
    come_back_later,
    enqueue_once,
    fetch_job,
    is_active,
    queue,
)
from webapp.sync.runs import finish_run

log = logging.getLogger(__name__)
PUSH_JOB = "jobs.inventory.push_inventory"
PUSH_TIMEOUT = 1800
# Transient JOOR failures after the client's own retries: two more tries, later each time.
PUSH_RETRY = {"max": 2, "interval": [30, 120]}
# The daily full push; one that did not go out (JOOR down, an Overwrite awaiting a yes) is
# asked again an hour later, not every tick.
FULL_PUSH_EVERY = timedelta(hours=24)
FULL_PUSH_RETRY_SECONDS = 3600
NEW_ACCOUNT = "connected to a JOOR account that has none of the stock yet"
RECONNECTED = "connected to JOOR again: stock changed meanwhile"


def push_job_options() -> dict:
    """What every push job is enqueued with: its timeout, how long a failure is kept, retries."""
    return {"job_timeout": PUSH_TIMEOUT, "failure_ttl": 3600, "retry": Retry(**PUSH_RETRY)}


# RQ 3.0 accepts only letters, digits, '_' and '-' in job ids, so DESIGN.md's `push:<store>`
# is spelt `push-<store>`.
def push_job_id(store_id: int) -> str:
    """Return the deterministic id of a store's pending push."""
    return f"push-{store_id}"


def full_push_job_id(store_id: int) -> str:
    """Return the deterministic id of a store's full push."""
    return f"push-full-{store_id}"


def full_push_attempt(store_id: int) -> str:
    """The claim the clock takes before it sends a store's daily (or first) full push."""
    return f"full-push-attempt-{store_id}"


def enqueue_push_inventory(
    store_id: int, *, reason: str = "stock changed", items: Collection[str] | None = None
) -> Job | None:
    """Schedule one push for the store a few seconds from now; later calls join it (debounce).

    Many stock changes within the debounce window (a CSV upload, an API batch) make one push.
    `items` are the codes of the items changed (None: a change that may concern any item);
    an Update push names the skipped items among them only. Returns None when the store does
    not sync inventory, so nothing is queued for it.
    """
    if not _store_syncs_inventory(store_id):
        return None
    conn = get_redis()
    waiting = join_waiting(conn, store_id, reason, items)
    if waiting is not None:
        return waiting  # it waits for JOOR credits and sends this change with its own
    job_id = _next_push_id(store_id, conn)
    note_why(conn, job_id, reason, items)
    existing = fetch_job(job_id, conn)
    if existing is not None and existing.get_status(refresh=False) in {"scheduled", "queued"}:
        return existing
    # The claim spans the debounce window: concurrent callers see one scheduled push.
    delay = current_app.config["PUSH_DEBOUNCE_SECONDS"]
    if not claim(job_id, delay, redis=conn):
        return fetch_job(job_id, conn)
    log.info("push for store %s scheduled in %ss (%s)", store_id, delay, reason)
    return queue(DEFAULT, conn).enqueue_in(
        timedelta(seconds=delay),
        PUSH_JOB,
        args=(store_id,),
        kwargs={"trigger": reason},
        job_id=job_id,
        **push_job_options(),
    )


def enqueue_push_after_settings(store_id: int, changed: Iterable[str]) -> Job | None:
    """Push once a setting that decides what JOOR holds has changed, not at the next stock edit."""
    names = settings_calling_for_push(changed)
    if not names or get_connection(db.session, store_id).last_full_push_at is None:
        return None  # nothing JOOR holds changed, or the clock's first full push comes anyway
    labels = ", ".join(SETTING_LABELS[name] for name in names)
    return enqueue_push_inventory(store_id, reason=f"settings changed: {labels}")


def _next_push_id(store_id: int, conn: Redis) -> str:
    """The id for a push of changes made now: never that of a push already started.

    RQ keeps one hash per job id, and a started job writes its arguments and retries left
    back over a job enqueued under its id meanwhile (which then took its run for its own).
    """
    job_id = push_job_id(store_id)
    while (job := fetch_job(job_id, conn)) and job.get_status(refresh=False) == JobStatus.STARTED:
        started = (job.started_at or job.created_at).timestamp()
        job_id = f"{push_job_id(store_id)}-after-{started:.6f}".replace(".", "_")
    return job_id


def _store_syncs_inventory(store_id: int) -> bool:
    """Tell whether the store has a JOOR connection with Sync Inventory on."""
    conn = db.session.scalar(select(JoorConnection).where(JoorConnection.store_id == store_id))
    return bool(conn and conn.is_connected and conn.sync_inventory)


def push_later(store_id: int, kwargs: dict, seconds: int, why: str = "wait") -> str:
    """Come back to a push in `seconds`; the id names the run's attempt, so it is new."""
    run_id = kwargs["run_id"]
    job = come_back_later(
        run_id,
        PUSH_JOB,
        f"push-{store_id}-{why}-{run_id}-{db.session.get(SyncRun, run_id).attempts}",
        seconds,
        args=(store_id,),
        kwargs=kwargs,
        **push_job_options(),
    )
    log.info("push run %s: store %s trying again in %ss (%s)", run_id, store_id, seconds, why)
    return job.id


def enqueue_full_push(
    store_id: int, *, created_by: str = "", confirmed: bool = False, trigger: str = "full push"
) -> Enqueued:
    """Queue a full push (Push now, the daily heal); or give the one already queued or running.

    With Sync Inventory off or no warehouse the run is recorded failed at once, saying why.
    """
    job_id = full_push_job_id(store_id)
    existing = _active_run(job_id)
    if existing is not None:
        return Enqueued(existing, created=False)  # the panel says so, not "Push started"
    run = create_push_run(
        db.session, store_id, trigger=trigger, full=True, confirmed=confirmed,
        created_by=created_by,
    )  # fmt: skip
    reason = refusal(get_connection(db.session, store_id))
    if reason:
        finish_run(db.session, run, error=reason)
        return Enqueued(run, created=True)
    job, created = enqueue_once(
        DEFAULT,
        PUSH_JOB,
        job_id,
        args=(store_id,),
        kwargs={"trigger": trigger, "full": True, "confirmed": confirmed, "run_id": run.id},
        **push_job_options(),
    )
    if not created:
        return _lost_race(run, job_id)
    run.job_id = job_id
    db.session.commit()
    log.info("full push for store %s queued as run %s", store_id, run.id)
    return Enqueued(run, created=True)


@contextlib.contextmanager
def push_after_connect(store_id: int) -> Iterator[None]:
    """Around a connect: once a token is taken, push what JOOR may not hold.

    An account no full push has reached gets one. Otherwise the stock changed while the
    store was disconnected or its token refused goes now, not at the next change.
    """
    before = get_connection(db.session, store_id).token_encrypted
    yield
    conn = get_connection(db.session, store_id)
    if conn.token_encrypted in (None, before) or refusal(conn) is not None:
        return
    if conn.last_full_push_at is None:
        # Another account or environment has none of the stock: adopt_token forgot what was
        # sent, so every count goes.
        enqueue_full_push(store_id, trigger=NEW_ACCOUNT)
    else:
        enqueue_push_inventory(store_id, reason=RECONNECTED)


def _lost_race(run: SyncRun, job_id: str) -> Enqueued:
    """Another caller queued the same full push a moment ago: show its run, not ours."""
    active = _active_run(job_id)
    if active is not None:
        db.session.delete(run)
        db.session.commit()
        return Enqueued(active, created=False)
    finish_run(db.session, run, error="A full push for this store was queued at the same time.")
    return Enqueued(run, created=True)


def _active_run(job_id: str) -> SyncRun | None:
    """The SyncRun of a full-push job still waiting or running, if any."""
    job = fetch_job(job_id)
    if not is_active(job):
        return None
    run_id = (job.kwargs or {}).get("run_id")
    return db.session.get(SyncRun, run_id) if run_id else None


def enqueue_overwrite_count(store_id: int) -> None:
    """Have a worker count the Overwrite warning (planning every item takes seconds at 100k)."""
    enqueue_once(
        DEFAULT,
        "jobs.overwrite_count.count_overwrite",
        f"overwrite-count-{store_id}",
        args=(store_id,),
        claim_seconds=5,  # a count wanted again (settings changed since) is queued soon after
        job_timeout=600,
        result_ttl=0,
        failure_ttl=3600,
    )
