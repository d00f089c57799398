"""Pushes sparing JOOR's credits: Updates in Overwrite mode, a share, a batch JOOR takes."""

from __future__ import annotations

import pytest

from tests.factories import make_item
from tests.jobs.inventory_push_support import (
    STYLE_TEMPLATES,
    configure,
    push,
    release_scheduled,
    runs,
    set_faults,
    sim_pushes,
    sim_stock,
    style_metadata,
    work,
)
from tests.jobs.push_credit_support import forget_window, one_window, spend_share
from webapp.extensions import db
from webapp.models import InventoryItem, SyncRun
from webapp.sync.connection.state import get_connection
from webapp.sync.push.credits import BATCH_KEY, PushWaitingError, credit_wait_left
from webapp.sync.push.enqueue import enqueue_push_inventory
from webapp.sync.push.service import run_push


def _overwritten(store, push_skus, count: int, stock: int = 3) -> list[InventoryItem]:
    """Items for `count` catalogue UPCs, in JOOR by a first Overwrite the merchant confirmed."""
    items = [
        make_item(store, sku["upc"], stock=stock + n) for n, sku in enumerate(push_skus[:count])
    ]
    configure(store, inventory_mode="overwrite")
    assert push(store, confirmed=True).counts["passed"] == count
    return items


def _sends(run_id: int) -> str:
    return db.session.get(SyncRun, run_id).params["sends"]


def test_an_edit_in_overwrite_mode_is_one_update_call_of_its_sku(push_sim, push_skus, joor_store):
    items = _overwritten(joor_store, push_skus, 6)
    calls = len(sim_pushes(push_sim))
    items[2].stock = 40
    db.session.commit()

    summary = push(joor_store)

    assert summary.status == "succeeded" and summary.counts["sent"] == 1
    [call] = sim_pushes(push_sim)[calls:]
    assert call["overwrite"] is False and call["items"] == [
        {"warehouse": "Default", "upc": push_skus[2]["upc"], "inventory": 40}
    ]
    assert sim_stock(push_sim) == {
        sku["upc"]: 40 if n == 2 else 3 + n for n, sku in enumerate(push_skus[:6])
    }
    assert db.session.get(SyncRun, summary.run_id).credits_used == 5
    assert _sends(summary.run_id).startswith(
        "Update of 1 SKU (Overwrite mode: JOOR already holds the rest, last full push "
    )


def test_an_item_deleted_sends_the_full_snapshot_and_says_why(push_sim, push_skus, joor_store):
    items = _overwritten(joor_store, push_skus, 6)
    db.session.delete(items[0])
    db.session.commit()

    summary = push(joor_store)

    assert summary.status == "succeeded" and summary.counts["dropped"] == 1
    assert (
        sim_pushes(push_sim)[-1]["overwrite"] is True
        and len(sim_pushes(push_sim)[-1]["items"]) == 5
    )
    assert sim_stock(push_sim) == {sku["upc"]: 3 + n for n, sku in enumerate(push_skus[:6]) if n}
    assert _sends(summary.run_id) == (
        f"Full Overwrite of 5 SKUs (1 SKU left the set (deleted, skipped or given another "
        f"identifier): {push_skus[0]['upc']})"
    )


def test_after_update_mode_the_next_overwrite_push_is_a_full_one(push_sim, push_skus, joor_store):
    items = _overwritten(joor_store, push_skus, 3)
    configure(joor_store, inventory_mode="update")
    items[0].stock = 9
    db.session.commit()
    assert push(joor_store).counts["sent"] == 1
    configure(joor_store, inventory_mode="overwrite")

    summary = push(joor_store)

    assert sim_pushes(push_sim)[-1]["overwrite"] is True and summary.counts["sent"] == 3
    assert "since Update mode was last used" in _sends(summary.run_id)
    assert push(joor_store).counts["sent"] == 0  # JOOR holds the snapshot again


def _styles(push_skus, count: int) -> list[dict]:
    """Every SKU of the catalogue's first `count` styles."""
    styles = list(dict.fromkeys(sku["style_number"] for sku in push_skus))[:count]
    return [sku for sku in push_skus if sku["style_number"] in styles]


