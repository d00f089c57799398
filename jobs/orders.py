"""Order import jobs (scheduled polls, manual imports, connection checks) and their enqueue helpers.

Job ids are deterministic: `poll-<store>-<minute>` (the minute bucket means one failed poll
never blocks the next), `import-<run>`, `verify-<store>-<submitted>`. Imports retry up to
three times (10 s, 1 min, 5 min; the import is idempotent), and between attempts the run shows
as retrying with its error and when the next attempt comes (jobs.retries); a refused token or
a setup problem is not retried, since a retry cannot fix it.
"""

from __future__ import annotations

import logging
import time
from datetime import date, datetime

from rq import Retry
from rq.job import Job, JobStatus, get_current_job

from jobs.retries import note_retry
from jobs.runtime import (
    ACTIVE,
    DEFAULT,
    POLLING,
    app_context,
    come_back_later,
    enqueue_once,
    fetch_job,
    redis_connection,
)
from webapp.extensions import db
from webapp.joor import JoorAuthError, JoorBadRequestError, JoorConfigError, JoorPagingError
from webapp.models import SyncRun
from webapp.models.base import utcnow
from webapp.models.sync import KIND_FETCH, KIND_MANUAL
from webapp.sync.connection.state import factory_from_app, get_connection
from webapp.sync.locks import lock_holder
from webapp.sync.orders.importing import (
    ImportSetupError,
    StoreBusyError,
    create_fetch_run,
    create_manual_run,
    create_retry_run,
    import_run,
)
from webapp.sync.orders.polling import active_import, active_imports, create_poll_run

log = logging.getLogger(__name__)

IMPORT_RETRY = Retry(max=3, interval=[10, 60, 300])
IMPORT_TIMEOUT = 3 * 3600
FAILURE_TTL = 24 * 3600
# A manual import waits this long for a running poll of its store, then tries again later.
LOCK_WAIT_SECONDS = 60
# A poll job not yet started; the mark only outlives a job Redis lost by this long.
WAITING = ACTIVE - {JobStatus.STARTED}
POLL_WAITING_SECONDS = 24 * 3600
BUSY_RETRY_SECONDS = 30
# A retry cannot fix these; JOOR's pages not adding up would only repeat.
NOT_RETRIED = (
    JoorAuthError,
    JoorBadRequestError,
    JoorConfigError,
    JoorPagingError,
    ImportSetupError,
)


def summary(run: SyncRun) -> dict:
    """The run's outcome as plain values (the job's result)."""
    return {"run_id": run.id, "status": run.status, "counts": dict(run.counts or {})}


def _current_job_id() -> str:
    job = get_current_job()
    return job.id if job else ""


def _stop_retries() -> None:
    """Tell RQ not to retry the current job (a refused token stays refused)."""
    job = get_current_job()
    if job is not None:
        job.retries_left = 0


def poll_orders(store_id: int) -> dict:
    """Poll JOOR for the store's orders modified since its watermark (skip if an import runs)."""
    with app_context() as app:
        session, redis = db.session, app.extensions["redis"]
        redis_connection().delete(_poll_waiting_key(store_id))  # the next tick may queue one
        conn = get_connection(session, store_id)
        if not (conn.is_connected and conn.status == "connected" and conn.poll_minutes):
            return {"store_id": store_id, "skipped": "polling is off or the store is not connected"}
        if lock_holder(redis, store_id) is not None:
            return {"store_id": store_id, "skipped": "another import is running"}
        run = create_poll_run(session, store_id, conn)
        try:
            import_run(session, factory_from_app(app), redis, run.id, job_id=_current_job_id())
        except StoreBusyError:
            session.delete(run)  # never started: the poll simply did not happen
            session.commit()
            return {"store_id": store_id, "skipped": "another import is running"}
        except NOT_RETRIED:
            _stop_retries()
            raise
        return summary(run)


def import_orders(run_id: int) -> dict:
    """Run (or resume) an import run; wait for a running poll, or come back later."""
    with app_context() as app:
        session, redis = db.session, app.extensions["redis"]
        try:
            run = import_run(
                session,
                factory_from_app(app),
                redis,
                run_id,
                wait=LOCK_WAIT_SECONDS,
                job_id=_current_job_id(),
            )
        except StoreBusyError:
            _enqueue_import_later(run_id)
            return {"run_id": run_id, "status": "waiting for the store's other import"}
        except NOT_RETRIED:
            _stop_retries()
            raise
        except Exception:
            note_retry(session, run_id)
            raise
        return summary(run)


def verify_connection(store_id: int) -> dict:
    """Check the token the merchant submitted and connect with it if JOOR accepts it."""
    from jobs.inventory import push_after_connect
    from webapp.sync.connection.verification import verify_pending_token

    with app_context() as app, push_after_connect(store_id):
        conn = verify_pending_token(db.session, factory_from_app(app), store_id)
        return {"store_id": store_id, "status": conn.status}


def poll_job_id(store_id: int, now: datetime) -> str:
    """Return the poll's id for this minute: ticks in the same minute share it."""
    return f"poll-{store_id}-{int(now.timestamp() // 60)}"


