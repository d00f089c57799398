"""Orders changed in JOOR after import: detected, told in words, applied by the store's rule."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from tests.jobs.order_support import import_now
from tests.sync.change_support import (
    approved_ids,
    events,
    history_of,
    line_field,
    move_to,
    order_of,
    poll_now,
)
from webapp.extensions import db
from webapp.models import Folder, JoorConnection, Order, SyncRun
from webapp.rules.change_plans import NOTE, UPDATE_NEW


def set_rule(store, rule: str) -> None:
    conn = db.session.scalar(select(JoorConnection).where(JoorConnection.store_id == store.id))
    conn.on_change = rule
    db.session.commit()


def quantity_change(sim, source_id):
    old = line_field(sim, source_id, 2, "item_quantity")
    upc = line_field(sim, source_id, 2, "item_upc")
    return {"line_items": {"2": {"item_quantity": "99"}}}, f"Line 2 (UPC {upc}) quantity {old} → 99"


def line_added(sim, source_id):
    lines = sim.state.order(int(source_id))["line_items"]
    extra = {**lines[0], "item_upc": "0999999999999", "item_quantity": "4", "item_price": "5"}
    words = f"Line added: Line 4 (UPC 0999999999999) {extra['item_name']}, quantity 4 at 5.00"
    return {"line_items": [*lines, extra]}, words


def line_removed(sim, source_id):
    upc = line_field(sim, source_id, 3, "item_upc")
    return {"line_items": {"3": None}}, f"Line removed: Line 3 (UPC {upc})"


def ship_window_change(sim, source_id):
    fields = {"date_ship_start": "2027-04-01T00:00:00Z", "date_ship_end": "2027-04-30T00:00:00Z"}
    return fields, "→ 2027-04-01–30"


def status_change(sim, source_id):
    return {"order_type_name": "Shipped"}, "Status Approved → Shipped"


def po_change(sim, source_id):
    return {"customer_purchase_order": "PO-NEW-1"}, "→ PO-NEW-1"


KINDS = {
    "quantity": quantity_change,
    "line added": line_added,
    "line removed": line_removed,
    "ship window": ship_window_change,
    "status": status_change,
    "field": po_change,
}


@pytest.mark.parametrize("rule", [UPDATE_NEW, NOTE])
@pytest.mark.parametrize("kind", list(KINDS))
def test_each_kind_of_change_is_told_in_words_and_applied_by_the_rule(
    app, approved_store, small_sim, kind, rule
):
    store = approved_store
    set_rule(store, rule)
    (source_id,) = approved_ids(small_sim, 1)
    first = poll_now(app, store)
    assert first.status == "succeeded", first.error
    before = order_of(store, source_id)
    order_id, item_ids = before.id, [item.id for item in before.items]
    lines_before = [(i.code, i.quantity) for i in before.items]
    fields, words = KINDS[kind](small_sim, source_id)
    joor_now = small_sim.state.patch_order(int(source_id), fields)

    run = poll_now(app, store)
    assert run.status == "succeeded", run.error
    assert run.counts.get("changed") == 1
    (event,) = events(run, "changed")
    order = order_of(store, source_id)
    (change,) = history_of(order)
    assert any(words in line for line in change.changes), change.changes
    assert event.order_id == order.id and event.reason.startswith("Changed in JOOR: ")
    assert order.id == order_id and order.folder.name == "New"
    assert order.changed_in_joor_at is not None and change.run_id == run.id
    if rule == UPDATE_NEW:
        assert change.outcome == "updated" and change.action == "Updated here."
        assert order.payload == joor_now
        assert [(i.code, i.quantity) for i in order.items] == [
            (line["item_upc"], int(line["item_quantity"])) for line in joor_now["line_items"]
        ]
    else:
        assert change.outcome == "noted" and change.action.startswith("Only noted, as your rule")
        assert [i.id for i in order.items] == item_ids  # the very rows, untouched
        assert [(i.code, i.quantity) for i in order.items] == lines_before
        assert order.payload != joor_now and order.status == "Approved"


def test_an_order_moved_on_from_new_is_only_noted_and_a_cancellation_moves_it(
    app, approved_store, small_sim
):
    store = approved_store
    edited, cancelled = approved_ids(small_sim, 2)
    import_now(app, store)
    for source_id in (edited, cancelled):
        move_to(order_of(store, source_id), "Prepared")
    fields, words = quantity_change(small_sim, edited)
    small_sim.state.patch_order(int(edited), fields)
    small_sim.state.patch_order(int(cancelled), {"order_type_name": "Cancelled"})

    run = poll_now(app, store)
    assert run.counts.get("changed") == 2
    order = order_of(store, edited)
    (change,) = history_of(order)
    assert change.outcome == "noted" and words in change.changes
    assert "had moved on from the folder for new orders to Prepared" in change.action
    assert order.folder.name == "Prepared" and order.items[1].quantity != 99
    order = order_of(store, cancelled)
    (change,) = history_of(order)
    assert change.changes == ["Status Approved → Cancelled"] and change.cancelled
    assert (change.moved_from, change.moved_to) == ("Prepared", "Cancelled in JOOR")
    assert order.folder.name == "Cancelled in JOOR" and order.status == "Approved"


def test_a_cancellation_of_an_order_in_new_updates_and_moves_it_under_either_rule(
    app, approved_store, small_sim
):
    store = approved_store
    updated, noted = approved_ids(small_sim, 2)
    import_now(app, store)
    small_sim.state.patch_order(int(updated), {"order_type_name": "Cancelled"})
    poll_now(app, store)
    set_rule(store, NOTE)
    small_sim.state.patch_order(int(noted), {"order_type_name": "Cancelled"})
    poll_now(app, store)

    order = order_of(store, updated)
    assert order.folder.name == "Cancelled in JOOR" and order.status == "Cancelled"
    assert history_of(order)[0].action == "Updated here and moved to Cancelled in JOOR."
    order = order_of(store, noted)
    assert order.folder.name == "Cancelled in JOOR" and order.status == "Approved"
    assert history_of(order)[0].action.startswith("Moved to Cancelled in JOOR from New; its")


def test_a_cancellation_in_a_final_folder_is_only_noted(app, approved_store, small_sim):
    store = approved_store
    (source_id,) = approved_ids(small_sim, 1)
    import_now(app, store)
    move_to(order_of(store, source_id), "Closed")
    small_sim.state.patch_order(int(source_id), {"order_type_name": "Cancelled"})
    run = poll_now(app, store)
    order = order_of(store, source_id)
    (change,) = history_of(order)
    assert order.folder.name == "Closed" and change.cancelled and not change.moved_to
    assert change.action == "Only noted, as Closed is a final folder: the order was left as it was."
    assert "Only noted, as Closed is a final folder" in events(run, "changed")[0].reason
    # The folder for cancelled orders is made only when an order moves there.
    assert db.session.scalar(select(Folder).where(Folder.name == "Cancelled in JOOR")) is None


def test_the_cancelled_folder_is_made_once_then_named_by_the_setting_and_a_chosen_one_is_used(
    app, approved_store, small_sim
):
    store = approved_store
    first, second, third = approved_ids(small_sim, 3)
    import_now(app, store)
    for source_id in (first, second):
        small_sim.state.patch_order(int(source_id), {"order_type_name": "Cancelled"})
    poll_now(app, store)
    made = db.session.scalars(select(Folder).where(Folder.name == "Cancelled in JOOR")).all()
    assert len(made) == 1
    conn = db.session.scalar(select(JoorConnection))
    assert conn.cancelled_folder_id == made[0].id
    made[0].name = "Cancelled (JOOR)"  # a rename keeps it the folder for cancellations
    db.session.commit()
    small_sim.state.patch_order(int(third), {"order_type_name": "Cancelled"})
    poll_now(app, store)
    assert order_of(store, third).folder.name == "Cancelled (JOOR)"
    assert order_of(store, first).folder_id == order_of(store, second).folder_id == made[0].id


def test_the_same_change_read_twice_is_recorded_once(app, approved_store, small_sim):
    store = approved_store
    (source_id,) = approved_ids(small_sim, 1)
    import_now(app, store)
    small_sim.state.patch_order(int(source_id), quantity_change(small_sim, source_id)[0])
    changed = poll_now(app, store)
    again = [poll_now(app, store), import_now(app, store)]  # overlapping windows read it again
    assert changed.counts.get("changed") == 1
    for run in again:
        assert "changed" not in run.counts
        (present,) = [e for e in events(run, "already_present") if e.subject == source_id]
        assert present.reason == "already imported, and unchanged in JOOR since"
    assert len(history_of(order_of(store, source_id))) == 1
    total = db.session.scalar(select(func.count(Order.id)).where(Order.source_id == source_id))
    assert total == 1


def test_a_manual_import_of_approved_orders_sees_cancellations_with_one_more_read(
    app, approved_store, small_sim
):
    store = approved_store
    (source_id,) = approved_ids(small_sim, 1)
    first = import_now(app, store)
    small_sim.state.patch_order(int(source_id), {"order_type_name": "Cancelled"})
    run = import_now(app, store)
    assert run.counts.get("changed") == 1
    assert order_of(store, source_id).folder.name == "Cancelled in JOOR"
    # One page of Approved orders, then one of the window's cancelled ones (those not here are
    # passed over, not counted); the store's first import had none here to see cancelled.
    assert (first.credits_used, run.credits_used) == (1, 2)
    assert run.done == sum(run.counts.values())


def test_a_quiet_poll_costs_one_credit_and_sees_a_cancellation_of_an_approved_order(
    app, approved_store, small_sim
):
    store = approved_store
    (source_id,) = approved_ids(small_sim, 1)
    poll_now(app, store)
    quiet = poll_now(app, store)
    assert quiet.credits_used == 1 and quiet.counts == {}  # its window holds no order
    small_sim.state.patch_order(int(source_id), {"order_type_name": "Cancelled"})
    run = poll_now(app, store)
    assert run.credits_used == 1 and run.counts == {"changed": 1} and run.done == 1
    assert order_of(store, source_id).folder.name == "Cancelled in JOOR"


def test_a_change_that_cannot_be_mapped_is_a_failed_change_once_and_the_order_stays(
    app, approved_store, small_sim
):
    store = approved_store
    (source_id,) = approved_ids(small_sim, 1)
    import_now(app, store)
    before = order_of(store, source_id)
    lines = [(i.id, i.quantity) for i in before.items]
    small_sim.state.patch_order(int(source_id), {"line_items": {"2": {"item_quantity": "six"}}})
    run = poll_now(app, store)
    (failed,) = events(run, "failed")
    assert failed.reason.startswith("JOOR changed this order, but its new version cannot be read")
    assert "Line 2 (style " in failed.reason and "the quantity 'six' is not a whole number" in (
        failed.reason
    )
    order = order_of(store, source_id)
    assert [(i.id, i.quantity) for i in order.items] == lines and order.payload == before.payload
    (change,) = history_of(order)
    assert change.outcome == "failed" and change.action == "The order here was left as it was."
    assert order.changed_in_joor_at is not None
    again = poll_now(app, store)  # the same broken version read again: not news
    assert "failed" not in again.counts and len(history_of(order)) == 1

    small_sim.state.patch_order(int(source_id), {"line_items": {"2": {"item_quantity": "7"}}})
    mended = poll_now(app, store)
    assert mended.counts.get("changed") == 1
    order = order_of(store, source_id)
    assert order.items[1].quantity == 7 and history_of(order)[-1].outcome == "updated"


def test_an_order_imported_before_fingerprints_is_compared_once_field_by_field(
    app, approved_store, small_sim
):
    store = approved_store
    import_now(app, store)
    db.session.execute(Order.__table__.update().values(joor_fingerprint=None))
    db.session.commit()
    run = import_now(app, store)
    assert set(run.counts) == {"already_present"}
    assert db.session.scalar(select(func.count()).where(Order.joor_fingerprint.is_(None))) == 0
    assert (
        db.session.scalar(select(func.count(Order.id)).where(Order.changed_in_joor_at.is_not(None)))
        == 0
    )


def test_a_change_only_noted_is_what_the_next_change_is_told_from(app, approved_store, small_sim):
    store = approved_store
    set_rule(store, NOTE)
    (source_id,) = approved_ids(small_sim, 1)
    upc = line_field(small_sim, source_id, 2, "item_upc")
    original = line_field(small_sim, source_id, 2, "item_quantity")
    import_now(app, store)
    small_sim.state.patch_order(int(source_id), {"line_items": {"2": {"item_quantity": "6"}}})
    poll_now(app, store)
    small_sim.state.patch_order(int(source_id), {"line_items": {"2": {"item_quantity": "4"}}})
    poll_now(app, store)
    first, second = history_of(order_of(store, source_id))
    assert first.changes == [f"Line 2 (UPC {upc}) quantity {original} → 6"]
    assert second.changes == [f"Line 2 (UPC {upc}) quantity 6 → 4"]
    assert order_of(store, source_id).items[1].quantity == int(original)


def test_an_update_keeps_the_order_its_folder_notes_and_what_is_not_from_joor(
    app, approved_store, small_sim
):
    store = approved_store
    (source_id,) = approved_ids(small_sim, 1)
    first = import_now(app, store)
    before = order_of(store, source_id)
    kept = (before.id, before.created_at, before.imported_run_id, before.folder_id)
    small_sim.state.patch_order(
        int(source_id), {"customer_name": "Renamed Boutique", "order_comments": "Rush"}
    )
    poll_now(app, store)
    order = order_of(store, source_id)
    assert (order.id, order.created_at, order.imported_run_id, order.folder_id) == kept
    assert order.imported_run_id == first.id
    assert (order.customer_name, order.comments) == ("Renamed Boutique", "Rush")


def test_a_cancelled_order_sent_without_its_lines_keeps_the_lines_here(
    app, approved_store, small_sim
):
    store = approved_store
    (source_id,) = approved_ids(small_sim, 1)
    import_now(app, store)
    lines = [(i.code, i.quantity) for i in order_of(store, source_id).items]
    small_sim.state.patch_order(int(source_id), {"order_type_name": "Cancelled", "line_items": []})
    poll_now(app, store)
    order = order_of(store, source_id)
    assert history_of(order)[0].changes == ["Status Approved → Cancelled"]
    assert order.status == "Cancelled" and [(i.code, i.quantity) for i in order.items] == lines


def test_an_order_keeps_its_history_when_old_run_logs_are_deleted(app, approved_store, small_sim):
    from datetime import timedelta

    from webapp.models.base import utcnow
    from webapp.sync.retention import prune_run_logs

    store = approved_store
    (source_id,) = approved_ids(small_sim, 1)
    import_now(app, store)
    small_sim.state.patch_order(int(source_id), {"order_type_name": "Cancelled"})
    reader = poll_now(app, store).id
    poll_now(app, store)  # the store's latest poll, which the pruning keeps
    assert prune_run_logs(db.session, utcnow() + timedelta(days=100), 90) == 1
    db.session.expire_all()
    (change,) = history_of(order_of(store, source_id))
    assert change.run_id is None and change.changes == ["Status Approved → Cancelled"]
    assert reader not in {run.id for run in db.session.scalars(select(SyncRun))}
