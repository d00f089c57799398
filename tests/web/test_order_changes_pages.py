"""Changes made in JOOR on the order desk: marks and filter, history, Fetch again, settings."""

from __future__ import annotations

import re

from sqlalchemy import select

from tests.jobs.order_support import import_now
from tests.sync.change_support import (
    approved_ids,
    order_of,
    poll_now,
)
from tests.web.order_factories import folder_named, make_order
from tests.web.test_panel import run_queued_jobs
from webapp.extensions import db
from webapp.models import JoorConnection, SettingsChange, SyncRun


def cancel_one(app, store, sim) -> str:
    """Import the window, cancel one of its orders in JOOR and poll: that order's JOOR id."""
    (source_id,) = approved_ids(sim, 1)
    import_now(app, store)
    sim.state.patch_order(int(source_id), {"order_type_name": "Cancelled"})
    poll_now(app, store)
    return source_id


def test_the_order_list_marks_changed_orders_and_filters_to_them(
    app, auth_client, approved_store, small_sim
):
    source_id = cancel_one(app, approved_store, small_sim)
    page = auth_client.get("/orders/").get_data(as_text=True)
    marked = re.findall(r">(\d+)</a>\s*<span class=\"badge changed\"", page)
    assert marked == [source_id]
    changed = auth_client.get("/orders/?changed=1").get_data(as_text=True)
    assert re.findall(r'href="/orders/\d+">(\d+)</a>', changed) == [source_id]
    assert 'data-testid="changed-filter"' in page and "Cancelled in JOOR" in page
    assert '<input type="hidden" name="changed" value="1">' in changed  # the search keeps it
    fragment = auth_client.get("/orders/?changed=1", headers={"HX-Request": "true"})
    text = fragment.get_data(as_text=True)
    assert '<div id="order-list">' in text and "<html" not in text
    assert re.findall(r'href="/orders/\d+">(\d+)</a>', text) == [source_id]


def test_the_order_page_shows_the_history_of_its_changes(
    app, auth_client, approved_store, small_sim
):
    order = order_of(approved_store, cancel_one(app, approved_store, small_sim))
    page = auth_client.get(f"/orders/{order.id}").get_data(as_text=True)
    assert 'data-testid="changed-banner"' in page
    assert "Updated here and moved to Cancelled in JOOR." in page
    history = page[page.index('id="history"') :]
    assert "Status Approved → Cancelled" in history and "cancelled in JOOR" in history
    assert "updated here" in history


def test_fetch_again_reads_the_order_by_id_applies_the_change_and_says_it_cost_a_credit(
    app, auth_client, approved_store, small_sim
):
    (source_id,) = approved_ids(small_sim, 1)
    import_now(app, approved_store)
    order = order_of(approved_store, source_id)
    page = auth_client.get(f"/orders/{order.id}").get_data(as_text=True)
    assert "Fetch again from JOOR" in page and "It costs 1 of the 300 credits" in page
    small_sim.state.patch_order(int(source_id), {"line_items": {"1": {"item_quantity": "41"}}})
    used = small_sim.state.credits("demo-token")["used"]

    answer = auth_client.post(f"/orders/{order.id}/fetch")
    run = db.session.scalar(select(SyncRun).where(SyncRun.kind == "fetch"))
    assert answer.status_code == 302
    assert answer.headers["Location"] == f"/orders/{order.id}?fetch={run.id}"
    waiting = auth_client.get(f"/orders/{order.id}/fetch/{run.id}", headers={"HX-Request": "true"})
    assert 'hx-trigger="every 1s"' in waiting.get_data(as_text=True)
    assert (
        auth_client.post(f"/orders/{order.id}/fetch")
        .headers["Location"]
        .endswith(f"fetch={run.id}")
    )  # a second click while it waits: the same run, one credit
    run_queued_jobs()

    done = auth_client.get(f"/orders/{order.id}/fetch/{run.id}", headers={"HX-Request": "true"})
    text = done.get_data(as_text=True)
    assert done.headers["HX-Refresh"] == "true" and "every 1s" not in text
    assert "the order had changed" in text and "quantity" in text
    assert "It cost 1 JOOR credit." in text
    assert small_sim.state.credits("demo-token")["used"] == used + 1
    assert order_of(approved_store, source_id).items[0].quantity == 41
    again = auth_client.get(f"/orders/{order.id}?fetch={run.id}").get_data(as_text=True)
    assert "the order had changed" in again and "Fetch again #" in again


