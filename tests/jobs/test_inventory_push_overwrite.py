"""Overwrite: the snapshot replaces JOOR's stock, what it leaves out is dropped, with consent."""

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
from webapp.models import InventoryItem, PushedStock
from webapp.sync.push.service import EMPTY_OVERWRITE


def _seed(store, push_skus, count: int) -> list[InventoryItem]:
    """Items for `count` catalogue UPCs, sent by a first Overwrite the merchant confirmed."""
    items = [make_item(store, sku["upc"], stock=3 + n) for n, sku in enumerate(push_skus[:count])]
    configure(store, inventory_mode="overwrite")
    assert push(store, confirmed=True).counts["passed"] == count
    return items


def test_overwrite_drops_what_the_snapshot_leaves_out(push_sim, push_skus, joor_store):
    items = _seed(joor_store, push_skus, 6)
    db.session.delete(items[0])
    db.session.commit()
    configure(joor_store, inventory_mode="overwrite")

    summary = push(joor_store)

    assert summary.status == "succeeded", summary.error
    assert push_skus[0]["upc"] not in sim_stock(push_sim)
    assert sim_stock(push_sim) == {sku["upc"]: 3 + n for n, sku in enumerate(push_skus[:6]) if n}
    last = sim_pushes(push_sim)[-1]
    assert last["overwrite"] is True and len(last["items"]) == 5
    dropped = db.session.scalar(
        select(PushedStock).where(PushedStock.identifier_key == f"upc:{push_skus[0]['upc']}")
    )
    assert dropped.quantity == 0 and summary.counts["dropped"] == 1


def test_a_snapshot_over_a_batch_replaces_with_its_first_call_and_adds_the_rest(
    push_sim, push_skus, joor_store
):
    push_sim.state.push_inventory(
        [{"warehouse": "Default", "upc": push_skus[9]["upc"], "inventory": 8}]
    )
    for n, sku in enumerate(push_skus[:5]):
        make_item(joor_store, sku["upc"], stock=1 + n)
    configure(joor_store, inventory_mode="overwrite")

    summary = push(joor_store, batch_size=2, confirmed=True)

    calls = [(p["overwrite"], len(p["items"])) for p in sim_pushes(push_sim)[1:]]
    assert calls == [(True, 2), (False, 2), (False, 1)]
    # JOOR holds exactly the snapshot, as one call carrying it all would have left it.
    assert sim_stock(push_sim) == {sku["upc"]: 1 + n for n, sku in enumerate(push_skus[:5])}
    assert summary.counts["sent"] == 5 and summary.counts["dropped"] == 0


def test_once_joor_holds_the_snapshot_an_unchanged_catalogue_sends_nothing(
    push_sim, push_skus, joor_store
):
    _seed(joor_store, push_skus, 3)
    calls = len(sim_pushes(push_sim))

    summary = push(joor_store)

    assert summary.status == "succeeded" and summary.counts["sent"] == 0
    assert len(sim_pushes(push_sim)) == calls

    full = push(joor_store, full=True)

    assert full.counts["sent"] == 3
    assert (
        sim_pushes(push_sim)[-1]["overwrite"] is True
        and len(sim_pushes(push_sim)[-1]["items"]) == 3
    )


def test_dropping_more_than_a_fifth_of_skus_needs_confirmation(push_sim, push_skus, joor_store):
    items = _seed(joor_store, push_skus, 4)
    before = sim_stock(push_sim)
    for item in items[:2]:
        item.item_metadata = {"skip_joor": "1"}
    db.session.commit()
    configure(joor_store, inventory_mode="overwrite")

    refused = push(joor_store)

    assert refused.status == "awaiting_confirmation"
    assert refused.error == (
        "Nothing was sent: this Overwrite would drop 2 of the 4 SKUs this store has pushed to "
        "JOOR. Confirm it with Push inventory now on the panel, or run `joor push --yes`."
    )
    assert len(sim_pushes(push_sim)) == 1 and sim_stock(push_sim) == before

    confirmed = push(joor_store, confirmed=True)

    assert confirmed.status == "succeeded"
    assert set(sim_stock(push_sim)) == {push_skus[2]["upc"], push_skus[3]["upc"]}
    reasons = [e.reason for e in events(confirmed.run_id, "skipped")]
    assert (
        reasons
        == [
            "skip_joor is set: this item is kept out of the push to JOOR; "
            "not in the Overwrite snapshot, so JOOR holds none of it"
        ]
        * 2
    )


