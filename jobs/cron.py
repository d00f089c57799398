"""The clock's tick: what runs once a minute.

Everything here only enqueues, under deterministic ids and short Redis claims, so a second
clock started by mistake creates no duplicate work:

- a poll for each store whose "Check for New Orders" time has come (`poll-<store>-<minute>`);
- retries Redis lost (restarted without its data): a run still `retrying` past its time with
  no job waiting for it is enqueued again (jobs.retries);
- recovery of runs a killed worker left `running`: RQ's abandoned started jobs are
  cleaned (retried when they have retries left), the dead import's store lock is freed, an
  import no RQ job will finish is enqueued again as `import-<run>`, and such a push is
  closed as cancelled in words with a new push queued for the stock it left unsent;
- the daily full inventory push, for stores that sync inventory (jobs.inventory owns it);
- once a day, deleting run logs and resolved alerts older than RUN_LOG_DAYS (jobs.housekeeping);
- a check of every store for trouble to alert its merchant about (jobs.alerts owns it).
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from rq.job import JobStatus
from rq.registry import ScheduledJobRegistry, StartedJobRegistry
from sqlalchemy import or_, select

from jobs.housekeeping import enqueue_prune_logs
from jobs.retries import rebuild_lost_retries
from jobs.runtime import app_context, redis_connection
from webapp.alerts.enqueue import enqueue_alert_evaluation
from webapp.clock import utcnow
from webapp.extensions import db
from webapp.models import JoorConnection, SyncRun
from webapp.models.joor import STATUS_CONNECTED
from webapp.models.sync import CANCELLED, KIND_INVENTORY, ORDER_KINDS
from webapp.sync import runs
from webapp.sync.claims import claim
from webapp.sync.connection.state import get_connection
from webapp.sync.locks import release_for_run
from webapp.sync.orders.enqueue import enqueue_import, enqueue_poll_orders, poll_job_id
from webapp.sync.orders.polling import due_store_ids
from webapp.sync.push.enqueue import (
    FULL_PUSH_EVERY,
    FULL_PUSH_RETRY_SECONDS,
    enqueue_full_push,
    enqueue_push_inventory,
    full_push_attempt,
)
from webapp.sync.push.outcome import awaits_confirmation
from webapp.sync.queues import ACTIVE, QUEUES, SERIALIZER, fetch_job, queue

log = logging.getLogger(__name__)
FIRST_FULL_PUSH = "the first full push: every count, as none has reached this JOOR account yet"
DAILY_FULL_PUSH = "the daily full push: every count again, in case JOOR missed a change"
CLAIM_SECONDS = 50  # under a tick: two clocks in the same minute make one decision
# An import whose worker died this many times is not handed on again (it would for ever).
MAX_ATTEMPTS = 5
KEEPS_STOPPING = (
    "The import was started {} times and its worker stopped again before it finished, so "
    "it is not tried again by itself. Orders already imported are kept. Start the import "
    "again; if it stops once more, the worker's logs say why (often it runs out of memory)."
)
LOST_PUSH = (
    "This push was queued but its job was lost (the job queue restarted without its data). "
    "A new push of the store's stock is queued when inventory sync is on; nothing to do."
)
ABANDONED_PUSH = (
    "The worker sending this push stopped before it finished. Stock it did not send goes "
    "with the next push, which is queued when inventory sync is on; nothing to do."
)


def tick(now: datetime | None = None) -> dict:
    """Enqueue the work that is due; return what was enqueued, for logs and tests."""
    now = now or utcnow()
    with app_context():
        done = {
            "polls": enqueue_due_polls(now),
            "recovered": recover_abandoned_runs(now),
            "retries": rebuild_lost_retries(now),
            "full_pushes": enqueue_full_pushes(now),
            "housekeeping": enqueue_prune_logs(now),
            "alerts": enqueue_alert_evaluation(now),
        }
    if any(value for name, value in done.items() if name != "alerts"):  # alerts: every tick
        log.info("tick: %s", done)
    return done


def _claim(name: str) -> bool:
    """Take a short claim so only one clock acts on `name` this tick."""
    return claim(name, CLAIM_SECONDS)


def enqueue_due_polls(now: datetime) -> list[int]:
    """Enqueue a poll for each due store and move its next poll time; return the store ids."""
    enqueued = []
    for store_id in due_store_ids(db.session, now):
        conn = db.session.scalar(select(JoorConnection).where(JoorConnection.store_id == store_id))
        # Claimed per due time, not per minute: two clocks that read the same schedule agree
        # even either side of a minute boundary, and the next due time is a new claim.
        if not _claim(f"poll-due:{store_id}:{conn.next_poll_at.timestamp()}"):
            continue
        job = enqueue_poll_orders(store_id, now=now)
        # Moved now, not when the poll ends; a poll still waiting for a worker stays the one.
        conn.next_poll_at = now + timedelta(minutes=conn.poll_minutes)
        db.session.commit()
        if job is not None and job.id == poll_job_id(store_id, now):
            enqueued.append(store_id)
    return enqueued


def recover_abandoned_runs(now: datetime) -> list[int]:
    """Hand imports whose worker died to a live worker; return the run ids recovered."""
    _clean_started_jobs(now)
    recovered = []
    for run in runs.stale_runs(db.session, now=now):
        job = fetch_job(run.job_id) if run.job_id else None
        status = job.get_status(refresh=False) if job is not None else None
        if status == JobStatus.STARTED:
            continue  # RQ still hears the worker: a slow run (e.g. waiting on JOOR's limit)
        if run.kind in ORDER_KINDS:
            release_for_run(redis_connection(), run.store_id, run.id)
        if not _claim(f"recover:{run.id}"):
            continue
        if status == JobStatus.SCHEDULED:
            _run_now(job)  # RQ's retry of the abandoned job: no reason to wait its interval
        elif status in ACTIVE:
            continue  # queued again already (RQ's retry): a worker will resume the run
        elif run.kind == KIND_INVENTORY:
            _close_abandoned_push(run)
        elif run.attempts >= MAX_ATTEMPTS:
            log.error("run %s (store %s) abandoned after %s attempts; giving up", run.id,
                      run.store_id, run.attempts)  # fmt: skip
            runs.finish_run(db.session, run, error=KEEPS_STOPPING.format(run.attempts))
        else:
            _requeue(run)
        recovered.append(run.id)
    return recovered + _recover_lost_jobs(now)


def _recover_lost_jobs(now: datetime) -> list[int]:
    """Take up runs left queued whose RQ job is gone; return their run ids.

    Without this a run whose job Redis lost stays queued for good (and the panel answers
    every new import with "already running"). An import is enqueued again; a push is closed
    in words and a push of the store's stock queued instead.
    """
    recovered = []
    for run in runs.long_queued_runs(db.session, now=now):
        job = fetch_job(run.job_id) if run.job_id else None
        if job is not None and job.get_status(refresh=False) in ACTIVE:
            continue  # waiting its turn, or RQ's retry is scheduled: a worker will come
        if not _claim(f"recover:{run.id}"):
            continue
        if run.kind == KIND_INVENTORY:
            _close_abandoned_push(run, LOST_PUSH)
        else:
            _requeue(run, why="was queued but its RQ job is gone")
        recovered.append(run.id)
    return recovered


def _close_abandoned_push(run: SyncRun, message: str = ABANDONED_PUSH) -> None:
    """End a push no job will finish, in words, and queue a push of the stock it left unsent.

    Pushes send absolute counts, so a new push heals whatever the dead one did not send: the
    run is closed as cancelled, not failed, because nobody has anything to do (red is kept
    for what a person must act on).
    """
    log.warning("push run %s (store %s) was abandoned", run.id, run.store_id)
    runs.finish_run(db.session, run, error=message, status=CANCELLED)
    enqueue_push_inventory(run.store_id, reason="after an interrupted push")


def _run_now(job) -> None:
    """Move a scheduled retry onto its queue now (also when no worker runs a scheduler)."""
    target = queue(job.origin)
    ScheduledJobRegistry(queue=target).remove(job)
    target.enqueue_job(job)


def _clean_started_jobs(now: datetime) -> None:
    """Let RQ settle jobs whose worker stopped heartbeating (what worker maintenance does)."""
    for name in QUEUES:
        registry = StartedJobRegistry(name, connection=redis_connection(), serializer=SERIALIZER)
        registry.cleanup(timestamp=now.timestamp())


def _requeue(run: SyncRun, *, why: str = "was abandoned by its worker") -> None:
    """Enqueue `import-<run>` again; a run's id, not its old job, decides what runs."""
    log.warning("run %s (store %s) %s; enqueueing it again", run.id, run.store_id, why)
    enqueue_import(run)


def enqueue_full_pushes(now: datetime) -> list[int]:
    """Enqueue the daily full inventory push for stores that sync inventory."""
    cutoff = now - FULL_PUSH_EVERY
    due = db.session.execute(
        select(JoorConnection.store_id, JoorConnection.last_full_push_at).where(
            JoorConnection.sync_inventory.is_(True),
            JoorConnection.status == STATUS_CONNECTED,
            JoorConnection.token_encrypted.is_not(None),
            or_(
                JoorConnection.last_full_push_at.is_(None),
                JoorConnection.last_full_push_at < cutoff,
            ),
        )
    ).all()
    pushed = []
    for store_id, last_full_push_at in due:
        if awaits_confirmation(db.session, get_connection(db.session, store_id), cutoff):
            continue  # its Overwrite waits for a person's yes: one failed run a day says so
        if claim(full_push_attempt(store_id), FULL_PUSH_RETRY_SECONDS):
            if last_full_push_at is None:  # Sync Inventory just turned on, say
                enqueue_full_push(store_id, created_by="automatic", trigger=FIRST_FULL_PUSH)
            else:
                enqueue_full_push(store_id, created_by="daily full push", trigger=DAILY_FULL_PUSH)
            pushed.append(store_id)
    return pushed
