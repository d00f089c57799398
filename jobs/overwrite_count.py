"""The panel's Overwrite warning, counted by a worker (planning every item takes seconds)."""

from __future__ import annotations

import logging

from jobs.runtime import DEFAULT, app_context, enqueue_once

log = logging.getLogger(__name__)


def count_overwrite(store_id: int) -> dict:
    """Count what the store's next Overwrite would drop, for the panel's warning to read."""
    with app_context() as app:
        count_overwrite_ahead(app, store_id)
        return {"store_id": store_id}


def enqueue_overwrite_count(store_id: int) -> None:
    """Have a worker count the Overwrite warning (planning every item takes seconds at 100k)."""
    enqueue_once(
        DEFAULT,
        "jobs.overwrite_count.count_overwrite",
        f"overwrite-count-{store_id}",
        args=(store_id,),
        claim_seconds=5,  # a count wanted again (settings changed since) is queued soon after
        job_timeout=600,
        result_ttl=0,
        failure_ttl=3600,
    )


def count_overwrite_ahead(app, store_id: int) -> None:
    """Refresh the panel's Overwrite counts now, in the worker, rather than on the next view."""
    from webapp.extensions import db
    from webapp.sync.connection.state import get_connection
    from webapp.sync.push.overwrite_preview import warm_for_connection

    try:
        conn = get_connection(db.session, store_id)
        warm_for_connection(db.session, app.extensions["redis"], conn)
    except Exception:  # noqa: BLE001 - a courtesy to the panel; the push itself is done
        db.session.rollback()
        log.warning("store %s: Overwrite warning not counted ahead", store_id, exc_info=True)