def test_dropping_a_fifth_or_less_goes_ahead_unasked(push_sim, push_skus, joor_store):
    items = _seed(joor_store, push_skus, 5)
    db.session.delete(items[4])
    db.session.commit()
    configure(joor_store, inventory_mode="overwrite")

    summary = push(joor_store)

    assert summary.status == "succeeded" and len(sim_stock(push_sim)) == 4


def test_dropped_skus_are_not_counted_as_held_by_the_next_overwrite(
    push_sim, push_skus, joor_store
):
    items = _seed(joor_store, push_skus, 5)
    db.session.delete(items[4])
    db.session.commit()
    configure(joor_store, inventory_mode="overwrite")
    push(joor_store)
    db.session.delete(items[3])
    db.session.commit()

    # JOOR now holds 4 SKUs; dropping one more is a quarter of them, so it asks.
    summary = push(joor_store)

    assert summary.status == "awaiting_confirmation" and "drop 1 of the 4 SKUs" in summary.error


def test_overwrite_keeps_joors_count_for_items_it_cannot_tell_apart(
    push_sim, push_skus, joor_store
):
    configure(joor_store, identifier="style", **STYLE_TEMPLATES)
    make_item(joor_store, "shirt-a", stock=4, metadata=style_metadata(push_skus[0]))
    second = make_item(joor_store, "shirt-b", stock=6, metadata=style_metadata(push_skus[1]))
    assert push(joor_store).counts["passed"] == 2
    # A copy of shirt-a's identifier: which of the two holds the stock is unknown now.
    make_item(joor_store, "shirt-a-copy", stock=9, metadata=style_metadata(push_skus[0]))
    second.stock = 2
    db.session.commit()
    configure(joor_store, inventory_mode="overwrite")

    summary = push(joor_store, confirmed=True)

    assert summary.status == "succeeded", summary.error
    assert sim_stock(push_sim) == {push_skus[0]["upc"]: 4, push_skus[1]["upc"]: 2}
    assert sim_pushes(push_sim)[-1]["overwrite"] is True
    assert summary.counts["dropped"] == 0
    kept = db.session.scalar(
        select(PushedStock).where(PushedStock.item_code == "shirt-a", PushedStock.quantity == 4)
    )
    assert kept is not None
    reasons = {e.subject: e.reason for e in events(summary.run_id, "failed")}
    assert set(reasons) == {"shirt-a", "shirt-a-copy"}
    assert all(r.endswith("none of them is sent; JOOR keeps the 4 it holds for it")
               for r in reasons.values())  # fmt: skip


def test_overwrite_keeps_joors_count_for_an_item_whose_template_renders_empty(
    push_sim, push_skus, joor_store
):
    configure(joor_store, identifier="style", **STYLE_TEMPLATES)
    lost = make_item(joor_store, "shirt-a", stock=4, metadata=style_metadata(push_skus[0]))
    make_item(joor_store, "shirt-b", stock=6, metadata=style_metadata(push_skus[1]))
    assert push(joor_store).counts["passed"] == 2
    # The merchant deletes the item's size by mistake: its Size template renders empty.
    lost.item_metadata = {k: v for k, v in style_metadata(push_skus[0]).items() if k != "size"}
    db.session.commit()
    configure(joor_store, inventory_mode="overwrite")

    summary = push(joor_store, confirmed=True)

    assert summary.status == "succeeded", summary.error
    assert sim_stock(push_sim) == {push_skus[0]["upc"]: 4, push_skus[1]["upc"]: 6}  # nothing wiped
    assert summary.counts["dropped"] == 0
    (skipped,) = events(summary.run_id, "skipped")
    assert skipped.subject == "shirt-a"
    assert skipped.reason == (
        "Size is empty for this item, so JOOR cannot identify it; JOOR keeps the 4 it holds for it"
    )