def _style_store(store, push_skus) -> list[InventoryItem]:
    """Style Identifier items for three styles, sent by a confirmed first Overwrite."""
    configure(store, identifier="style", inventory_mode="overwrite", **STYLE_TEMPLATES)
    items = [
        make_item(store, f"item-{n}", stock=2 + n % 5, metadata=style_metadata(sku))
        for n, sku in enumerate(_styles(push_skus, 3))
    ]
    assert push(store, confirmed=True).counts["passed"] == len(items)
    return items


def test_a_size_template_that_changes_identifiers_waits_for_a_yes(push_sim, push_skus, joor_store):
    # Issue 21: lower-casing Size zeroed most SKUs in JOOR unasked; no style was "dropped".
    items = _style_store(joor_store, push_skus)
    before, calls = sim_stock(push_sim), len(sim_pushes(push_sim))
    changed = sum(sku["size"] != sku["size"].lower() for sku in _styles(push_skus, 3))
    assert changed

    configure(joor_store, size="{{ item.metadata.size|lower }}")
    summary = push(joor_store)

    assert summary.status == "awaiting_confirmation"
    assert summary.error.startswith(
        f"Nothing was sent: new identifier settings give {changed} SKUs JOOR holds another "
        f"identifier, and JOOR's stock cannot be read, so this Overwrite is treated as a first "
        f"one: it would drop {changed} of the {len(items)} SKUs (0 of 3 styles)"
    )
    assert sim_stock(push_sim) == before and len(sim_pushes(push_sim)) == calls


def test_skipping_all_but_one_sku_per_style_waits_for_a_yes(push_sim, push_skus, joor_store):
    # Issue 21: every style kept one SKU, so the style count saw nothing dropped.
    items = _style_store(joor_store, push_skus)
    before, kept = sim_stock(push_sim), set()
    for item in items:
        style = item.item_metadata["style_number"]
        if style in kept:
            item.item_metadata = {**item.item_metadata, "skip_push": "1"}
        kept.add(style)
    db.session.commit()

    summary = push(joor_store)

    dropped = len(items) - 3
    assert summary.status == "awaiting_confirmation"
    assert f"would drop {dropped} of the {len(items)} SKUs (0 of 3 styles)" in summary.error
    assert sim_stock(push_sim) == before


def test_a_call_joor_refuses_as_too_large_is_halved_and_the_size_remembered(
    push_sim, push_skus, joor_app, joor_store
):
    set_faults(push_sim, max_inventory_items=3)
    for n, sku in enumerate(push_skus[:7]):
        make_item(joor_store, sku["upc"], stock=1 + n)
    configure(joor_store, inventory_mode="overwrite")

    summary = push(joor_store, confirmed=True, batch_size=5)

    assert summary.status == "succeeded" and summary.counts["sent"] == 7
    calls = [(p["overwrite"], len(p["items"])) for p in sim_pushes(push_sim)]
    assert calls == [(True, 2), (False, 2), (False, 2), (False, 1)]  # 5 was refused first
    assert sim_stock(push_sim) == {sku["upc"]: 1 + n for n, sku in enumerate(push_skus[:7])}
    assert db.session.get(SyncRun, summary.run_id).credits_used == 25
    account = get_connection(db.session, joor_store.id).account_key
    assert int(joor_app.extensions["redis"].get(BATCH_KEY.format(account))) == 2

    push(joor_store, full=True, batch_size=5)

    assert [len(p["items"]) for p in sim_pushes(push_sim)[4:]] == [2, 2, 2, 1]  # no refusal again


def test_a_push_with_no_room_in_its_share_waits_saying_when(
    push_sim, push_skus, joor_app, joor_store
):
    _overwritten(joor_store, push_skus, 2)
    calls = len(sim_pushes(push_sim))
    configure(joor_store, push_share="30")
    with one_window(joor_app):
        spend_share(joor_app, 30, leave=0)
        db.session.get(InventoryItem, 1).stock = 50
        db.session.commit()

        with pytest.raises(PushWaitingError) as waiting:
            push(joor_store)

        run = runs(joor_store)[-1]
        assert run.status == "queued" and len(sim_pushes(push_sim)) == calls
        assert 0 < waiting.value.seconds <= 302
        assert 0 < credit_wait_left(run) <= 302


def _resume(app, run_id: int, **options):
    from webapp.sync.connection.clients import factory_from_app

    return run_push(db.session, factory_from_app(app), run_id, **options)


