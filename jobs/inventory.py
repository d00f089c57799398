"""Inventory push jobs and their enqueue helpers."""

from __future__ import annotations

import logging
from datetime import timedelta

from flask import current_app
from rq.job import Job

from jobs.runtime import DEFAULT, fetch_job, queue, redis_connection

log = logging.getLogger(__name__)
PUSH_JOB = "jobs.inventory.push_inventory"


def push_job_id(store_id: int) -> str:
    """Return the deterministic id of a store's pending push."""
    return f"push:{store_id}"


def enqueue_push_inventory(store_id: int, *, reason: str = "stock changed") -> Job | None:
    """Schedule one push for the store a few seconds from now; later calls join it (debounce).

    Many stock changes within the debounce window (a CSV upload, an API batch) make one push.
    Returns None when the store does not sync inventory, so nothing is queued for it.
    """
    if not _store_syncs_inventory(store_id):
        return None
    conn = redis_connection()
    job_id = push_job_id(store_id)
    existing = fetch_job(job_id, conn)
    if existing is not None and existing.get_status(refresh=False) in {"scheduled", "queued"}:
        return existing
    # The claim spans the debounce window: concurrent callers see one scheduled push.
    delay = current_app.config["PUSH_DEBOUNCE_SECONDS"]
    if not conn.set(f"joorsync:claim:{job_id}", "1", nx=True, ex=max(1, delay)):
        return fetch_job(job_id, conn)
    log.info("push for store %s scheduled in %ss (%s)", store_id, delay, reason)
    return queue(DEFAULT, conn).enqueue_in(
        timedelta(seconds=delay),
        PUSH_JOB,
        args=(store_id,),
        kwargs={"trigger": reason},
        job_id=job_id,
        job_timeout=1800,
        failure_ttl=3600,
    )


def _store_syncs_inventory(store_id: int) -> bool:
    """Tell whether the store has a JOOR connection with Sync Inventory on."""
    from sqlalchemy import select

    from webapp.extensions import db
    from webapp.models import JoorConnection

    conn = db.session.scalar(select(JoorConnection).where(JoorConnection.store_id == store_id))
    return bool(conn and conn.is_connected and conn.sync_inventory)
