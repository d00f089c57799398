"""The panel's Overwrite warning, counted by a worker (planning every item takes seconds).

Enqueued by `webapp.sync.push.enqueue.enqueue_overwrite_count`, and run after each push.
"""

from __future__ import annotations

import logging

from jobs.runtime import app_context
from webapp.extensions import db
from webapp.sync.connection.state import get_connection
from webapp.sync.push.overwrite_preview import warm_for_connection

log = logging.getLogger(__name__)


def count_overwrite(store_id: int) -> dict:
    """Count what the store's next Overwrite would drop, for the panel's warning to read."""
    with app_context() as app:
        count_overwrite_ahead(app, store_id)
        return {"store_id": store_id}


def count_overwrite_ahead(app, store_id: int) -> None:
    """Refresh the panel's Overwrite counts now, in the worker, rather than on the next view."""
    try:
        conn = get_connection(db.session, store_id)
        warm_for_connection(db.session, app.extensions["redis"], conn)
    except Exception:  # noqa: BLE001 - a courtesy to the panel; the push itself is done
        db.session.rollback()
        log.warning("store %s: Overwrite warning not counted ahead", store_id, exc_info=True)
