"""Overwrite: one call per warehouse, what the snapshot leaves out is dropped, with consent."""

# Fixtures come from inventory_push_support; test arguments name them on purpose.
# ruff: noqa: F811

from __future__ import annotations

from sqlalchemy import select

from tests.factories import make_item
from tests.jobs.inventory_push_support import (  # noqa: F401 - fixtures
    configure,
    joor_app,
    joor_store,
    push,
    sim,
    sim_pushes,
    sim_stock,
    skus,
)
from webapp.extensions import db
from webapp.models import InventoryItem, PushedStock


def _seed(store, skus, count: int) -> list[InventoryItem]:
    """Items for `count` catalogue UPCs, pushed once in Update mode so JOOR holds them."""
    items = [make_item(store, sku["upc"], stock=3 + n) for n, sku in enumerate(skus[:count])]
    assert push(store).counts["passed"] == count
    return items


def test_overwrite_drops_what_the_snapshot_leaves_out(sim, skus, joor_store):
    items = _seed(joor_store, skus, 6)
    db.session.delete(items[0])
    db.session.commit()
    configure(joor_store, inventory_mode="overwrite")

    summary = push(joor_store)

    assert summary.status == "succeeded", summary.error
    assert skus[0]["upc"] not in sim_stock(sim)
    assert sim_stock(sim) == {sku["upc"]: 3 + n for n, sku in enumerate(skus[:6]) if n}
    last = sim_pushes(sim)[-1]
    assert last["overwrite"] is True and len(last["items"]) == 5
    dropped = db.session.scalar(
        select(PushedStock).where(PushedStock.identifier_key == f"upc:{skus[0]['upc']}")
    )
    assert dropped.quantity == 0 and summary.counts["dropped"] == 1


def test_overwrite_is_one_call_whatever_the_batch_size(sim, skus, joor_store):
    for sku in skus[:5]:
        make_item(joor_store, sku["upc"], stock=1)
    configure(joor_store, inventory_mode="overwrite")

    push(joor_store, batch_size=2)

    pushes = sim_pushes(sim)
    assert len(pushes) == 1 and len(pushes[0]["items"]) == 5 and pushes[0]["overwrite"] is True


def test_overwrite_sends_the_full_snapshot_even_when_nothing_changed(sim, skus, joor_store):
    _seed(joor_store, skus, 3)
    configure(joor_store, inventory_mode="overwrite")

    summary = push(joor_store)

    assert summary.counts["sent"] == 3 and len(sim_pushes(sim)[-1]["items"]) == 3


def test_dropping_more_than_a_fifth_of_styles_needs_confirmation(sim, skus, joor_store):
    items = _seed(joor_store, skus, 4)
    before = sim_stock(sim)
    for item in items[:2]:
        item.item_metadata = {"skip_joor": "1"}
    db.session.commit()
    configure(joor_store, inventory_mode="overwrite")

    refused = push(joor_store)

    assert refused.status == "failed"
    assert refused.error == (
        "This Overwrite would drop 2 of 4 styles in JOOR; "
        "confirm it on the panel or run `joor push --yes`."
    )
    assert len(sim_pushes(sim)) == 1 and sim_stock(sim) == before

    confirmed = push(joor_store, confirmed=True)

    assert confirmed.status == "succeeded"
    assert set(sim_stock(sim)) == {skus[2]["upc"], skus[3]["upc"]}


def test_dropping_a_fifth_or_less_goes_ahead_unasked(sim, skus, joor_store):
    items = _seed(joor_store, skus, 5)
    db.session.delete(items[4])
    db.session.commit()
    configure(joor_store, inventory_mode="overwrite")

    summary = push(joor_store)

    assert summary.status == "succeeded" and len(sim_stock(sim)) == 4


def test_dropped_skus_are_not_counted_as_held_by_the_next_overwrite(sim, skus, joor_store):
    items = _seed(joor_store, skus, 5)
    db.session.delete(items[4])
    db.session.commit()
    configure(joor_store, inventory_mode="overwrite")
    push(joor_store)
    db.session.delete(items[3])
    db.session.commit()

    # JOOR now holds 4 styles; dropping one more is a quarter of them, so it asks.
    summary = push(joor_store)

    assert summary.status == "failed" and "drop 1 of 4 styles" in summary.error
