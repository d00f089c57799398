"""The JSON API: keys, items, batch upsert, orders, errors and store isolation."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from tests.factories import make_item
from tests.web.order_factories import connect_joor, make_order, one_push_scheduled, scheduled_jobs
from webapp.extensions import db
from webapp.models import InventoryItem
from webapp.stores import issue_api_key, revoke_api_key

ITEM_KEYS = {"id", "code", "name", "upc", "price", "stock", "metadata", "variation_list"}


@pytest.fixture
def api(client, store):
    """A client sending the store's API key."""
    key = issue_api_key(store)
    client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {key}"
    return client


def _stock(store, code: str) -> int | None:
    db.session.expire_all()
    query = select(InventoryItem.stock).where(
        InventoryItem.store_id == store.id, InventoryItem.code == code
    )
    return db.session.scalar(query)


@pytest.mark.parametrize("header", [None, "Bearer js_wrong", "Basic abc", "Bearer "])
def test_missing_or_wrong_key_is_401(client, store, header):
    issue_api_key(store)
    headers = {"Authorization": header} if header else {}
    response = client.get("/api/v1/inventory-items", headers=headers)
    assert response.status_code == 401
    assert response.json["error"]["code"] == "unauthorized"


def test_revoked_key_stops_working(api, store):
    assert api.get("/api/v1/inventory-items").status_code == 200
    revoke_api_key(store)
    assert api.get("/api/v1/inventory-items").status_code == 401


def test_list_and_read_items_in_the_contract_shape(api, store):
    item = make_item(store, "SKU-1", stock=4, upc="0001", price=12.5, metadata={"skip_push": "1"},
                     variation_list={"Color": "Navy"})  # fmt: skip
    listing = api.get("/api/v1/inventory-items").json
    assert (listing["total"], listing["page"], listing["per_page"]) == (1, 1, 50)
    assert listing["inventory_items"][0] == {
        "id": item.id, "code": "SKU-1", "name": "SKU-1", "upc": "0001", "price": "12.50",
        "stock": 4, "metadata": {"skip_push": "1"}, "variation_list": {"Color": "Navy"},
    }  # fmt: skip
    assert api.get(f"/api/v1/inventory-items/{item.id}").json == listing["inventory_items"][0]


def test_pagination(api, store):
    for n in range(7):
        make_item(store, f"C{n}")
    body = api.get("/api/v1/inventory-items?page=2&per_page=3").json
    assert body["total"] == 7 and [i["code"] for i in body["inventory_items"]] == ["C3", "C4", "C5"]
    for bad in ["per_page=501", "per_page=0", "page=x"]:
        response = api.get(f"/api/v1/inventory-items?{bad}")
        assert response.status_code == 400
        assert response.json["error"]["field"] == bad.split("=")[0]


def test_create_item(api, store):
    connect_joor(store)
    body = {"code": "NEW", "name": "Shirt", "stock": 3, "price": "9.90", "metadata": {"a": "b"}}
    response = api.post("/api/v1/inventory-items", json=body)
    assert response.status_code == 201
    assert set(response.json) == ITEM_KEYS and response.json["price"] == "9.90"
    assert response.headers["Location"].endswith(f"/api/v1/inventory-items/{response.json['id']}")
    assert _stock(store, "NEW") == 3
    assert one_push_scheduled(store)


def test_create_errors(api, store):
    make_item(store, "TAKEN")
    cases = [
        ({"name": "no code"}, 400, "code"),
        ({"code": "X", "stock": "3"}, 400, "stock"),
        ({"code": "X", "stock": -1}, 422, "stock"),
        ({"code": "X", "price": "abc"}, 400, "price"),
        ({"code": "X", "metadata": ["a"]}, 400, "metadata"),
        ({"code": "X", "colour": "red"}, 400, "colour"),
        ({"code": "TAKEN"}, 409, "code"),
    ]
    for body, status, field in cases:
        response = api.post("/api/v1/inventory-items", json=body)
        assert response.status_code == status, body
        assert response.json["error"]["field"] == field, body
        assert response.json["error"]["message"]
    bad_json = api.post("/api/v1/inventory-items", data="{", content_type="application/json")
    assert bad_json.status_code == 400
    assert _stock(store, "X") is None


def test_update_item(api, store):
    connect_joor(store)
    item = make_item(store, "SKU-1", stock=1, name="Old")
    response = api.put(f"/api/v1/inventory-items/{item.id}", json={"stock": 8})
    assert response.status_code == 200
    assert response.json["stock"] == 8 and response.json["name"] == "Old"
    api.put(f"/api/v1/inventory-items/{item.id}", json={"stock": 9})
    assert one_push_scheduled(store)
    make_item(store, "SKU-2")
    clash = api.put(f"/api/v1/inventory-items/{item.id}", json={"code": "SKU-2"})
    assert clash.status_code == 409
    assert api.put("/api/v1/inventory-items/999999", json={"stock": 1}).status_code == 404


def test_an_update_that_changes_nothing_enqueues_nothing(api, store):
    connect_joor(store)
    item = make_item(store, "SKU-1", stock=1, name="Tee")
    api.put(f"/api/v1/inventory-items/{item.id}", json={"name": "Tee", "stock": 1})
    assert scheduled_jobs() == []


