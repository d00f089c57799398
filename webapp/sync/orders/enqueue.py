"""Asking a worker to import orders: scheduled polls, manual imports, retries, one order again.

Job ids are deterministic: `poll-<store>-<minute>` (the minute bucket means one failed poll
never blocks the next), `import-<run>`. Imports retry up to three times (10 s, 1 min, 5 min;
the import is idempotent). Jobs are named by dotted path, so the web process never imports
`jobs`; the job bodies live in `jobs.orders`.
"""

from __future__ import annotations

import logging
from datetime import date, datetime

from rq import Retry
from rq.job import Job, JobStatus

from webapp.clock import now_epoch, utcnow
from webapp.extensions import db, get_redis
from webapp.models import Order, SyncRun
from webapp.models.sync import KIND_FETCH, KIND_INVENTORY, KIND_MANUAL
from webapp.sync.claims import claim, holder, release
from webapp.sync.orders.cancelling import cancel_import
from webapp.sync.orders.importing import create_fetch_run, create_manual_run, create_retry_run
from webapp.sync.orders.polling import active_import, active_imports
from webapp.sync.queues import (
    ACTIVE,
    DEFAULT,
    POLLING,
    Enqueued,
    come_back_later,
    enqueue_once,
    fetch_job,
)

log = logging.getLogger(__name__)
POLL_JOB = "jobs.orders.poll_orders"
IMPORT_JOB = "jobs.orders.import_orders"
IMPORT_RETRY = Retry(max=3, interval=[10, 60, 300])
IMPORT_TIMEOUT = 3 * 3600
FAILURE_TTL = 24 * 3600
# A poll job not yet started; the mark only outlives a job Redis lost by this long.
WAITING = ACTIVE - {JobStatus.STARTED}
POLL_WAITING_SECONDS = 24 * 3600
BUSY_RETRY_SECONDS = 30
# Two clicks on Import within this long make one run (the second finds the first's).
DOUBLE_CLICK_SECONDS = 10


def poll_job_id(store_id: int, now: datetime) -> str:
    """Return the poll's id for this minute: ticks in the same minute share it."""
    return f"poll-{store_id}-{int(now.timestamp() // 60)}"


def poll_waiting(store_id: int) -> str:
    """The claim naming the store's poll job that no worker has started yet."""
    return f"poll-waiting-{store_id}"


def enqueue_poll_orders(store_id: int, *, now: datetime | None = None) -> Job | None:
    """Enqueue a poll of the store; return it, or the earlier poll still waiting for a worker.

    A poll covers everything since the watermark, so a second one queued behind the first
    would only repeat it: while no worker runs, polls never stack up.
    """
    earlier = fetch_job(holder(poll_waiting(store_id)) or "")
    if earlier is not None and earlier.get_status(refresh=False) in WAITING:
        return earlier
    job, _ = enqueue_once(
        POLLING,
        POLL_JOB,
        poll_job_id(store_id, now or utcnow()),
        args=(store_id,),
        job_timeout=IMPORT_TIMEOUT,
        failure_ttl=FAILURE_TTL,
        result_ttl=3600,
    )
    if job is not None:
        release(poll_waiting(store_id))  # the mark of a poll that ran or was lost
        claim(poll_waiting(store_id), POLL_WAITING_SECONDS, value=job.id)
    return job


def enqueue_import(run: SyncRun) -> Job | None:
    """Enqueue `import-<run_id>` (once) and note the job on the run."""
    job_id = f"import-{run.id}"
    job, _ = enqueue_once(
        DEFAULT,
        IMPORT_JOB,
        job_id,
        args=(run.id,),
        retry=IMPORT_RETRY,
        job_timeout=IMPORT_TIMEOUT,
        failure_ttl=FAILURE_TTL,
        result_ttl=3600,
    )
    if run.job_id != job_id:
        run.job_id = job_id
        db.session.commit()
    return job


def enqueue_import_later(run_id: int) -> None:
    """Come back to a run whose store is busy; the id carries a time bucket so it is unique."""
    bucket = int(now_epoch() // BUSY_RETRY_SECONDS)
    come_back_later(
        run_id,
        IMPORT_JOB,
        f"import-{run_id}-wait-{bucket}",
        BUSY_RETRY_SECONDS,
        args=(run_id,),
        retry=IMPORT_RETRY,
        job_timeout=IMPORT_TIMEOUT,
        failure_ttl=FAILURE_TTL,
    )
    log.info("run %s: store busy; trying again in %ss", run_id, BUSY_RETRY_SECONDS)


def enqueue_manual_import(store_id: int, since: date, created_by: str = "") -> Enqueued:
    """Create a queued manual run and enqueue it; or give the store's active manual import.

    A poll under way does not stop it: the new run waits for the store lock, then covers the
    merchant's dates. Two clicks at once both make a run; the one whose claim wins is kept,
    and the other click is handed that run (no request ever waits for another).
    """
    session = db.session
    active = active_import(session, store_id, (KIND_MANUAL,))
    if active is not None:
        return Enqueued(active, created=False)
    run = create_manual_run(session, store_id, since, created_by=created_by)
    name = f"manual-import-{store_id}"
    if not claim(name, DOUBLE_CLICK_SECONDS, value=str(run.id)):
        first = session.get(SyncRun, int(holder(name) or 0))
        if first is not None and not first.is_finished:
            session.delete(run)
            session.commit()
            return Enqueued(first, created=False)
    enqueue_import(run)
    return Enqueued(run, created=True)


def enqueue_retry_failed(run_id: int, created_by: str = "") -> SyncRun | None:
    """Create and enqueue a run re-importing only the orders that failed in run_id."""
    run = db.session.get(SyncRun, run_id)
    if run is None or run.kind == KIND_INVENTORY:
        return None
    retry = create_retry_run(db.session, run, created_by=created_by)
    if retry is not None:
        enqueue_import(retry)
    return retry


def enqueue_fetch_order(order: Order, created_by: str = "") -> Enqueued:
    """Enqueue reading one order again from JOOR; or give that order's fetch under way."""
    for run in active_imports(db.session, order.store_id, (KIND_FETCH,)):
        if (run.params or {}).get("fetch") == order.id:
            return Enqueued(run, created=False)  # a second click: one credit, not two
    run = create_fetch_run(db.session, order, created_by=created_by)
    enqueue_import(run)
    return Enqueued(run, created=True)


def cancel_import_run(run: SyncRun, who: str) -> str:
    """Stop a queued or running import (see orders.cancelling); drop its waiting job."""
    job_id = run.job_id
    words = cancel_import(db.session, get_redis(), run, who)
    job = fetch_job(job_id) if job_id and run.is_finished else None
    if job is not None and job.get_status(refresh=False) in {JobStatus.QUEUED, JobStatus.SCHEDULED}:
        job.cancel()  # a worker taking it anyway would find the run finished
    return words
