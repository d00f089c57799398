"""Inventory pushes against the JOOR simulator: what lands, what stays out, what is retried."""

from __future__ import annotations

from sqlalchemy import select

from tests.factories import make_item
from tests.jobs.inventory_push_support import (
    STYLE_TEMPLATES,
    configure,
    events,
    push,
    sim_pushes,
    sim_stock,
    style_metadata,
)
from webapp.extensions import db
from webapp.models import PushedStock, SyncRun
from webapp.sync.push.service import NOTHING_TO_SEND


def pushed_quantities(store) -> dict[str, int | None]:
    rows = db.session.scalars(select(PushedStock).where(PushedStock.store_id == store.id))
    return {row.identifier_key: row.quantity for row in rows}


def test_upc_push_lands_the_quantities_in_joor(push_sim, push_skus, joor_store):
    for sku, stock in zip(push_skus[:3], (7, 0, 12), strict=True):
        make_item(joor_store, sku["upc"], stock=stock)

    summary = push(joor_store)

    assert summary.status == "succeeded", summary.error
    assert (summary.counts["sent"], summary.counts["passed"], summary.counts["failed"]) == (3, 3, 0)
    assert sim_stock(push_sim) == {
        push_skus[0]["upc"]: 7,
        push_skus[1]["upc"]: 0,
        push_skus[2]["upc"]: 12,
    }
    assert pushed_quantities(joor_store) == {
        f"upc:{push_skus[0]['upc']}": 7,
        f"upc:{push_skus[1]['upc']}": 0,
        f"upc:{push_skus[2]['upc']}": 12,
    }
    assert [e.outcome for e in events(summary.run_id)] == ["passed"] * 3


def test_style_push_lands_the_quantities_in_joor(push_sim, push_skus, joor_store):
    configure(joor_store, identifier="style", **STYLE_TEMPLATES)
    make_item(joor_store, "shirt-a", stock=4, metadata=style_metadata(push_skus[0]))
    make_item(joor_store, "shirt-b", stock=9, metadata=style_metadata(push_skus[5]))

    summary = push(joor_store)

    assert summary.status == "succeeded", summary.error
    assert sim_stock(push_sim) == {push_skus[0]["upc"]: 4, push_skus[5]["upc"]: 9}
    sent = sim_pushes(push_sim)[-1]["items"]
    assert sent[0] == {"warehouse": "Default", **style_metadata(push_skus[0]), "inventory": 4}


def test_skip_push_and_skip_joor_items_never_reach_joor(push_sim, push_skus, joor_store):
    make_item(joor_store, push_skus[0]["upc"], stock=3)
    make_item(joor_store, push_skus[1]["upc"], stock=3, metadata={"skip_push": "1"})
    make_item(joor_store, push_skus[2]["upc"], stock=3, metadata={"skip_joor": "1"})

    summary = push(joor_store, full=True)

    sent_upcs = {item["upc"] for p in sim_pushes(push_sim) for item in p["items"]}
    assert sent_upcs == {push_skus[0]["upc"]}
    assert sim_stock(push_sim) == {push_skus[0]["upc"]: 3}
    assert summary.counts["skipped"] == 2
    assert summary.skipped_by_reason == {"skip_push": 1, "skip_joor": 1}
    reasons = {e.subject: e.reason for e in events(summary.run_id, "skipped")}
    assert "skip_push is set" in reasons[push_skus[1]["upc"]]
    assert "push to JOOR" in reasons[push_skus[2]["upc"]]


def test_update_after_one_stock_change_sends_one_sku(push_sim, push_skus, joor_store):
    items = [make_item(joor_store, sku["upc"], stock=5) for sku in push_skus[:4]]
    push(joor_store)
    items[2].stock = 11
    db.session.commit()

    summary = push(joor_store)

    assert summary.counts["sent"] == 1
    assert sim_pushes(push_sim)[-1]["items"] == [
        {"warehouse": "Default", "upc": push_skus[2]["upc"], "inventory": 11}
    ]
    assert sim_stock(push_sim)[push_skus[2]["upc"]] == 11


def test_update_with_nothing_changed_sends_nothing(push_sim, push_skus, joor_store):
    make_item(joor_store, push_skus[0]["upc"], stock=5)
    push(joor_store)

    summary = push(joor_store)

    assert summary.status == "succeeded" and summary.counts["sent"] == 0
    assert summary.notice == NOTHING_TO_SEND
    assert len(sim_pushes(push_sim)) == 1
    assert push(joor_store, full=True).notice == ""  # it sends everything again


def test_full_push_in_update_mode_resends_everything_and_notes_the_time(
    push_sim, push_skus, joor_store
):
    for sku in push_skus[:3]:
        make_item(joor_store, sku["upc"], stock=2)
    push(joor_store)
    assert joor_store_connection(joor_store).last_full_push_at is None

    summary = push(joor_store, full=True)

    assert summary.counts["sent"] == 3
    run = db.session.get(SyncRun, summary.run_id)
    assert run.started_at <= joor_store_connection(joor_store).last_full_push_at <= run.finished_at


def joor_store_connection(store):
    from webapp.sync.connection.state import get_connection

    db.session.expire_all()
    return get_connection(db.session, store.id)


def test_update_batches_within_the_credit_budget(push_sim, push_skus, joor_store):
    for sku in push_skus[:5]:
        make_item(joor_store, sku["upc"], stock=1)

    summary = push(joor_store, batch_size=2)

    assert [len(p["items"]) for p in sim_pushes(push_sim)] == [2, 2, 1]
    run = db.session.get(SyncRun, summary.run_id)
    assert run.credits_used == 15 and (run.done, run.total) == (5, 5)
