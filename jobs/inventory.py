"""Inventory push jobs and their enqueue helpers."""

from __future__ import annotations

import contextlib
import logging
import math
from collections.abc import Collection, Iterable, Iterator
from datetime import timedelta

from flask import current_app
from redis import Redis
from rq import Retry, get_current_job
from rq.job import Job, JobStatus

from jobs.overwrite_count import count_overwrite_ahead
from jobs.retries import note_retry
from jobs.runtime import (
    ACTIVE,
    DEFAULT,
    app_context,
    come_back_later,
    enqueue_once,
    fetch_job,
    queue,
    redis_connection,
)
from webapp.sync.push.reasons import items_of, note_why, why_of
from webapp.sync.push.waits import join_waiting, note_waiting, take_joined

log = logging.getLogger(__name__)
PUSH_JOB = "jobs.inventory.push_inventory"
PUSH_TIMEOUT = 1800
# Transient JOOR failures after the client's own retries: two more tries, later each time.
PUSH_RETRY = {"max": 2, "interval": [30, 120]}
# A push finding another one sending comes back this long after (it waited a minute already).
BUSY_RETRY_SECONDS = 30
NEW_ACCOUNT = "connected to a JOOR account that has none of the stock yet"
RECONNECTED = "connected to JOOR again: stock changed meanwhile"


# RQ 3.0 accepts only letters, digits, '_' and '-' in job ids, so DESIGN.md's `push:<store>`
# is spelt `push-<store>`.
def push_job_id(store_id: int) -> str:
    """Return the deterministic id of a store's pending push."""
    return f"push-{store_id}"


def full_push_job_id(store_id: int) -> str:
    """Return the deterministic id of a store's full push."""
    return f"push-full-{store_id}"


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
    conn = redis_connection()
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
    if not conn.set(f"joorsync:claim:{job_id}", "1", nx=True, ex=max(1, delay)):
        return fetch_job(job_id, conn)
    log.info("push for store %s scheduled in %ss (%s)", store_id, delay, reason)
    return queue(DEFAULT, conn).enqueue_in(
        timedelta(seconds=delay),
        PUSH_JOB,
        args=(store_id,),
        kwargs={"trigger": reason},
        job_id=job_id,
        job_timeout=PUSH_TIMEOUT,
        failure_ttl=3600,
        retry=Retry(**PUSH_RETRY),
    )


def enqueue_push_after_settings(store_id: int, changed: Iterable[str]) -> Job | None:
    """Push once a setting that decides what JOOR holds has changed, not at the next stock edit."""
    from webapp.extensions import db
    from webapp.sync.connection.settings import SETTING_LABELS, TEMPLATE_FIELDS
    from webapp.sync.connection.state import get_connection

    deciding = {"warehouse", "inventory_mode", "identifier", *(n for n, _ in TEMPLATE_FIELDS)}
    names = [name for name in changed if name in deciding]
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
    from sqlalchemy import select

    from webapp.extensions import db
    from webapp.models import JoorConnection

    conn = db.session.scalar(select(JoorConnection).where(JoorConnection.store_id == store_id))
    return bool(conn and conn.is_connected and conn.sync_inventory)


def push_inventory(
    store_id: int,
    trigger: str = "stock changed",
    full: bool = False,
    confirmed: bool = False,
    run_id: int | None = None,
) -> dict:
    """Push the store's stock to JOOR under a SyncRun; return the run's summary."""
    from webapp.extensions import db
    from webapp.sync.connection.state import factory_from_app
    from webapp.sync.push.credits import PushWaitingError
    from webapp.sync.push.service import PushBusyError, run_push

    with app_context() as app:
        job = get_current_job()
        if job is not None:
            # The enqueue claim only guards the moment of enqueueing; once this job runs, RQ's
            # status answers duplicates, and a later Push now must not wait for the claim.
            redis_connection().delete(f"joorsync:claim:{job.id}")
        run_id = run_id or _run_of_job(job, store_id, trigger, full, confirmed)
        if job is not None:
            take_joined(redis_connection(), store_id, job.id, run_id)
        kwargs = {"trigger": trigger, "full": full, "confirmed": confirmed, "run_id": run_id}
        try:
            summary = run_push(
                db.session,
                factory_from_app(app),
                run_id,
                full=full,
                confirmed=confirmed,
                explicit=full,
                job_id=job.id if job else "",
            )
        except PushBusyError:
            # The push sending now planned before this one's changes: follow it, on this run.
            _push_later(store_id, kwargs, BUSY_RETRY_SECONDS)
            return {"run_id": run_id, "status": "waiting for the store's other push"}
        except PushWaitingError as waiting:
            # Orders come first: step aside until the share has room; changes join it then.
            job_id = _push_later(store_id, kwargs, math.ceil(waiting.seconds), "credits")
            note_waiting(redis_connection(), store_id, job_id, math.ceil(waiting.seconds))
            return {"run_id": run_id, "status": "waiting for JOOR credits"}
        except Exception:
            note_retry(db.session, run_id)  # RQ tries again: the run says when
            raise
        count_overwrite_ahead(app, store_id)
        return summary.to_json()


