"""Asking a worker to talk to JOOR for the connection: check a submitted token, probe the API.

The job bodies live in `jobs.orders.verify_connection` and `jobs.probing.probe_connection`;
they are named here by dotted path, so the web process never imports `jobs`.
"""

from __future__ import annotations

from rq.job import Job

from webapp.extensions import db
from webapp.sync.connection.state import get_connection
from webapp.sync.queues import DEFAULT, enqueue_once, fetch_job, is_active

FAILURE_TTL = 24 * 3600
PROBE_TIMEOUT = 180  # three calls, each within JOOR_TIMEOUT


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


def probe_job_id(store_id: int) -> str:
    """The probe job's id: one waiting or running per store."""
    return f"probe-{store_id}"


def enqueue_probe(store_id: int) -> Job | None:
    """Enqueue the store's probe unless one is waiting or running."""
    job, _ = enqueue_once(
        DEFAULT,
        "jobs.probing.probe_connection",
        probe_job_id(store_id),
        args=(store_id,),
        job_timeout=PROBE_TIMEOUT,
        result_ttl=600,
        failure_ttl=3600,
    )
    return job


def probe_pending(store_id: int) -> bool:
    """Whether the store's probe is waiting for a worker or running."""
    return is_active(fetch_job(probe_job_id(store_id)))