def test_an_overwrite_with_nothing_in_it_is_never_sent(push_sim, push_skus, joor_store):
    items = _seed(joor_store, push_skus, 2)
    before = sim_stock(push_sim)
    for item in items:
        item.item_metadata = {"skip_joor": "1"}
    db.session.commit()
    configure(joor_store, inventory_mode="overwrite")

    summary = push(joor_store, confirmed=True)

    assert summary.status == "failed"
    assert summary.error == EMPTY_OVERWRITE.format(warehouse="Default")
    assert len(sim_pushes(push_sim)) == 1 and sim_stock(push_sim) == before
    assert [e.outcome for e in events(summary.run_id)] == ["skipped", "skipped"]


def test_the_first_overwrite_to_a_warehouse_waits_for_a_persons_yes(
    push_sim, push_skus, joor_store
):
    # JOOR's stock cannot be read: what it holds from elsewhere would be set to zero unseen.
    push_sim.state.push_inventory(
        [{"warehouse": "Default", "upc": push_skus[5]["upc"], "inventory": 8}]
    )
    make_item(joor_store, push_skus[0]["upc"], stock=2)
    configure(joor_store, inventory_mode="overwrite")

    automatic = push(joor_store)

    # Not a failure: nothing went wrong, and a person's yes is what it waits for.
    assert automatic.status == "awaiting_confirmation"
    assert automatic.error.startswith(
        "Nothing was sent: this would be the first Overwrite from this store to the Default "
        "warehouse, and JOOR's stock there cannot be read"
    )
    assert sim_stock(push_sim) == {push_skus[5]["upc"]: 8}

    confirmed = push(joor_store, confirmed=True)

    assert confirmed.status == "succeeded", confirmed.error
    assert sim_stock(push_sim) == {push_skus[0]["upc"]: 2}
    assert push(joor_store).status == "succeeded"  # the next ones go out by themselves


def test_an_overwrite_of_only_the_counts_joor_keeps_is_never_sent(push_sim, push_skus, joor_store):
    configure(joor_store, identifier="style", **STYLE_TEMPLATES)
    make_item(joor_store, "shirt-a", stock=4, metadata=style_metadata(push_skus[0]))
    assert push(joor_store).counts["passed"] == 1
    # Its identifier is copied: the item JOOR holds stock for can no longer be told apart.
    make_item(joor_store, "shirt-a-copy", stock=9, metadata=style_metadata(push_skus[0]))
    configure(joor_store, inventory_mode="overwrite")
    before = len(sim_pushes(push_sim))

    summary = push(joor_store, confirmed=True)

    assert summary.status == "failed"
    assert summary.error == EMPTY_OVERWRITE.format(warehouse="Default")
    assert len(sim_pushes(push_sim)) == before and sim_stock(push_sim) == {push_skus[0]["upc"]: 4}


def test_the_first_overwrite_after_update_pushes_still_asks_then_never_again(
    push_sim, push_skus, joor_store
):
    # Update pushes only ever added to the warehouse: what else JOOR holds there is unknown.
    push_sim.state.push_inventory(
        [{"warehouse": "Default", "upc": push_skus[5]["upc"], "inventory": 8}]
    )
    item = make_item(joor_store, push_skus[0]["upc"], stock=2)
    assert push(joor_store).counts["passed"] == 1
    configure(joor_store, inventory_mode="overwrite")

    asked = push(joor_store)
    assert asked.status == "awaiting_confirmation"
    assert "the first Overwrite from this store" in asked.error
    assert sim_stock(push_sim) == {push_skus[0]["upc"]: 2, push_skus[5]["upc"]: 8}

    assert push(joor_store, confirmed=True).status == "succeeded"
    assert sim_stock(push_sim) == {push_skus[0]["upc"]: 2}
    item.stock = 5
    db.session.commit()
    assert push(joor_store).status == "succeeded"  # the warehouse is this store's since
    assert sim_stock(push_sim) == {push_skus[0]["upc"]: 5}