def test_a_snapshot_bigger_than_the_share_goes_over_two_windows(
    push_sim, push_skus, joor_app, joor_store
):
    for n, sku in enumerate(push_skus[:40]):
        make_item(joor_store, sku["upc"], stock=1 + n)
    configure(joor_store, inventory_mode="overwrite", push_share="30")  # 90 credits: 18 calls
    with one_window(joor_app):
        with pytest.raises(PushWaitingError):
            push(joor_store, confirmed=True, batch_size=2)

        calls = sim_pushes(push_sim)
        assert (
            len(calls) == 18
            and calls[0]["overwrite"]
            and not any(c["overwrite"] for c in calls[1:])
        )
        run = runs(joor_store)[-1]
        assert run.status == "queued" and run.counts["sent"] == 36
    forget_window(joor_app)

    summary = _resume(joor_app, run.id, confirmed=True, batch_size=2)

    assert summary.status == "succeeded" and summary.counts["sent"] == 40
    assert [(c["overwrite"], len(c["items"])) for c in sim_pushes(push_sim)[18:]] == [
        (False, 2)
    ] * 2
    assert sim_stock(push_sim) == {sku["upc"]: 1 + n for n, sku in enumerate(push_skus[:40])}


def test_a_full_update_paused_for_credits_sends_only_the_rest_after(
    push_sim, push_skus, joor_app, joor_store
):
    items = [make_item(joor_store, sku["upc"], stock=1) for sku in push_skus[:40]]
    assert push(joor_store).counts["sent"] == 40  # JOOR holds them all already
    forget_window(joor_app)
    configure(joor_store, push_share="30")
    calls = len(sim_pushes(push_sim))
    with one_window(joor_app):
        run = SyncRun(store_id=joor_store.id, kind="inventory", status="queued",
                      params={"trigger": "daily", "full": True})  # fmt: skip
        db.session.add(run)
        db.session.commit()
        with pytest.raises(PushWaitingError):
            _resume(joor_app, run.id, full=True, batch_size=2)
        assert len(sim_pushes(push_sim)) - calls == 18
    forget_window(joor_app)
    items[-1].stock = 7  # changed while the push waited: it goes with the rest
    db.session.commit()

    summary = _resume(joor_app, run.id, full=True, batch_size=2)

    assert summary.status == "succeeded" and summary.counts["sent"] == 40
    rest = [item for call in sim_pushes(push_sim)[calls + 18 :] for item in call["items"]]
    assert [i["upc"] for i in rest] == [sku["upc"] for sku in push_skus[36:40]]
    assert rest[-1]["inventory"] == 7
    assert get_connection(db.session, joor_store.id).last_full_push_at is not None


def test_changes_made_while_a_push_waits_for_credits_join_it(
    push_sim, push_skus, joor_app, joor_store
):
    items = _overwritten(joor_store, push_skus, 3)
    configure(joor_store, push_share="30")
    with one_window(joor_app):
        spend_share(joor_app, 30, leave=0)
        items[0].stock = 20
        db.session.commit()
        first = enqueue_push_inventory(joor_store.id, reason="stock of A edited", items=["A"])
        release_scheduled(joor_app)
        work(joor_app)
        [waiting] = [r for r in runs(joor_store) if r.status == "queued"]
        assert credit_wait_left(waiting) > 0

        items[1].stock = 30
        db.session.commit()
        joined = enqueue_push_inventory(joor_store.id, reason="stock of B edited", items=["B"])

        assert joined.id != first.id and joined.id == waiting.job_id
        assert joined.get_status() == "scheduled"
    forget_window(joor_app)
    release_scheduled(joor_app)
    work(joor_app)

    run = db.session.get(SyncRun, waiting.id)
    db.session.refresh(run)
    assert run.status == "succeeded" and run.counts["sent"] == 2
    assert run.params["trigger"] == "stock of A edited; while it waited: stock of B edited"
    assert run.params["items"] == ["A", "B"]
    assert (
        sim_stock(push_sim)[push_skus[0]["upc"]] == 20
        and sim_stock(push_sim)[push_skus[1]["upc"]] == 30
    )
    assert len([r for r in runs(joor_store) if r.kind == "inventory"]) == 2  # the seed and this
