"""A push waiting for JOOR credits: where to find it, and the changes that join it meanwhile."""

from __future__ import annotations

from collections.abc import Collection

from redis import Redis
from rq.job import Job, JobStatus

from webapp.sync.push.reasons import WHY_KEY, items_of, note_why, why_of
from webapp.sync.queues import fetch_job

WAITING_KEY = "joorsync:push-waiting:{}"  # store id -> the job id of its push waiting for credits
# Kept past the wait, so a push that comes back late is still found and joined.
WAITING_MARGIN_SECONDS = 600


def note_waiting(conn: Redis, store_id: int, job_id: str, seconds: int) -> None:
    """Remember the job that carries the store's waiting push, for changes to join."""
    conn.set(WAITING_KEY.format(store_id), job_id, ex=seconds + WAITING_MARGIN_SECONDS)


def join_waiting(
    conn: Redis, store_id: int, reason: str, items: Collection[str] | None
) -> Job | None:
    """Add a change to the store's push waiting for credits; None when no push waits.

    The waiting push plans when it goes, so it sends this change too; noting it here puts
    the change among the run's reasons instead of queueing another push to wait beside it.
    """
    raw = conn.get(WAITING_KEY.format(store_id))
    job = fetch_job(raw.decode(), conn) if raw else None
    if job is None or job.get_status(refresh=False) != JobStatus.SCHEDULED:
        return None
    note_why(conn, job.id, reason, items)
    return job


def forget_waiting(conn: Redis, store_id: int, job_id: str) -> None:
    """The waiting push has started: later changes make a push of their own."""
    key = WAITING_KEY.format(store_id)
    raw = conn.get(key)
    if raw is not None and raw.decode() == job_id:
        conn.delete(key)


def merge_joined(conn: Redis, job_id: str, params: dict) -> dict:
    """The run's params with the changes that joined it while it waited (unchanged if none)."""
    if not conn.exists(WHY_KEY.format(job_id)):
        return params
    joined = why_of(conn, job_id, "")
    items = items_of(conn, job_id)
    merged = {**params, "trigger": f"{params.get('trigger', '')}; while it waited: {joined}"}
    if items is None or "items" not in params:
        merged.pop("items", None)  # a change that named no items: any item may matter
    else:
        merged["items"] = sorted({*params["items"], *items})
    return merged


def take_joined(conn: Redis, store_id: int, job_id: str, run_id: int) -> None:
    """Start a push that waited for credits: later changes queue their own; joined ones count."""
    from webapp.extensions import db
    from webapp.models import SyncRun

    forget_waiting(conn, store_id, job_id)
    run = db.session.get(SyncRun, run_id)
    merged = merge_joined(conn, job_id, run.params or {})
    if merged is not run.params:
        run.params = merged
        db.session.commit()