@pytest.mark.parametrize(
    "change",
    [{"metadata": {}}, {"upc": "0123456789012"}, {"variation_list": {"Size": "L"}}],
    ids=["skip_joor cleared", "upc", "variations the templates read"],
)
def test_an_update_of_what_a_push_reads_enqueues_a_push(api, store, change):
    connect_joor(store)
    item = make_item(store, "SKU-1", stock=1, metadata={"skip_joor": "1"})
    api.put(f"/api/v1/inventory-items/{item.id}", json=change)
    assert one_push_scheduled(store)


def test_a_batch_clearing_skip_joor_enqueues_a_push(api, store):
    connect_joor(store)
    make_item(store, "SKU-1", stock=1, metadata={"skip_joor": "1"})
    batch = {"inventory_items": [{"code": "SKU-1", "metadata": {}}]}
    assert api.put("/api/v1/inventory-items", json=batch).status_code == 200
    assert one_push_scheduled(store)


def test_a_batch_counts_as_a_change_only_when_a_value_is_new(store):
    from webapp.inventory.bulk import upsert_items

    make_item(store, "SKU-1", stock=1, metadata={"skip_joor": "1"})
    rows = [{"code": "SKU-1", "stock": 1, "metadata": {}}]
    assert upsert_items(store.id, rows).changed is True
    db.session.commit()
    assert upsert_items(store.id, rows).changed is False  # the same values again
    assert upsert_items(store.id, [{"code": "SKU-1"}]).changed is False
    assert upsert_items(store.id, [{"code": "SKU-2"}]).changed is True  # a new item


def test_batch_upsert_creates_and_updates_by_code_with_one_push(api, store):
    connect_joor(store)
    make_item(store, "OLD", stock=1, name="Kept")
    items = [{"code": "OLD", "stock": 5}] + [{"code": f"N{n}", "stock": n} for n in range(300)]
    response = api.put("/api/v1/inventory-items", json={"inventory_items": items})
    assert response.status_code == 200
    assert (response.json["created"], response.json["updated"]) == (300, 1)
    assert response.json["inventory_items"][0]["name"] == "Kept"
    assert _stock(store, "OLD") == 5 and _stock(store, "N299") == 299
    api.put("/api/v1/inventory-items", json={"inventory_items": [{"code": "N1", "stock": 50}]})
    assert one_push_scheduled(store)


def test_batch_is_all_or_nothing_with_errors_by_index(api, store):
    items = [{"code": "A", "stock": 1}, {"code": "B", "stock": -1}, {"code": "A"}, {"stock": 2}]
    response = api.put("/api/v1/inventory-items", json={"inventory_items": items})
    assert response.status_code == 400
    errors = response.json["error"]["items"]
    assert [(e["index"], e["field"]) for e in errors] == [(1, "stock"), (2, "code"), (3, "code")]
    assert _stock(store, "A") is None
    too_many = [{"code": f"C{n}"} for n in range(1001)]
    assert api.put("/api/v1/inventory-items", json={"inventory_items": too_many}).status_code == 422
    assert api.put("/api/v1/inventory-items", json=[{"code": "A"}]).status_code == 400


def test_orders_by_folder_and_one_order(api, store):
    new = make_order(store, source_id="J-1")
    make_order(store, folder="Closed", source_id="J-2")
    body = api.get("/api/v1/orders?folder=New").json
    assert body["total"] == 1 and body["orders"][0]["source_id"] == "J-1"
    assert api.get("/api/v1/orders").json["total"] == 2
    order = api.get(f"/api/v1/orders/{new.id}").json
    assert order["folder"] == "New" and order["total"] == "150.00"
    assert order["items"][0]["variation_list"] == {"Color": "Navy", "Size": "M"}
    assert order["shipping_address"]["city"] == "Lyon" and order["metadata"] == {"season": "SS25"}
    missing = api.get("/api/v1/orders?folder=Nope")
    assert missing.status_code == 404 and missing.json["error"]["field"] == "folder"
    assert api.get("/api/v1/orders/999999").status_code == 404


def test_unknown_paths_and_methods_answer_json(api):
    assert api.get("/api/v1/nothing").json["error"]["code"] == "not_found"
    wrong = api.delete("/api/v1/inventory-items")
    assert wrong.status_code == 405 and "GET" in wrong.headers["Allow"]


def test_a_key_never_reaches_another_stores_data(api, store, other_store):
    theirs = make_item(other_store, "RIVAL", stock=1)
    their_order = make_order(other_store)
    assert api.get("/api/v1/inventory-items").json["total"] == 0
    assert api.get(f"/api/v1/inventory-items/{theirs.id}").status_code == 404
    assert api.put(f"/api/v1/inventory-items/{theirs.id}", json={"stock": 9}).status_code == 404
    assert api.get(f"/api/v1/orders/{their_order.id}").status_code == 404
    assert api.get("/api/v1/orders").json["total"] == 0
    # Upserting their code makes an item of our own; theirs is untouched.
    api.put("/api/v1/inventory-items", json={"inventory_items": [{"code": "RIVAL", "stock": 7}]})
    assert _stock(other_store, "RIVAL") == 1 and _stock(store, "RIVAL") == 7


def test_the_api_needs_no_csrf_token_and_ignores_the_session(app, auth_client, store):
    auth_client.csrf_token = None
    assert auth_client.get("/api/v1/inventory-items").status_code == 401
    key = issue_api_key(store)
    headers = {"Authorization": f"Bearer {key}"}
    response = auth_client.post("/api/v1/inventory-items", json={"code": "Z"}, headers=headers)
    assert response.status_code == 201
