"""The JOOR panel in a real headless Chromium, against the simulator and a real RQ worker."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import screenshot
from tests.factories import make_item
from webapp.extensions import db
from webapp.sync.connection.clients import factory_from_app
from webapp.sync.connection.state import connect

pytestmark = pytest.mark.e2e


def _connect_directly(app, store) -> None:
    """Connect the store to the simulator without the browser (for scenarios past Connect)."""
    connect(db.session, factory_from_app(app), store.id, "demo-token", "local")


def test_connect_refuses_a_wrong_token_in_words_then_accepts_the_right_one(page, worker):
    page.get_by_label("Environment").select_option("local")
    page.get_by_label("Access token").fill("not-the-token")
    page.get_by_role("button", name="Connect").click()
    error = page.get_by_test_id("connect-error")
    expect(error).to_be_visible()
    expect(error).to_contain_text(re.compile("token", re.I))
    expect(page.get_by_test_id("status-badge")).to_have_text("disconnected")
    screenshot(page, "connect-refused")

    page.get_by_label("Environment").select_option("local")
    page.get_by_label("Access token").fill("demo-token")
    page.get_by_role("button", name="Connect").click()
    expect(page.get_by_test_id("token-last4")).to_have_text("••••oken")
    expect(page.get_by_test_id("status-badge")).to_have_text("connected")
    assert "demo-token" not in page.content()
    screenshot(page, "connected")


def test_settings_show_fields_as_chosen_preview_templates_and_save(page, store):
    make_item(store, "TEE-RED-M", variation_list={"Color": "Red", "Size": "M"})
    make_item(store, "TEE-BLUE-L", variation_list={"Color": "Blue", "Size": "L"})
    page.reload()
    warehouse = page.get_by_label("Default Warehouse")
    size = page.get_by_label("Size", exact=True)
    expect(warehouse).to_be_hidden()
    expect(size).to_be_hidden()

    page.get_by_label("Sync Inventory").check()
    expect(warehouse).to_be_visible()
    warehouse.fill("Default")
    page.get_by_label("Item Identifier").select_option("style")
    expect(size).to_be_visible()
    size.fill("{{ item.variation_list.Size|lower }}")
    expect(page.locator("#preview-size")).to_contain_text("TEE-BLUE-L → l")
    style = page.get_by_label("Style Number")
    style.fill("{{ item.code|split('-')|first ")
    expect(page.locator("#preview-style_number .error")).to_contain_text("Style Number")
    style.fill("{{ item.code|split('-')|first }}")
    expect(page.locator("#preview-style_number")).to_contain_text("TEE-RED-M → TEE")

    page.get_by_role("button", name="Save settings").click()
    expect(page.locator("#joor-settings")).to_contain_text("Style Identifier needs a template")
    page.get_by_label("Style Identifier", exact=True).fill("{{ item.code }}")
    page.get_by_label("Color Code").fill("{{ item.variation_list.Color }}")
    page.get_by_role("button", name="Save settings").click()
    expect(page.get_by_text(re.compile(r"Settings saved \(\d+ changes\)"))).to_be_visible()
    changes = page.locator("#settings-changes")
    # The audit list names settings and values as the form does, not by their stored names.
    expect(changes.locator("tr", has_text="Sync Inventory")).to_contain_text("Off")
    expect(changes.locator("tr", has_text="Item Identifier")).to_contain_text("Style Identifier")
    expect(changes).not_to_contain_text("sync_inventory")
    expect(size).to_be_visible()
    screenshot(page, "settings-saved")


def test_manual_import_bar_reaches_the_end_and_the_run_lists_its_orders(
    page, app, store, sim, worker
):
    _connect_directly(app, store)
    page.reload()
    since = page.get_by_label("Orders modified since")
    since.fill("2999-01-01")
    page.get_by_role("button", name="Import orders").click()
    expect(page.locator("#import-form")).to_contain_text("Pick a date that is not in the future.")
    since.fill("2020-01-01")
    page.get_by_role("button", name="Import orders").click()
    progress = page.locator(".run-progress")
    # The earlier try's error goes once the import starts; the date stays as typed.
    expect(page.locator("#import-form")).not_to_contain_text("not in the future")
    expect(page.get_by_label("Orders modified since")).to_have_value("2020-01-01")
    expect(progress).to_be_visible()
    expect(progress).to_have_attribute("data-status", "succeeded", timeout=60_000)
    bar = progress.locator("progress")
    expect(bar).to_have_attribute("value", bar.get_attribute("max"))
    total = int(bar.get_attribute("max"))
    assert total > 0
    expect(progress.locator(".count-imported b")).to_have_text(str(total))
    expect(page.locator("#recent-runs")).to_contain_text("Manual import")
    screenshot(page, "import-finished")

    progress.get_by_role("link").first.click()
    expect(page.locator("#events tbody tr")).to_have_count(total)
    expect(page.locator("#events")).to_contain_text("imported")
    screenshot(page, "run-detail")


def test_connection_turns_failing_when_joor_refuses_the_token(page, app, store, sim, worker):
    _connect_directly(app, store)
    page.reload()
    expect(page.get_by_test_id("status-badge")).to_have_text("connected")
    sim.state.set_faults({"revoke_tokens": ["demo-token"]})
    page.get_by_label("Orders modified since").fill("2020-01-01")
    page.get_by_role("button", name="Import orders").click()
    expect(page.get_by_test_id("status-badge")).to_have_text("failing", timeout=30_000)
    expect(page.get_by_test_id("last-error")).not_to_have_text("none")
    screenshot(page, "failing")


def test_style_identifier_push_lands_in_joor_and_in_the_log(page, app, store, sim, worker):
    _connect_directly(app, store)
    skus = sim.state.catalog_skus()[:3]
    for n, sku in enumerate(skus):
        metadata = {"style": sku["style_number"], "style_id": sku["style_identifier"],
                    "color": sku["color_code"], "size": sku["size"]}  # fmt: skip
        make_item(store, f"ITEM-{n}", stock=10 + n, metadata=metadata)
    make_item(store, "KEPT-OUT", stock=99, metadata={"skip_joor": "1", "style": "X"})
    page.reload()

    page.get_by_label("Sync Inventory").check()
    page.get_by_label("Default Warehouse").fill("Default")
    page.get_by_label("Item Identifier").select_option("style")
    for label, template in [
        ("Style Number", "{{ item.metadata.style }}"),
        ("Style Identifier", "{{ item.metadata.style_id }}"),
        ("Color Code", "{{ item.metadata.color }}"),
        ("Size", "{{ item.metadata.size }}"),
    ]:
        page.get_by_label(label, exact=True).fill(template)
    page.get_by_role("button", name="Save settings").click()
    expect(page.get_by_text(re.compile(r"Settings saved"))).to_be_visible()

    page.get_by_role("button", name="Push inventory now").click()
    progress = page.locator("#push-run .run-progress")
    expect(progress).to_have_attribute("data-status", "succeeded", timeout=60_000)
    expect(page.locator("#recent-runs")).to_contain_text("Inventory push")
    screenshot(page, "push-finished")

    landed = {row["upc"]: row["inventory"] for row in sim.state.read_inventory("Default")}
    assert {sku["upc"]: landed.get(sku["upc"]) for sku in skus} == {
        sku["upc"]: 10 + n for n, sku in enumerate(skus)
    }
    progress.get_by_role("link").first.click()
    expect(page.locator("#events")).to_contain_text("KEPT-OUT")
    expect(page.locator("#events")).to_contain_text("skip_joor")


def _overwrite_with_one_item(page, app, store) -> None:
    """A connected store with one item, its form switched to Overwrite into Default."""
    _connect_directly(app, store)
    make_item(store, "111")
    page.reload()
    page.get_by_label("Sync Inventory").check()
    page.get_by_label("Default Warehouse").fill("Default")
    page.get_by_label("Update / Overwrite").select_option("overwrite")


def test_the_overwrite_count_lands_in_its_box_and_the_settings_stay(page, app, store, worker):
    _overwrite_with_one_item(page, app, store)
    page.get_by_role("button", name="Save settings").click()
    expect(page.get_by_text(re.compile(r"Settings saved"))).to_be_visible()
    # A later change leaves the count to the worker, and the page polls for it.
    page.get_by_label("Default Warehouse").fill("Main")
    page.get_by_role("button", name="Save settings").click()
    expect(page.get_by_text("Settings saved (1 change).")).to_be_visible()

    # The worker's count replaces the "Counting…" box, and only that box.
    warning = page.locator("#overwrite-warning")
    first = "No Overwrite from this store has reached the Main warehouse yet"
    expect(warning).to_contain_text(first, timeout=30_000)
    expect(page.get_by_role("button", name="Save settings")).to_be_visible()
    expect(page.get_by_text(re.compile(r"Settings saved"))).to_be_visible()
    expect(page.locator("#joor-settings #overwrite-warning")).to_have_count(1)


def test_the_overwrite_warning_follows_the_form_as_it_is_edited(page, app, store):
    _overwrite_with_one_item(page, app, store)
    warning = page.locator("#overwrite-warning")
    expect(warning).to_contain_text("not among these 1 to zero")

    # A template that is empty for every item leaves nothing to send: the box says so at once.
    page.get_by_label("Item Identifier").select_option("style")
    page.get_by_label("Style Number").fill("{{ item.metadata.nothing }}")
    page.get_by_label("Style Number").blur()
    expect(warning).to_contain_text("No item of this store can go in an Overwrite snapshot now")


def test_an_expired_form_says_so_instead_of_doing_nothing(page, app, store):
    _connect_directly(app, store)
    page.reload()
    # The session's CSRF token changed since the page was drawn (a new login in another tab).
    page.evaluate(
        "document.querySelectorAll('input[name=csrf_token]').forEach(i => i.value = 'stale')"
    )
    page.get_by_label("Orders modified since").fill("2020-01-01")
    page.get_by_role("button", name="Import orders").click()
    banner = page.get_by_role("alert")
    expect(banner).to_have_text("This form has expired. Reload the page and try again.")
    screenshot(page, "expired-form")
    page.reload()
    expect(page.locator("#request-error")).to_be_hidden()
