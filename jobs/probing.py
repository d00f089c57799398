"""The Connection details' *Check again*: `joor probe` run by a worker, one at a time per store."""

from __future__ import annotations

from rq.job import Job

from jobs.runtime import ACTIVE, DEFAULT, app_context, enqueue_once, fetch_job
from webapp.extensions import db
from webapp.sync.connection.probing import probe_store
from webapp.sync.connection.state import factory_from_app

PROBE_TIMEOUT = 180  # three calls, each within JOOR_TIMEOUT


def probe_job_id(store_id: int) -> str:
    """The probe job's id: one waiting or running per store."""
    return f"probe-{store_id}"


def probe_connection(store_id: int) -> dict:
    """Probe the store's JOOR account and keep what was found on its connection."""
    with app_context() as app:
        result = probe_store(db.session, factory_from_app(app), store_id)
        return {"store_id": store_id, "orders_path": result.get("orders_path")}


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
    job = fetch_job(probe_job_id(store_id))
    return job is not None and job.get_status(refresh=False) in ACTIVE