def enqueue_poll_orders(store_id: int, *, now: datetime | None = None) -> Job | None:
    """Enqueue a poll of the store; return it, or the earlier poll still waiting for a worker.

    A poll covers everything since the watermark, so a second one queued behind the first
    would only repeat it: while no worker runs, polls never stack up.
    """
    redis = redis_connection()
    waiting = redis.get(_poll_waiting_key(store_id))
    earlier = fetch_job(waiting.decode(), redis) if waiting else None
    if earlier is not None and earlier.get_status(refresh=False) in WAITING:
        return earlier
    job, _ = enqueue_once(
        POLLING,
        "jobs.orders.poll_orders",
        poll_job_id(store_id, now or utcnow()),
        args=(store_id,),
        job_timeout=IMPORT_TIMEOUT,
        failure_ttl=FAILURE_TTL,
        result_ttl=3600,
    )
    if job is not None:
        redis.set(_poll_waiting_key(store_id), job.id, ex=POLL_WAITING_SECONDS)
    return job


def _poll_waiting_key(store_id: int) -> str:
    """The Redis key naming the store's poll job that no worker has started yet."""
    return f"joorsync:poll-waiting:{store_id}"


def enqueue_import(run: SyncRun) -> Job | None:
    """Enqueue `import-<run_id>` (once) and note the job on the run."""
    job_id = f"import-{run.id}"
    job, _ = enqueue_once(
        DEFAULT,
        "jobs.orders.import_orders",
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


def _enqueue_import_later(run_id: int) -> None:
    """Come back to a run whose store is busy; the id carries a time bucket so it is unique."""
    bucket = int(time.time() // BUSY_RETRY_SECONDS)
    come_back_later(
        run_id,
        "jobs.orders.import_orders",
        f"import-{run_id}-wait-{bucket}",
        BUSY_RETRY_SECONDS,
        args=(run_id,),
        retry=IMPORT_RETRY,
        job_timeout=IMPORT_TIMEOUT,
        failure_ttl=FAILURE_TTL,
    )
    log.info("run %s: store busy; trying again in %ss", run_id, BUSY_RETRY_SECONDS)


def enqueue_manual_import(store_id: int, since: date, created_by: str = "") -> SyncRun:
    """Create a queued manual run and enqueue it; or return the store's active manual import.

    The returned run carries `already_running`: True when it is a manual import already
    queued or running, so the panel can say so instead of starting another. A poll under way
    does not stop it: the new run waits for the store lock, then covers the merchant's dates.
    """
    session = db.session
    active = _active_or_claim(store_id)
    if active is not None:
        active.already_running = True
        return active
    run = create_manual_run(session, store_id, since, created_by=created_by)
    enqueue_import(run)
    run.already_running = False
    return run


def _active_or_claim(store_id: int) -> SyncRun | None:
    """Return the store's active manual import, or claim the right to start one (double clicks)."""
    redis = redis_connection()
    for _ in range(20):
        active = active_import(db.session, store_id, (KIND_MANUAL,))
        if active is not None:
            return active
        if redis.set(f"joorsync:claim:manual-import:{store_id}", "1", nx=True, ex=5):
            return None
        time.sleep(0.1)  # the other click is creating its run right now
        db.session.expire_all()
    return active_import(db.session, store_id, (KIND_MANUAL,))


def enqueue_verify_connection(store_id: int) -> Job | None:
    """Enqueue the check of the store's pending token (one job per submitted token)."""
    conn = get_connection(db.session, store_id)
    submitted = int(conn.pending_since.timestamp()) if conn.pending_since else 0
    job, _ = enqueue_once(
        DEFAULT,
        "jobs.orders.verify_connection",
        f"verify-{store_id}-{submitted}",
        args=(store_id,),
        job_timeout=300,
        failure_ttl=FAILURE_TTL,
        result_ttl=600,
    )
    return job


def enqueue_retry_failed(run_id: int, created_by: str = "") -> SyncRun | None:
    """Create and enqueue a run re-importing only the orders that failed in run_id."""
    run = db.session.get(SyncRun, run_id)
    if run is None or run.kind == "inventory":
        return None
    retry = create_retry_run(db.session, run, created_by=created_by)
    if retry is not None:
        enqueue_import(retry)
    return retry


def enqueue_fetch_order(order, created_by: str = "") -> SyncRun:
    """Enqueue reading one order again from JOOR; or return that order's fetch under way."""
    for run in active_imports(db.session, order.store_id, (KIND_FETCH,)):
        if (run.params or {}).get("fetch") == order.id:
            return run  # a second click while the first fetch waits: one credit, not two
    run = create_fetch_run(db.session, order, created_by=created_by)
    enqueue_import(run)
    return run


def cancel_import_run(run: SyncRun, who: str) -> str:
    """Stop a queued or running import (see sync.orders.cancelling); drop its waiting job."""
    from webapp.sync.orders.cancelling import cancel_import

    job_id = run.job_id
    words = cancel_import(db.session, redis_connection(), run, who)
    job = fetch_job(job_id) if job_id and run.is_finished else None
    if job is not None and job.get_status(refresh=False) in {JobStatus.QUEUED, JobStatus.SCHEDULED}:
        job.cancel()  # a worker taking it anyway would find the run finished
    return words
