"""The inventory page: list, search, paging, inline stock edits, custom settings, JOOR view."""

from __future__ import annotations

from tests.factories import make_item
from tests.web.order_factories import connect_joor, one_push_scheduled, scheduled_jobs
from webapp.extensions import db
from webapp.models import InventoryItem, PushedStock

HX = {"HX-Request": "true"}


def test_list_shows_items_with_settings(auth_client, store):
    make_item(store, "SKU-1", stock=7, name="Shirt", upc="0123", metadata={"skip_push": "1"})
    page = auth_client.get("/inventory/").get_data(as_text=True)
    for text in ["SKU-1", "Shirt", "0123", 'value="7"', "skip_push|1"]:
        assert text in page, text


def test_search_and_paging(auth_client, store):
    for n in range(60):
        make_item(store, f"C{n:03d}", name="Blue shirt" if n == 42 else "Item")
    assert "C059" not in auth_client.get("/inventory/").get_data(as_text=True)
    assert "C059" in auth_client.get("/inventory/?page=2").get_data(as_text=True)
    found = auth_client.get("/inventory/?q=blue").get_data(as_text=True)
    assert "C042" in found and "C041" not in found
    fragment = auth_client.get("/inventory/?q=blue", headers=HX).get_data(as_text=True)
    assert fragment.lstrip().startswith('<div id="inventory-list">')


def test_identifier_and_last_push_shown_when_joor_is_connected(auth_client, store):
    connect_joor(store, identifier="style", tpl_style_number="{{ item.code }}",
                 tpl_style_identifier="{{ item.code }}-S",
                 tpl_color_code="{{ item.variation_list.Color }}",
                 tpl_size="{{ item.variation_list.Size }}")  # fmt: skip
    make_item(store, "ST-1", variation_list={"Color": "NAVY", "Size": "M"})
    make_item(store, "ST-2", metadata={"skip_joor": "1"})
    db.session.add(PushedStock(store_id=store.id, warehouse="Default", identifier_key="x",
                               item_code="ST-1", quantity=4, last_status="pass"))  # fmt: skip
    db.session.commit()
    page = auth_client.get("/inventory/").get_data(as_text=True)
    assert "ST-1 / ST-1-S / NAVY / M" in page
    assert "skip_joor is set" in page
    assert 'class="badge pass"' in page


def test_inline_stock_edit_returns_the_cell_and_enqueues_one_push(auth_client, store):
    connect_joor(store)
    item = make_item(store, "SKU-1", stock=3)
    response = auth_client.post(f"/inventory/{item.id}/stock", data={"stock": "9"}, headers=HX)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert html.startswith(f'<form id="stock-{item.id}"') and 'value="9"' in html
    db.session.refresh(item)
    assert item.stock == 9
    auth_client.post(f"/inventory/{item.id}/stock", data={"stock": "10"}, headers=HX)
    assert one_push_scheduled(store)


def test_unchanged_stock_enqueues_nothing(auth_client, store):
    connect_joor(store)
    item = make_item(store, "SKU-1", stock=3)
    auth_client.post(f"/inventory/{item.id}/stock", data={"stock": "3"}, headers=HX)
    assert scheduled_jobs() == []


def test_invalid_stock_is_refused_with_422(auth_client, store):
    item = make_item(store, "SKU-1", stock=3)
    for bad in ["-1", "2.5", "lots", ""]:
        response = auth_client.post(f"/inventory/{item.id}/stock", data={"stock": bad}, headers=HX)
        assert response.status_code == 422, bad
        assert 'class="error"' in response.get_data(as_text=True)
    plain = auth_client.post(f"/inventory/{item.id}/stock", data={"stock": "-1"})
    assert plain.status_code == 422 and "<html" in plain.get_data(as_text=True)
    db.session.refresh(item)
    assert item.stock == 3


def test_plain_stock_form_redirects(auth_client, store):
    item = make_item(store, "SKU-1", stock=3)
    response = auth_client.post(f"/inventory/{item.id}/stock", data={"stock": "4"})
    assert response.status_code == 302
    db.session.refresh(item)
    assert item.stock == 4


def test_edit_custom_settings(auth_client, store):
    item = make_item(store, "SKU-1", metadata={"old": "x"})
    assert "old|x" in auth_client.get(f"/inventory/{item.id}").get_data(as_text=True)
    response = auth_client.post(
        f"/inventory/{item.id}/settings", data={"settings": "skip_push|1\n\nseason | SS25"}
    )
    assert response.status_code == 302
    db.session.refresh(item)
    assert item.item_metadata == {"skip_push": "1", "season": "SS25"}


def test_bad_settings_name_the_line_and_change_nothing(auth_client, store):
    item = make_item(store, "SKU-1", metadata={"old": "x"})
    response = auth_client.post(f"/inventory/{item.id}/settings", data={"settings": "a|1\nbroken"})
    assert response.status_code == 422
    assert "Line 2" in response.get_data(as_text=True)
    db.session.refresh(item)
    assert item.item_metadata == {"old": "x"}


def test_another_stores_items_are_out_of_reach(auth_client, store, other_store):
    theirs = make_item(other_store, "RIVAL-SKU", stock=1)
    assert "RIVAL-SKU" not in auth_client.get("/inventory/").get_data(as_text=True)
    assert auth_client.get(f"/inventory/{theirs.id}").status_code == 404
    assert (
        auth_client.post(f"/inventory/{theirs.id}/stock", data={"stock": "50"}).status_code == 404
    )
    assert (
        auth_client.post(f"/inventory/{theirs.id}/settings", data={"settings": ""}).status_code
        == 404
    )
    assert db.session.get(InventoryItem, theirs.id).stock == 1


def test_custom_settings_that_change_what_joor_gets_enqueue_a_push(auth_client, store):
    connect_joor(store)
    item = make_item(store, "0123456789012", stock=7, metadata={"skip_joor": "1"})
    same = auth_client.post(f"/inventory/{item.id}/settings", data={"settings": "skip_joor|1"})
    assert same.status_code == 302 and scheduled_jobs() == []
    cleared = auth_client.post(f"/inventory/{item.id}/settings", data={"settings": ""})
    assert cleared.status_code == 302 and one_push_scheduled(store)
