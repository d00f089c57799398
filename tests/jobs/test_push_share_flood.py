"""Orders come first: a flood of stock edits never makes a scheduled import wait for credits."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
import requests

from jobs import orders as order_jobs
from joorsim.testing import RunningSimulator, running_simulator
from tests.factories import make_item
from tests.jobs.push_credit_support import TOKEN, window_index
from webapp.extensions import db
from webapp.joor import RedisCreditBudget, account_key_for
from webapp.models import SyncRun
from webapp.sync.connection import clients as connection
from webapp.sync.connection.clients import factory_from_app
from webapp.sync.connection.settings import Actor, apply_settings
from webapp.sync.connection.state import connect, get_connection
from webapp.sync.push.credits import PushWaitingError
from webapp.sync.push.service import create_push_run, run_push

FLOOD_ITEMS = 30


class WaitedForCreditsError(Exception):
    """A call had to wait for JOOR's credit window: what orders must never do behind pushes."""


@pytest.fixture
def sim(app) -> Iterator[RunningSimulator]:
    # JOOR's own limit off: its window starts at the first call, not on our clock's boundary,
    # so this test counts on our shared budget and on the calls the simulator received.
    with running_simulator(orders=600, seed=7, lines_per_order=2, days=5, rate_limit=False) as s:
        app.config["JOOR_LOCAL_URL"] = s.base_url
        app.config["JOOR_CLIENT_OPTIONS"] = {"backoff_base": 0.01, "backoff_cap": 0.05}
        yield s


@pytest.fixture
def waits(monkeypatch) -> list[float]:
    """Every wait any JOOR client asks its budget for; the wait itself is refused."""
    waited: list[float] = []

    def refuse(seconds: float) -> None:
        waited.append(seconds)
        raise WaitedForCreditsError(f"waited {seconds:.1f}s for JOOR credits")

    def budget(redis, account_key):
        return RedisCreditBudget(redis, account_key, sleep=refuse)

    monkeypatch.setattr(connection, "RedisCreditBudget", budget)
    return waited


def _flood(app, store_id: int, share_spent: threading.Event, stop: threading.Event, out: dict):
    """Edit one stock count after another, pushing after each, until told to stop."""
    from webapp.models import InventoryItem

    with app.app_context():
        factory = factory_from_app(app)
        n = 0
        while not stop.is_set() and n < 400:
            item = db.session.get(InventoryItem, 1 + n % FLOOD_ITEMS)
            item.stock += 1
            db.session.commit()
            run = create_push_run(db.session, store_id, trigger=f"stock of {item.code} edited")
            try:
                run_push(db.session, factory, run.id, explicit=False)
                out["sent"] += 1
            except PushWaitingError:
                out["waited"] += 1
                share_spent.set()
            except Exception as exc:  # noqa: BLE001 - reported by the test
                out["errors"].append(repr(exc))
                share_spent.set()
                return
            n += 1
        db.session.remove()


def test_a_scheduled_import_never_waits_behind_a_flood_of_pushes(app, store, sim, waits):
    connect(db.session, factory_from_app(app), store.id, TOKEN, "local")
    settings = {"order_type": "all_but_cancelled", "sync_inventory": "on",
                "warehouse": "Default", "inventory_mode": "update", "push_share": "60"}  # fmt: skip
    apply_settings(db.session, get_connection(db.session, store.id), settings,
                   Actor("test"))  # fmt: skip
    catalogue = requests.get(f"{sim.root_url}/_sim/catalog", timeout=5).json()["skus"]
    for sku in catalogue[:FLOOD_ITEMS]:
        make_item(store, sku["upc"], stock=1)
    budget = RedisCreditBudget(app.extensions["redis"], account_key_for(TOKEN))
    start, checked = window_index(app), budget.usage().used  # the token's check
    share_spent, stop = threading.Event(), threading.Event()
    out: dict = {"sent": 0, "waited": 0, "errors": []}
    flood = threading.Thread(target=_flood, args=(app, store.id, share_spent, stop, out))
    flood.start()
    try:
        assert share_spent.wait(timeout=120), "the pushes never used up their share"

        result = order_jobs.poll_orders(store.id)  # while the pushes go on being asked for
    finally:
        stop.set()
        flood.join(timeout=120)

    if window_index(app) != start:
        pytest.skip("a JOOR credit window ended mid-test; its counts are not comparable")
    assert out["errors"] == [] and waits == []
    run = db.session.get(SyncRun, result["run_id"])
    assert run.status == "succeeded" and run.counts.get("imported", 0) > 0
    push_calls = requests.get(f"{sim.root_url}/_sim/pushes", timeout=5).json()["pushes"]
    assert len(push_calls) * 5 <= 180 and out["waited"] > 0
    assert budget.usage().used == checked + len(push_calls) * 5 + run.credits_used
