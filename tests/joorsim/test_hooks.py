"""The /_sim/ hooks: adding orders, reset, catalogue."""

from __future__ import annotations

from joorsim.catalog import is_valid_upc


def total(client, headers):
    query = {"sync": 0, "order_type": 8}
    return client.get("/v2/orders", query_string=query, headers=headers).get_json()["total"]


def test_add_generated_and_explicit_orders(client, headers):
    added = client.post("/_sim/orders", json={"count": 3}).get_json()["order_ids"]
    explicit = {"order_id": "9000001", "customer_name": "Zoë", "line_items": []}
    more = client.post("/_sim/orders", json={"orders": [explicit, {"customer_name": "Bo"}]})
    ids = more.get_json()["order_ids"]
    assert len(set(added)) == 3 and ids[0] == "9000001" and ids[1] == "9000002"
    assert total(client, headers) == 125
    newest = client.get(
        "/v2/orders", query_string={"sync": 0, "order_type": 8, "start_from": 120}, headers=headers
    ).get_json()["orders"]
    assert {o["order_id"] for o in newest} == set(added) | set(ids)
    assert next(o for o in newest if o["order_id"] == "9000001")["customer_name"] == "Zoë"


def test_add_orders_rejects_bad_bodies(client):
    assert client.post("/_sim/orders", json={"count": -1}).status_code == 400
    assert client.post("/_sim/orders", json={"orders": "x"}).status_code == 400
    assert client.post("/_sim/orders", json={"orders": [{"order_id": "abc"}]}).status_code == 400
    assert (
        client.post("/_sim/orders", json={"orders": [{"order_id": "4810001"}]}).status_code == 400
    )


def test_reset_restores_orders_marks_inventory_faults_and_budget(client, headers):
    baseline = client.get("/v2/orders?sync=0&order_type=8", headers=headers).get_json()
    upc = client.get("/_sim/catalog").get_json()["skus"][0]["upc"]
    item = {"warehouse": "Default", "upc": upc, "inventory": 4}
    client.post("/v2/bulk-inventory", json={"inventory_items": [item]}, headers=headers)
    client.get("/v2/orders?order_type=8", headers=headers)  # sync=1 marks a page
    client.post("/_sim/orders", json={"count": 2})
    client.post("/_sim/faults", json={"storm_429": 5, "revoke_tokens": ["demo-token"]})
    assert client.post("/_sim/reset").status_code == 200
    assert client.get("/_sim/faults").get_json()["storm_429"] == 0
    assert client.get("/_sim/credits").get_json()["used"] == 0
    assert client.get("/_sim/inventory").get_json()["items"] == []
    assert client.get("/_sim/pushes").get_json()["pushes"] == []
    after = client.get("/v2/orders?sync=0&order_type=8", headers=headers).get_json()
    assert after == baseline


def test_catalog_has_forty_styles_with_valid_unique_upcs(client):
    body = client.get("/_sim/catalog").get_json()
    assert body["warehouses"] == ["Default", "Secondary"]
    skus = body["skus"]
    assert len({s["style_number"] for s in skus}) == 40
    assert len({s["upc"] for s in skus}) == len(skus)
    assert all(is_valid_upc(s["upc"]) for s in skus)
    per_style: dict[str, set[str]] = {}
    for s in skus:
        per_style.setdefault(s["style_number"], set()).add(s["color_code"])
    assert all(2 <= len(colours) <= 4 for colours in per_style.values())


def test_upc_check_digit_known_value():
    assert is_valid_upc("036000291452")
    assert not is_valid_upc("036000291453")
