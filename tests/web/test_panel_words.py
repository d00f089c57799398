"""Small things a merchant reads: skipped items an Overwrite zeroes, where settings sit, credits."""

from __future__ import annotations

import re

from tests.factories import make_item
from tests.web.panel_helpers import connect_store
from tests.web.test_panel import _settings, pushed_to_joor

HX = {"HX-Request": "true"}
PANEL = "/integrations/joor"


def html(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def test_the_overwrite_warning_names_the_skipped_items_joor_sets_to_zero(auth_client, store):
    make_item(store, "111", upc="111")
    make_item(store, "222", upc="222", metadata={"skip_joor": "1"})
    make_item(store, "333", upc="333", metadata={"Skip_Push": "yes"})
    make_item(store, "444", upc="444", metadata={"skip_joor": "0"})  # off: it goes
    pushed_to_joor(store, "upc:111", "upc:444")
    form = _settings(inventory_mode="overwrite", warehouse="Default")
    warning = html(auth_client.post(f"{PANEL}/settings/overwrite", headers=HX, data=form))

    line = re.search(r'<p data-testid="overwrite-skipped">(.*?)</p>', warning, re.S).group(1)
    assert "<b>2</b> items kept out with <code>skip_joor</code> or <code>skip_push</code>" in line
    assert "so JOOR sets them to zero" in line
    link = re.search(r'<a href="([^"]+)">See them</a>', line).group(1)

    listed = html(auth_client.get(link))
    assert "kept out of the push to JOOR" in listed
    codes = re.findall(r'<td class="lead"><a href="/inventory/\d+">([^<]+)</a>', listed)
    assert codes == ["222", "333"]


def test_the_push_button_asks_about_the_skipped_items_too(auth_client, store):
    connect_store(store.id, sync_inventory=True, warehouse="Default", inventory_mode="overwrite")
    make_item(store, "111", upc="111")
    make_item(store, "222", upc="222", metadata={"skip_push": "1"})
    pushed_to_joor(store, "upc:111")
    form = _settings(inventory_mode="overwrite", warehouse="Default", sync_inventory="y")
    auth_client.post(f"{PANEL}/settings", headers=HX, data=form)
    from tests.web.test_panel import run_queued_jobs

    run_queued_jobs()  # the worker counts the warning ahead
    page = html(auth_client.get(PANEL))
    question = re.search(r'hx-confirm="([^"]*)"', page[page.index('id="push-button"') :]).group(1)
    assert "The 1 item kept out with skip_joor or skip_push is set to zero in JOOR." in question


def test_item_identifier_sits_with_the_inventory_settings(auth_client):
    page = html(auth_client.get(PANEL))
    groups = re.findall(r"<legend>([^<]+)</legend>(.*?)</fieldset>", page, re.S)
    where = [legend for legend, body in groups if 'name="identifier"' in body]
    assert where == ["Inventory"]


def test_the_credits_line_is_short_and_explains_itself_on_hover(auth_client, store, app):
    from webapp.joor import RedisCreditBudget

    connect_store(store.id)
    RedisCreditBudget(app.extensions["redis"], "acct-test").acquire(5)
    line = re.search(r'<label[^>]*data-testid="credits"[^>]*>([^<]*)</label>', html(
        auth_client.get(f"{PANEL}/status", headers=HX))).group(1)  # fmt: skip
    assert re.fullmatch(r"5 of 300 used · resets in \d+ s", line)


def test_the_orders_table_stacks_its_cells_with_labels_on_a_phone(auth_client, store):
    from tests.web.order_factories import make_order

    make_order(store)
    page = html(auth_client.get("/orders/"))
    table = page[page.index('<table class="stacked" id="orders-table">') :]
    for label in ("PO", "Customer", "Ship window", "Total", "Folder"):
        assert f'data-label="{label}"' in table