def _push_later(store_id: int, kwargs: dict, seconds: int, why: str = "wait") -> str:
    """Come back to a push in `seconds`; the id names the run's attempt, so it is new."""
    from webapp.extensions import db
    from webapp.models import SyncRun

    run_id = kwargs["run_id"]
    job = come_back_later(
        run_id,
        PUSH_JOB,
        f"push-{store_id}-{why}-{run_id}-{db.session.get(SyncRun, run_id).attempts}",
        seconds,
        args=(store_id,),
        kwargs=kwargs,
        job_timeout=PUSH_TIMEOUT,
        failure_ttl=3600,
        retry=Retry(**PUSH_RETRY),
    )
    log.info("push run %s: store %s trying again in %ss (%s)", run_id, store_id, seconds, why)
    return job.id


def _run_of_job(job: Job | None, store_id: int, trigger: str, full: bool, confirmed: bool) -> int:
    """The run a job records on: the one this job's earlier attempt made, or a new one.

    Only RQ's retry reuses the run. An id is reused only once its last job ended (see
    _next_push_id), and with all its retries left a job never takes a run id left in meta.
    """
    from webapp.extensions import db
    from webapp.sync.push.service import create_push_run

    left = job.retries_left if job is not None else None
    if left is not None and left < PUSH_RETRY["max"] and job.meta.get("run_id"):
        return int(job.meta["run_id"])
    items = None
    if job is not None and not full:
        trigger = why_of(redis_connection(), job.id, trigger)
        items = items_of(redis_connection(), job.id)
    run = create_push_run(
        db.session, store_id, trigger=trigger, full=full, confirmed=confirmed, items=items
    )
    if job is not None:
        job.meta["run_id"] = run.id
        job.save_meta()
    return run.id


def enqueue_full_push(
    store_id: int, *, created_by: str = "", confirmed: bool = False, trigger: str = "full push"
):
    """Queue a full push (Push now, the daily heal); return its SyncRun, an existing one if queued.

    With Sync Inventory off or no warehouse the run is recorded failed at once, saying why.
    """
    from webapp.extensions import db
    from webapp.sync.connection.state import get_connection
    from webapp.sync.push.service import create_push_run, refusal
    from webapp.sync.runs import finish_run

    job_id = full_push_job_id(store_id)
    existing = _active_run(job_id)
    if existing is not None:
        existing.already_running = True  # the panel says so instead of "Push started"
        return existing
    run = create_push_run(
        db.session, store_id, trigger=trigger, full=True, confirmed=confirmed,
        created_by=created_by,
    )  # fmt: skip
    reason = refusal(get_connection(db.session, store_id))
    if reason:
        finish_run(db.session, run, error=reason)
        return run
    job, created = enqueue_once(
        DEFAULT,
        PUSH_JOB,
        job_id,
        args=(store_id,),
        kwargs={"trigger": trigger, "full": True, "confirmed": confirmed, "run_id": run.id},
        job_timeout=PUSH_TIMEOUT,
        failure_ttl=3600,
        retry=Retry(**PUSH_RETRY),
    )
    if not created:
        return _lost_race(run, job_id)
    run.job_id = job_id
    db.session.commit()
    log.info("full push for store %s queued as run %s", store_id, run.id)
    return run


@contextlib.contextmanager
def push_after_connect(store_id: int) -> Iterator[None]:
    """Around a connect: once a token is taken, push what JOOR may not hold.

    An account no full push has reached gets one. Otherwise the stock changed while the
    store was disconnected or its token refused goes now, not at the next change.
    """
    from webapp.extensions import db
    from webapp.sync.connection.state import get_connection
    from webapp.sync.push.service import refusal

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


def _lost_race(run, job_id: str):
    """Another caller queued the same full push a moment ago: show its run, not ours."""
    from webapp.extensions import db
    from webapp.sync.runs import finish_run

    active = _active_run(job_id)
    if active is not None:
        db.session.delete(run)
        db.session.commit()
        active.already_running = True
        return active
    finish_run(db.session, run, error="A full push for this store was queued at the same time.")
    return run


def _active_run(job_id: str):
    """The SyncRun of a full-push job still waiting or running, if any."""
    from webapp.extensions import db
    from webapp.models import SyncRun

    job = fetch_job(job_id)
    if job is None or job.get_status(refresh=False) not in ACTIVE:
        return None
    run_id = (job.kwargs or {}).get("run_id")
    return db.session.get(SyncRun, run_id) if run_id else None
