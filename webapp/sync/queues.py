"""The job queues: their names, JSON serialisation, and enqueueing a job once.

The web process enqueues through here (by dotted path, so it never imports `jobs`); workers
use the same names. Jobs are serialised as JSON, never pickle.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from redis import Redis
from rq import Queue
from rq.job import Job, JobStatus
from rq.serializers import JSONSerializer

from webapp.extensions import db, get_redis
from webapp.models import SyncRun
from webapp.sync.claims import claim

POLLING = "polling"
DEFAULT = "default"
# Polling is listed first so a long import on `default` never starves scheduled polls.
QUEUES = (POLLING, DEFAULT)
SERIALIZER = JSONSerializer
ACTIVE = {JobStatus.QUEUED, JobStatus.STARTED, JobStatus.DEFERRED, JobStatus.SCHEDULED}


@dataclass(frozen=True)
class Enqueued:
    """What asking for a run gave: its run, and whether it is new or one already under way."""

    run: SyncRun
    created: bool

    def __iter__(self):
        """Unpack as (run, created)."""
        return iter((self.run, self.created))


def queue(name: str, connection: Redis | None = None) -> Queue:
    """Return a queue that serialises jobs as JSON (never pickle)."""
    return Queue(name, connection=connection or get_redis(), serializer=SERIALIZER)


def fetch_job(job_id: str, connection: Redis | None = None) -> Job | None:
    """Return the job with this id, or None when RQ no longer has it."""
    try:
        return Job.fetch(job_id, connection=connection or get_redis(), serializer=SERIALIZER)
    except Exception:  # noqa: BLE001 - rq raises NoSuchJobError or a deserialisation error
        return None


def is_active(job: Job | None) -> bool:
    """Tell whether a job is waiting or running (not finished, failed or gone)."""
    return job is not None and job.get_status(refresh=False) in ACTIVE


def enqueue_once(
    queue_name: str, func: str, job_id: str, *, args: tuple = (), claim_seconds: int = 60, **opts
) -> tuple[Job | None, bool]:
    """Enqueue `func` under a deterministic id unless that job is already waiting or running.

    Returns (job, created). A short claim makes two callers racing on the same id (two
    clocks, a double click) enqueue it once; RQ alone would run a re-enqueued id twice.
    """
    conn = get_redis()
    existing = fetch_job(job_id, conn)
    if is_active(existing):
        return existing, False
    if not claim(job_id, claim_seconds, redis=conn):
        return fetch_job(job_id, conn), False
    job = queue(queue_name, conn).enqueue(func, args=args, job_id=job_id, **opts)
    return job, True


def come_back_later(run_id: int, func: str, job_id: str, seconds: int, **opts) -> Job:
    """Enqueue `func` in `seconds` under a new id and note that job on the run (committed).

    For a run whose store is busy: the clock finds the job it waits on, not a lost one.
    """
    job = queue(DEFAULT).enqueue_in(timedelta(seconds=seconds), func, job_id=job_id, **opts)
    run = db.session.get(SyncRun, run_id)
    run.job_id = job.id
    db.session.commit()
    return job
