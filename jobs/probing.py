"""The Connection details' *Check again*: `joor probe` run by a worker, one at a time per store.

Enqueued by `webapp.sync.connection.enqueue.enqueue_probe`.
"""

from __future__ import annotations

from jobs.runtime import app_context
from webapp.extensions import db
from webapp.sync.connection.clients import factory_from_app
from webapp.sync.connection.probing import probe_store


def probe_connection(store_id: int) -> dict:
    """Probe the store's JOOR account and keep what was found on its connection."""
    with app_context() as app:
        result = probe_store(db.session, factory_from_app(app), store_id)
        return {"store_id": store_id, "orders_path": result.get("orders_path")}
