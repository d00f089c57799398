"""The inventory push job: one push of a store's stock under a SyncRun, retried by RQ.

Enqueued by `webapp.sync.push.enqueue` (debounced pushes, full pushes, pushes after a
connect). A push finding another one sending, or its share of JOOR's credits spent, comes back
later on the same run; a failure RQ will retry shows the run as retrying (jobs.retries).
"""

from __future__ import annotations

import logging
import math

from rq import get_current_job
from rq.job import Job

from jobs.overwrite_count import count_overwrite_ahead
from jobs.retries import note_retry
from jobs.runtime import app_context, redis_connection
from webapp.extensions import db
from webapp.sync.claims import release
from webapp.sync.connection.clients import factory_from_app
from webapp.sync.push.credits import PushWaitingError
from webapp.sync.push.enqueue import PUSH_RETRY, push_later
from webapp.sync.push.reasons import items_of, why_of
from webapp.sync.push.service import PushBusyError, create_push_run, run_push
from webapp.sync.push.waits import note_waiting, take_joined

log = logging.getLogger(__name__)
# A push finding another one sending comes back this long after (it waited a minute already).
BUSY_RETRY_SECONDS = 30


def push_inventory(
    store_id: int,
    trigger: str = "stock changed",
    full: bool = False,
    confirmed: bool = False,
    run_id: int | None = None,
) -> dict:
    """Push the store's stock to JOOR under a SyncRun; return the run's summary."""
    with app_context() as app:
        job = get_current_job()
        if job is not None:
            # The enqueue claim only guards the moment of enqueueing; once this job runs, RQ's
            # status answers duplicates, and a later Push now must not wait for the claim.
            release(job.id)
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
            push_later(store_id, kwargs, BUSY_RETRY_SECONDS)
            return {"run_id": run_id, "status": "waiting for the store's other push"}
        except PushWaitingError as waiting:
            # Orders come first: step aside until the share has room; changes join it then.
            job_id = push_later(store_id, kwargs, math.ceil(waiting.seconds), "credits")
            note_waiting(redis_connection(), store_id, job_id, math.ceil(waiting.seconds))
            return {"run_id": run_id, "status": "waiting for JOOR credits"}
        except Exception:
            note_retry(db.session, run_id)  # RQ tries again: the run says when
            raise
        count_overwrite_ahead(app, store_id)
        return summary.to_json()


def _run_of_job(job: Job | None, store_id: int, trigger: str, full: bool, confirmed: bool) -> int:
    """The run a job records on: the one this job's earlier attempt made, or a new one.

    Only RQ's retry reuses the run. An id is reused only once its last job ended (see
    _next_push_id), and with all its retries left a job never takes a run id left in meta.
    """
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
