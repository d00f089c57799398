"""A stock change made while a push is sending: pushed afterwards, on a run of its own."""

from __future__ import annotations

from tests.factories import make_item
from tests.jobs.inventory_push_support import release_scheduled, runs, set_faults, sim_stock, work
from webapp.extensions import db
from webapp.models import InventoryItem
from webapp.sync.push.enqueue import enqueue_push_inventory


def edit_while_the_first_run_sends(monkeypatch, item_id: int, store_id: int) -> None:
    """Have the merchant edit stock after the first run planned, before it sent, once."""
    import webapp.sync.push.service as inventory_push

    send_plan = inventory_push.send_plan
    edited = []

    def send_while_the_merchant_edits(session, client, run, plan, stamp, **kwargs):
        if not edited:
            edited.append(run.id)
            db.session.get(InventoryItem, item_id).stock = 42
            db.session.commit()
            enqueue_push_inventory(store_id, reason="edited meanwhile")
        return send_plan(session, client, run, plan, stamp, **kwargs)

    monkeypatch.setattr(inventory_push, "send_plan", send_while_the_merchant_edits)


def test_a_change_made_while_a_push_sends_is_pushed_on_a_run_of_its_own(
    push_sim, push_skus, joor_app, joor_store, monkeypatch
):
    item = make_item(joor_store, push_skus[0]["upc"], stock=1)
    edit_while_the_first_run_sends(monkeypatch, item.id, joor_store.id)
    enqueue_push_inventory(joor_store.id)
    assert release_scheduled(joor_app) == 1
    work(joor_app)
    assert release_scheduled(joor_app) == 1
    work(joor_app)
    assert sim_stock(push_sim) == {push_skus[0]["upc"]: 42}
    first, second = runs(joor_store)
    assert (first.status, first.attempts, first.counts.get("sent")) == ("succeeded", 1, 1)
    assert (second.status, second.attempts, second.counts.get("sent")) == ("succeeded", 1, 1)
    assert second.params["trigger"] == "edited meanwhile"


def test_a_change_made_while_a_retried_push_sends_is_pushed_on_a_run_of_its_own(
    push_sim, push_skus, joor_app, joor_store, monkeypatch
):
    item = make_item(joor_store, push_skus[0]["upc"], stock=1)
    set_faults(push_sim, error_rate=1.0)
    enqueue_push_inventory(joor_store.id)
    release_scheduled(joor_app)
    work(joor_app)  # JOOR fails: RQ schedules the job's retry
    set_faults(push_sim, error_rate=0.0)
    edit_while_the_first_run_sends(monkeypatch, item.id, joor_store.id)

    assert release_scheduled(joor_app) == 1  # the retry, on the first run
    work(joor_app)
    assert release_scheduled(joor_app) == 1  # the push of the edit
    work(joor_app)

    assert sim_stock(push_sim) == {push_skus[0]["upc"]: 42}
    first, second = runs(joor_store)
    assert (first.status, first.attempts, first.counts.get("sent")) == ("succeeded", 2, 1)
    assert (second.status, second.attempts, second.counts.get("sent")) == ("succeeded", 1, 1)
    assert second.params["trigger"] == "edited meanwhile"
