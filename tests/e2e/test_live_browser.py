"""Runs as they happen, in a real Chromium against the simulator and a real RQ worker.

Each scenario marks the page with a JavaScript value first: finding it again at the end
shows that what appeared came through the page's own partials, not a reload.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import screenshot
from tests.factories import make_item
from webapp.extensions import db
from webapp.sync.connection.clients import factory_from_app
from webapp.sync.connection.state import connect, get_connection

pytestmark = pytest.mark.e2e


def _connected_store_pushing(app, store, sim, mode: str = "update") -> None:
    """A store connected to the simulator, syncing a few items by UPC into Default."""
    connect(db.session, factory_from_app(app), store.id, "demo-token", "local")
    conn = get_connection(db.session, store.id)
    conn.sync_inventory, conn.warehouse, conn.inventory_mode = True, "Default", mode
    conn.last_full_push_at = conn.connected_at  # no first full push pending: this test's own
    db.session.commit()
    for n, sku in enumerate(sim.state.catalog_skus()[:3]):
        make_item(store, sku["upc"], upc=sku["upc"], stock=5 + n)
    app.config["PUSH_DEBOUNCE_SECONDS"] = 1


def _mark(page) -> None:
    page.evaluate("window.notReloaded = true")


def _not_reloaded(page) -> bool:
    return page.evaluate("window.notReloaded === true")


def _push_in_background(store) -> None:
    """A stock change made elsewhere (the API, a CSV upload): it schedules a push."""
    from webapp.sync.push.enqueue import enqueue_push_inventory

    assert enqueue_push_inventory(store.id, reason="stock changed through the API") is not None


def test_a_background_push_that_fails_appears_without_a_reload(page, app, store, sim, worker):
    _connected_store_pushing(app, store, sim)
    page.reload()
    recent = page.locator("#recent-runs")
    expect(recent).to_have_attribute("data-live", "idle")  # nothing under way: no polling
    _mark(page)

    sim.state.set_faults({"revoke_tokens": ["demo-token"]})  # JOOR stops taking the token
    _push_in_background(store)

    row = recent.locator("tr", has_text="Inventory push")
    expect(row.get_by_test_id("run-status")).to_have_text("failed", timeout=40_000)
    expect(row).to_contain_text("JOOR")
    expect(recent).to_have_attribute("data-live", "idle", timeout=10_000)  # polling stopped
    assert _not_reloaded(page)
    screenshot(page, "live-failed-push")


def test_a_cancelled_import_is_shown_as_cancelled(page, app, store, sim, worker):
    connect(db.session, factory_from_app(app), store.id, "demo-token", "local")
    sim.state.add_orders(400)
    sim.state.set_faults({"latency_ms": 1500})  # pages slow enough to press Cancel between
    page.reload()
    page.get_by_label("Orders modified since").fill("2020-01-01")
    page.get_by_role("button", name="Import orders").click()
    page.locator("#import-run .run-progress a").first.click()
    page.wait_for_url("**/runs/*")

    page.get_by_test_id("cancel-run").click()  # it stops after the page it is storing
    summary = page.locator("#run-summary")
    expect(summary.get_by_test_id("run-status")).to_have_text("cancelled", timeout=30_000)
    expect(summary).to_contain_text("Cancelled by")
    expect(summary.locator(".error")).to_have_count(0)  # not a failure: nothing is red
    expect(page.get_by_test_id("cancel-run")).to_have_count(0)
    sim.state.set_faults({"latency_ms": 0})
    screenshot(page, "live-cancelled-import")


def test_a_push_awaiting_confirmation_is_shown_as_waiting(page, app, store, sim, worker):
    _connected_store_pushing(app, store, sim, mode="overwrite")  # a first Overwrite: asks
    page.reload()
    _mark(page)

    _push_in_background(store)

    row = page.locator("#recent-runs tr", has_text="Inventory push")
    expect(row.get_by_test_id("run-status")).to_have_text(
        "waiting for confirmation", timeout=40_000
    )
    assert _not_reloaded(page)
    row.get_by_role("link").first.click()
    expect(page.get_by_test_id("confirm-link")).to_be_visible()
    expect(page.locator("#run-summary .error")).to_have_count(0)
    assert sim.state.read_inventory("Default") == []  # nothing was sent
    screenshot(page, "live-awaiting-confirmation")


def test_the_environment_chosen_stays_after_a_refused_token(page, worker):
    page.get_by_label("Environment").select_option("local")
    page.get_by_label("Access token").fill("not-the-token")
    page.get_by_role("button", name="Connect").click()
    expect(page.get_by_test_id("connect-error")).to_be_visible(timeout=30_000)

    expect(page.get_by_label("Environment")).to_have_value("local")
    page.reload()  # and so does a page drawn afresh
    expect(page.get_by_label("Environment")).to_have_value("local")
    page.get_by_label("Access token").fill("demo-token")
    page.get_by_role("button", name="Connect").click()
    expect(page.get_by_test_id("status-badge")).to_have_text("connected", timeout=30_000)
