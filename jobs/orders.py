"""Order jobs: scheduled polls, manual imports and one order again, and token checks.

They are enqueued by `webapp.sync.orders.enqueue` and `webapp.sync.connection.enqueue`.
Between attempts a run shows as retrying with its error and when the next attempt comes
(jobs.retries); a refused token or a setup problem is not retried: a retry cannot fix it.
"""

from __future__ import annotations

import logging

from rq.job import get_current_job

from jobs.retries import note_retry
from jobs.runtime import app_context
from webapp.extensions import db
from webapp.joor import JoorAuthError, JoorBadRequestError, JoorConfigError, JoorPagingError
from webapp.models import SyncRun
from webapp.sync.claims import release
from webapp.sync.connection.clients import factory_from_app
from webapp.sync.connection.state import get_connection
from webapp.sync.connection.verification import verify_pending_token
from webapp.sync.locks import lock_holder
from webapp.sync.orders.enqueue import enqueue_import_later, poll_waiting
from webapp.sync.orders.importing import ImportSetupError, StoreBusyError, import_run
from webapp.sync.orders.polling import create_poll_run
from webapp.sync.push.enqueue import push_after_connect

log = logging.getLogger(__name__)

# A manual import waits this long for a running poll of its store, then tries again later.
LOCK_WAIT_SECONDS = 60
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
        release(poll_waiting(store_id))  # the next tick may queue one
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
            enqueue_import_later(run_id)
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
    with app_context() as app, push_after_connect(store_id):
        conn = verify_pending_token(db.session, factory_from_app(app), store_id)
        return {"store_id": store_id, "status": conn.status}
