"""Every dialect of JOOR's answers, end to end: connect, import, rerun, retry, Update, Overwrite.

One simulator serves the whole module and switches dialect per test (``/_sim/dialect``); jobs
run in this process (a burst SimpleWorker, or the service the job calls). Each dialect must
bring every order exactly once, put every push verdict in the log, and be named by the probe.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta

import pytest
import requests
from rq import SimpleWorker
from sqlalchemy import select

from joorsim.testing import RunningSimulator, behind_by_a_minute, running_simulator
from tests.conftest import login
from tests.factories import make_item
from tests.jobs.order_support import (
    TOKEN,
    duplicate_source_ids,
    fresh_run,
    order_count,
    use_simulator,
    window_total,
)
from webapp.crypto import encrypt
from webapp.extensions import db
from webapp.models import SyncEvent
from webapp.models.base import utcnow
from webapp.sync.connection import enqueue as connection_enqueue
from webapp.sync.connection.clients import factory_from_app
from webapp.sync.connection.probing import probe_store
from webapp.sync.connection.settings import Actor, apply_settings
from webapp.sync.connection.state import get_connection
from webapp.sync.orders import enqueue as order_enqueue
from webapp.sync.push.service import create_push_run, run_push
from webapp.sync.queues import DEFAULT, POLLING, SERIALIZER, queue

SINCE = date.today() - timedelta(days=10)
BROKEN = {"item_upc": "9", "item_quantity": "x", "item_price": "1"}  # not a quantity
UNKNOWN_UPC = "000000000000"
# What each dialect must be found to speak: orders path, paging, wrapper, and (from the probe's
# empty window, when it had a call left) how "no orders" looks.
EXPECTED = {
    "reference": ("/orders", "offset", "orders", "orders"),
    "order-path": ("/order/", "offset", "orders", "orders"),
    "bare-list": ("/orders", "offset", "bare-list", "bare-list"),
    "page-number": ("/orders", "page-numbers", "orders", "orders"),
    "next-key": ("/orders", "next-key", "orders", "orders"),
    "inventory-container": ("/orders", "offset", "orders", "orders"),
    "empty-null": ("/orders", "offset", "orders", "orders:null"),
    "account-overwrite": ("/orders", "offset", "orders", "orders"),
    "fraction-dates": ("/orders", "offset", "orders", "orders"),
}


@pytest.fixture(scope="module")
def sim() -> Iterator[RunningSimulator]:
    """1,000 orders of one line over five days; dialect and state reset per test."""
    # JOOR's clock a minute behind: the fix of a broken order falls inside the retry's window
    # even when it comes within the second the order was added.
    options = {"orders": 1000, "seed": 7, "lines_per_order": 1, "days": 5}
    with running_simulator(**options, clock=behind_by_a_minute) as running:
        yield running


@pytest.fixture
def dialect_sim(app, sim, request) -> RunningSimulator:
    requests.post(f"{sim.root_url}/_sim/reset", timeout=5).raise_for_status()
    answer = requests.post(
        f"{sim.root_url}/_sim/dialect", json={"dialect": request.param}, timeout=5
    )
    answer.raise_for_status()
    use_simulator(app, sim)
    return sim


def work(app) -> None:
    """Run every queued job in this process, as a worker would."""
    redis = app.extensions["redis"]
    queues = [queue(POLLING, redis), queue(DEFAULT, redis)]
    SimpleWorker(queues, connection=redis, serializer=SERIALIZER).work(burst=True)


def connect_by_panel(app, store) -> None:
    """What the Connect button does: keep the token pending, a worker checks it."""
    conn = get_connection(db.session, store.id)
    conn.pending_token_encrypted = encrypt(app.extensions["token_cipher"], TOKEN)
    conn.pending_environment, conn.pending_since, conn.status = "local", utcnow(), "checking"
    db.session.commit()
    connection_enqueue.enqueue_verify_connection(store.id)
    work(app)
    db.session.expire_all()


def configure(store, **changes: str) -> None:
    apply_settings(db.session, get_connection(db.session, store.id), changes, Actor("test"))


def import_once(app, store):
    run = order_enqueue.enqueue_manual_import(store.id, SINCE).run
    work(app)
    return fresh_run(run.id)


def push(app, store, **options):
    run = create_push_run(db.session, store.id, trigger="test", full=options.get("full", False))
    return run_push(db.session, factory_from_app(app), run.id, **options)


def fix_broken_orders(sim: RunningSimulator, order_ids: list[str]) -> None:
    """Correct the orders in JOOR (modified now), as a merchant would after the failure."""
    with sim.state.lock:
        for order_id in order_ids:
            header = sim.state.book.by_id[int(order_id)]
            header.explicit["line_items"][0]["item_quantity"] = "2"
            sim.state.touch_order(int(order_id))


def verdicts(run_id: int) -> list[SyncEvent]:
    query = select(SyncEvent).where(SyncEvent.run_id == run_id, SyncEvent.outcome != "skipped")
    return list(db.session.scalars(query))


@pytest.mark.parametrize("dialect_sim", list(EXPECTED), indirect=True)
def test_every_dialect_connects_imports_once_and_pushes(app, store, dialect_sim):
    sim, dialect = dialect_sim, dialect_sim.state.dialect.name
    path, paging, wrapper, empty = EXPECTED[dialect]
    broken = sim.state.add_orders(orders=[{"line_items": [dict(BROKEN)]} for _ in range(2)])
    expected = window_total(sim)

    connect_by_panel(app, store)
    conn = get_connection(db.session, store.id)
    assert conn.status == "connected" and conn.wire_dialect["orders_path"] == path
    configure(store, order_type="all_but_cancelled", warehouse="Default", sync_inventory="on")

    first = import_once(app, store)
    assert first.status == "succeeded", first.error
    assert first.counts == {"imported": expected - 2, "failed": 2}
    assert order_count(store.id) == expected - 2 and duplicate_source_ids(store.id) == 0
    db.session.refresh(conn)
    assert (conn.wire_dialect["orders_path"], conn.wire_dialect["paging"]) == (path, paging)

    again = import_once(app, store)
    assert again.counts == {"already_present": expected - 2, "failed": 2}
    assert order_count(store.id) == expected - 2

    fix_broken_orders(sim, broken)
    retry = order_enqueue.enqueue_retry_failed(first.id)
    work(app)
    assert fresh_run(retry.id).counts == {"imported": 2}
    assert order_count(store.id) == expected and duplicate_source_ids(store.id) == 0

    skus = sim.state.catalog_skus()
    for n, sku in enumerate(skus[:10]):
        make_item(store, sku["upc"], stock=3 + n)
    make_item(store, UNKNOWN_UPC, stock=1)  # JOOR refuses it: a small share, still done
    update = push(app, store)
    assert update.status == "succeeded", update.error
    assert (update.counts["sent"], update.counts["passed"], update.counts["failed"]) == (11, 10, 1)
    logged = verdicts(update.run_id)
    assert len(logged) == 11 and all(event.reason for event in logged)
    assert [e.reason for e in logged if e.outcome == "failed"] == [f"unknown upc: {UNKNOWN_UPC}"]

    sim.state.push_inventory([{"warehouse": "Secondary", "upc": skus[20]["upc"], "inventory": 4}])
    configure(store, inventory_mode="overwrite")
    overwrite = push(app, store, full=True, confirmed=True)
    assert overwrite.status == "succeeded", overwrite.error
    assert len(verdicts(overwrite.run_id)) == 11
    held = {item["upc"]: item["inventory"] for item in sim.state.read_inventory("Default")}
    assert held == {sku["upc"]: 3 + n for n, sku in enumerate(skus[:10])}
    secondary = sim.state.read_inventory("Secondary")
    assert len(secondary) == (0 if dialect == "account-overwrite" else 1)
    page = login(app, store.users[0].email).get(f"/integrations/joor/runs/{overwrite.run_id}")
    assert "replaces the inventory for the account" in page.get_data(as_text=True)

    found = probe_store(db.session, factory_from_app(app), store.id)
    assert len(found["calls"]) <= 3 and found["problems"] == []
    assert (found["orders_path"], found["paging"], found["wrapper"]) == (path, paging, wrapper)
    assert found.get("empty_answer") == empty
    assert found["date_form"] == ("fraction" if dialect == "fraction-dates" else "plain")
    container = "inventory_log.inventory_item" if dialect == "inventory-container" else None
    assert found["inventory_answer"] == (container or "inventory_log")
