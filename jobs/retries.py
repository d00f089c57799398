"""Retries a merchant can see, and that outlive Redis.

When RQ will run a failed job again, its run shows as `retrying` with the time of the next
attempt (`SyncRun.next_attempt_at`). RQ keeps that retry in Redis only; should Redis lose it
(restarted without its data), the clock finds the run still retrying past its time with no
job waiting for it, and enqueues the attempt again from what the database says.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from rq import Retry, get_current_job
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from webapp.clock import utcnow
from webapp.extensions import db
from webapp.models import SyncRun
from webapp.models.sync import FAILED, KIND_INVENTORY, RETRYING
from webapp.sync import runs
from webapp.sync.claims import claim
from webapp.sync.orders.enqueue import enqueue_import
from webapp.sync.push.enqueue import PUSH_JOB, PUSH_RETRY, PUSH_TIMEOUT
from webapp.sync.queues import DEFAULT, fetch_job, is_active, queue

log = logging.getLogger(__name__)
# RQ's scheduler moves a due retry onto its queue within a second; a retrying run past its
# time by more than this, with no job waiting in Redis, lost its retry.
LOST_AFTER = timedelta(seconds=2)
CLAIM_SECONDS = 50


def note_retry(session: Session, run_id: int) -> None:
    """If RQ will run the current job again, show its failed run as retrying, and when.

    The run then resumes where it stopped (a finished run is never started again), and the
    panel follows it instead of showing a failure that is about to be retried.
    """
    job = get_current_job()
    if job is None or not job.should_retry:
        return  # the last attempt: the run stays failed
    session.rollback()
    run = session.get(SyncRun, run_id)
    if run is not None and run.status == FAILED:
        runs.retry_at(session, run, utcnow() + timedelta(seconds=job.get_retry_interval()))


def next_retry_due(now: datetime) -> datetime | None:
    """When the clock should look again for a retry Redis may have lost (None: none waits)."""
    soonest = db.session.scalar(
        select(func.min(SyncRun.next_attempt_at)).where(SyncRun.status == RETRYING)
    )
    db.session.rollback()  # a clock's read must not hold SQLite's lock while it sleeps
    return None if soonest is None else max(soonest + LOST_AFTER, now)


def rebuild_lost_retries(now: datetime) -> list[int]:
    """Enqueue again each retrying run past its time whose job Redis no longer holds."""
    rebuilt = []
    for run in runs.overdue_retries(db.session, now=now, grace=LOST_AFTER):
        if is_active(fetch_job(run.job_id) if run.job_id else None):
            continue  # RQ still has it: scheduled, queued or started
        if not claim(f"retry-{run.id}-{run.attempts}", CLAIM_SECONDS):
            continue  # another clock rebuilds it
        log.warning("run %s (store %s): its retry was lost with Redis; enqueueing it again",
                    run.id, run.store_id)  # fmt: skip
        if run.kind == KIND_INVENTORY:
            _enqueue_push_again(run)
        else:
            enqueue_import(run)
        rebuilt.append(run.id)
    return rebuilt


def _enqueue_push_again(run: SyncRun) -> None:
    """Enqueue the push's next attempt on its run, with the retries it has left."""
    params = run.params or {}
    kwargs = {
        "trigger": params.get("trigger", "stock changed"),
        "full": bool(params.get("full")),
        "confirmed": bool(params.get("confirmed")),
        "run_id": run.id,
    }
    left = PUSH_RETRY["max"] + 1 - (run.attempts or 0)
    retry = Retry(max=left, interval=PUSH_RETRY["interval"][-left:]) if left > 0 else None
    job = queue(DEFAULT).enqueue(
        PUSH_JOB,
        args=(run.store_id,),
        kwargs=kwargs,
        job_id=f"push-{run.store_id}-retry-{run.id}-{run.attempts}",
        job_timeout=PUSH_TIMEOUT,
        failure_ttl=3600,
        retry=retry,
    )
    run.job_id = job.id
    db.session.commit()
