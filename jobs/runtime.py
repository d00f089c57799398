"""What every job needs: the app context, the Redis connection and JSON-serialised queues."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from datetime import timedelta
from functools import cache

from flask import Flask, current_app, has_app_context
from redis import Redis
from rq import Queue
from rq.job import Job, JobStatus
from rq.serializers import JSONSerializer

POLLING = "polling"
DEFAULT = "default"
# Polling is listed first so a long import on `default` never starves scheduled polls.
QUEUES = (POLLING, DEFAULT)
SERIALIZER = JSONSerializer
ACTIVE = {JobStatus.QUEUED, JobStatus.STARTED, JobStatus.DEFERRED, JobStatus.SCHEDULED}


@cache
def _process_app() -> Flask:
    """Build this process's app once (worker horses inherit it across fork)."""
    from webapp import create_app

    return create_app()


def get_app() -> Flask:
    """Return the active app (tests push their own) or this process's app."""
    return current_app._get_current_object() if has_app_context() else _process_app()


@contextlib.contextmanager
def app_context() -> Iterator[Flask]:
    """Run a job body inside an app context, reusing one that is already active."""
    if has_app_context():
        yield current_app._get_current_object()
        return
    app = _process_app()
    with app.app_context():
        yield app


def redis_connection() -> Redis:
    """Return the app's Redis connection."""
    return get_app().extensions["redis"]


def queue(name: str, connection: Redis | None = None) -> Queue:
    """Return a queue that serialises jobs as JSON (never pickle)."""
    return Queue(name, connection=connection or redis_connection(), serializer=SERIALIZER)


def fetch_job(job_id: str, connection: Redis | None = None) -> Job | None:
    """Return the job with this id, or None when RQ no longer has it."""
    try:
        return Job.fetch(job_id, connection=connection or redis_connection(), serializer=SERIALIZER)
    except Exception:  # noqa: BLE001 - rq raises NoSuchJobError or a deserialisation error
        return None


def come_back_later(run_id: int, func: str, job_id: str, seconds: int, **opts) -> Job:
    """Enqueue `func` in `seconds` under a new id and note that job on the run (committed).

    For a run whose store is busy: the clock finds the job it waits on, not a lost one.
    """
    from webapp.extensions import db
    from webapp.models import SyncRun

    job = queue(DEFAULT).enqueue_in(timedelta(seconds=seconds), func, job_id=job_id, **opts)
    run = db.session.get(SyncRun, run_id)
    run.job_id = job.id
    db.session.commit()
    return job


def enqueue_once(
    queue_name: str, func: str, job_id: str, *, args: tuple = (), claim_seconds: int = 60, **opts
) -> tuple[Job | None, bool]:
    """Enqueue `func` under a deterministic id unless that job is already waiting or running.

    Returns (job, created). A short Redis claim makes two callers racing on the same id
    (two clocks, a double click) enqueue it once; RQ alone would run a re-enqueued id twice.
    """
    conn = redis_connection()
    existing = fetch_job(job_id, conn)
    if existing is not None and existing.get_status(refresh=False) in ACTIVE:
        return existing, False
    if not conn.set(f"joorsync:claim:{job_id}", "1", nx=True, ex=claim_seconds):
        return fetch_job(job_id, conn), False
    job = queue(queue_name, conn).enqueue(func, args=args, job_id=job_id, **opts)
    return job, True
