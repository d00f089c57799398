"""Helpers for inventory push tests: settings, a push, what JOOR holds (fixtures: push.py)."""

from __future__ import annotations

from typing import Any

import requests
from rq import SimpleWorker
from rq.registry import ScheduledJobRegistry
from sqlalchemy import select

from joorsim.testing import RunningSimulator
from webapp.extensions import db
from webapp.models import Store, SyncEvent, SyncRun
from webapp.sync.connection.clients import factory_from_app
from webapp.sync.connection.settings import Actor, apply_settings
from webapp.sync.connection.state import get_connection
from webapp.sync.push.service import PushSummary, create_push_run, run_push
from webapp.sync.queues import DEFAULT, SERIALIZER, fetch_job, queue

FAST_CLIENT = {"backoff_base": 0.01, "backoff_cap": 0.05, "max_retries": 3}
STYLE_TEMPLATES = {
    "style_number": "{{ item.metadata.style_number }}",
    "style_identifier": "{{ item.metadata.style_identifier }}",
    "color_code": "{{ item.metadata.color_code }}",
    "size": "{{ item.metadata.size }}",
}


def configure(store: Store, **changes: str) -> None:
    """Apply panel settings as the command line would."""
    conn = get_connection(db.session, store.id)
    apply_settings(db.session, conn, changes, Actor("test"))


def push(store: Store, **options: Any) -> PushSummary:
    """Run one push in-process, as the CLI does."""
    from flask import current_app

    run = create_push_run(db.session, store.id, trigger="test", full=options.get("full", False))
    return run_push(db.session, factory_from_app(current_app), run.id, **options)


def sim_stock(sim: RunningSimulator, warehouse: str = "Default") -> dict[str, int]:
    """What JOOR holds for the warehouse, by UPC."""
    url = f"{sim.root_url}/_sim/inventory"
    items = requests.get(url, params={"warehouse": warehouse}, timeout=5).json()["items"]
    return {item["upc"]: item["inventory"] for item in items}


def sim_pushes(sim: RunningSimulator) -> list[dict[str, Any]]:
    """Every bulk-inventory call the simulator received."""
    return requests.get(f"{sim.root_url}/_sim/pushes", timeout=5).json()["pushes"]


def set_faults(sim: RunningSimulator, **faults: Any) -> None:
    """Turn simulator faults on."""
    requests.post(f"{sim.root_url}/_sim/faults", json=faults, timeout=5).raise_for_status()


def events(run_id: int, outcome: str | None = None) -> list[SyncEvent]:
    """The run's events, optionally one outcome only, in order."""
    query = select(SyncEvent).where(SyncEvent.run_id == run_id).order_by(SyncEvent.id)
    if outcome:
        query = query.where(SyncEvent.outcome == outcome)
    return list(db.session.scalars(query))


def style_metadata(sku: dict[str, Any], **extra: str) -> dict[str, str]:
    """Item metadata carrying a catalogue SKU's four style fields."""
    fields = ("style_number", "style_identifier", "color_code", "size")
    return {**{name: sku[name] for name in fields}, **extra}


def work(app) -> None:
    """Run every queued job in-process, then stop."""
    redis = app.extensions["redis"]
    SimpleWorker([queue(DEFAULT, redis)], connection=redis, serializer=SERIALIZER).work(burst=True)


def release_scheduled(app) -> int:
    """Move the debounced (scheduled) jobs onto their queue now, as the scheduler would later."""
    q = queue(DEFAULT, app.extensions["redis"])
    registry = ScheduledJobRegistry(queue=q)
    ids = registry.get_job_ids()
    for job_id in ids:
        q.enqueue_job(fetch_job(job_id))
        registry.remove(job_id)
    return len(ids)


def runs(store) -> list[SyncRun]:
    """The store's runs as the database holds them now, oldest first."""
    db.session.expire_all()
    query = select(SyncRun).where(SyncRun.store_id == store.id).order_by(SyncRun.id)
    return list(db.session.scalars(query))