def test_fetch_again_of_an_unchanged_order_and_of_one_joor_no_longer_has(
    app, auth_client, approved_store, small_sim
):
    (source_id,) = approved_ids(small_sim, 1)
    import_now(app, approved_store)
    order = order_of(approved_store, source_id)
    auth_client.post(f"/orders/{order.id}/fetch")
    run_queued_jobs()
    run = db.session.scalar(select(SyncRun).where(SyncRun.kind == "fetch"))
    text = auth_client.get(f"/orders/{order.id}/fetch/{run.id}").get_data(as_text=True)
    assert "unchanged since it was last read" in text
    with small_sim.state.lock:  # JOOR deleted the order
        book = small_sim.state.book
        book.headers.remove(book.by_id.pop(int(source_id)))
    answer = auth_client.post(f"/orders/{order.id}/fetch")
    run_queued_jobs()
    run_id = int(answer.headers["Location"].rsplit("=", 1)[1])
    text = auth_client.get(f"/orders/{order.id}/fetch/{run_id}").get_data(as_text=True)
    assert "JOOR answered that it has no order with this id (404)" in text
    assert order_of(approved_store, source_id).source_id == source_id  # kept as it was


def test_fetch_again_needs_a_joor_order_and_a_connection(auth_client, store):
    mine = make_order(store, source_name="", source_id="")
    joor = make_order(store)
    page = auth_client.get(f"/orders/{joor.id}").get_data(as_text=True)
    assert "Connect the store to JOOR first" in page
    assert "Fetch again from JOOR</button>" not in page
    auth_client.post(f"/orders/{mine.id}/fetch")
    assert "did not come from JOOR" in auth_client.get(f"/orders/{mine.id}").get_data(as_text=True)
    assert db.session.scalar(select(SyncRun)) is None


def test_folders_can_be_marked_final_and_closed_is_final_from_the_start(auth_client, store):
    assert folder_named(store, "Closed").is_final and not folder_named(store, "New").is_final
    prepared = folder_named(store, "Prepared")
    answer = auth_client.post(f"/orders/folders/{prepared.id}/final", data={"final": "1"})
    assert answer.status_code == 302
    db.session.expire_all()
    assert folder_named(store, "Prepared").is_final
    page = auth_client.get("/orders/folders").get_data(as_text=True)
    assert "Prepared is final: changes made in JOOR to its orders are only noted." in page
    auth_client.post(f"/orders/folders/{prepared.id}/final", data={"final": "0"})
    db.session.expire_all()
    assert not folder_named(store, "Prepared").is_final


def test_the_rule_and_the_folder_for_cancellations_are_settings_saved_with_an_audit(
    app, auth_client, approved_store
):
    page = auth_client.get("/integrations/joor").get_data(as_text=True)
    assert "When JOOR changes an imported order" in page
    assert "Cancelled in JOOR (made on first use)" in page
    form = {
        "poll_minutes": "15", "order_type": "approved", "folder": "New", "on_change": "note",
        "cancelled_folder": "Closed", "identifier": "upc", "inventory_mode": "update",
    }  # fmt: skip
    answer = auth_client.post("/integrations/joor/settings", data=form)
    assert answer.status_code == 302
    conn = db.session.scalar(select(JoorConnection))
    assert conn.on_change == "note"
    assert conn.cancelled_folder_id == folder_named(approved_store, "Closed").id
    audit = {
        c.setting: (c.old_value, c.new_value) for c in db.session.scalars(select(SettingsChange))
    }
    assert audit["on_change"] == ("update_new", "note")
    assert audit["cancelled_folder"] == ("", "Closed")
    refused = auth_client.post(
        "/integrations/joor/settings", data={**form, "cancelled_folder": "New"}
    )
    assert refused.status_code == 422
    assert "need a folder other than the one new orders land in" in refused.get_data(as_text=True)


def test_a_folder_orders_cancelled_in_joor_move_to_cannot_be_removed(auth_client, approved_store):
    conn = db.session.scalar(select(JoorConnection))
    prepared = folder_named(approved_store, "Prepared")
    conn.cancelled_folder_id = prepared.id
    db.session.commit()
    answer = auth_client.post(f"/orders/folders/{prepared.id}/delete")
    assert answer.status_code == 409
    assert "Orders cancelled in JOOR move to Prepared" in answer.get_data(as_text=True)
