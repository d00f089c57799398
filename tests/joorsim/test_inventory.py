"""POST /v2/bulk-inventory: Update vs Overwrite per warehouse, verdicts, read-back."""

from __future__ import annotations

import pytest


@pytest.fixture
def skus(client):
    return client.get("/_sim/catalog").get_json()["skus"]


def push(client, headers, items, overwrite=False):
    url = "/v2/bulk-inventory" + ("?overwrite=1" if overwrite else "")
    response = client.post(url, json={"inventory_items": items}, headers=headers)
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()


def stock(client, warehouse="Default"):
    body = client.get("/_sim/inventory", query_string={"warehouse": warehouse}).get_json()
    assert body["warehouse"] == warehouse
    return {i["upc"]: i["inventory"] for i in body["items"]}


def upc_item(sku, qty, warehouse="Default"):
    return {"warehouse": warehouse, "upc": sku["upc"], "inventory": qty}


def style_item(sku, qty, warehouse="Default"):
    fields = ("style_number", "style_identifier", "color_code", "size")
    return {"warehouse": warehouse, **{f: sku[f] for f in fields}, "inventory": qty}


def test_update_changes_only_listed_skus(client, headers, skus):
    push(client, headers, [upc_item(skus[0], 5), upc_item(skus[1], 7)])
    body = push(client, headers, [upc_item(skus[1], 2), style_item(skus[2], 9)])
    assert [v["status"] for v in body["inventory_log"]] == ["pass", "pass"]
    assert body["sku_count"] == 2
    assert stock(client) == {skus[0]["upc"]: 5, skus[1]["upc"]: 2, skus[2]["upc"]: 9}


def test_overwrite_drops_unsent_skus_only_in_warehouses_in_the_call(client, headers, skus):
    push(client, headers, [upc_item(s, 3) for s in skus[:4]])
    push(client, headers, [upc_item(skus[5], 8, "Secondary")])
    push(client, headers, [upc_item(skus[1], 1), style_item(skus[6], 0)], overwrite=True)
    assert stock(client) == {skus[1]["upc"]: 1, skus[6]["upc"]: 0}
    assert stock(client, "Secondary") == {skus[5]["upc"]: 8}


def test_read_back_carries_both_identifier_forms(client, headers, skus):
    push(client, headers, [style_item(skus[3], 4)])
    (item,) = client.get("/_sim/inventory?warehouse=Default").get_json()["items"]
    assert item == {**{k: skus[3][k] for k in item if k != "inventory"}, "inventory": 4}
    assert set(item) == {
        "upc",
        "style_number",
        "style_identifier",
        "color_code",
        "size",
        "inventory",
    }


def test_verdicts_in_order_with_reasons(client, headers, skus):
    sent = [
        upc_item(skus[0], 1),
        upc_item(skus[0], 1, "Nowhere"),
        {"warehouse": "Default", "upc": "000000000000", "inventory": 1},
        {**style_item(skus[0], 1), "size": "XXXL"},
        {**style_item(skus[0], 1), "color_code": None},
        upc_item(skus[1], -1),
        upc_item(skus[1], "3"),
        upc_item(skus[1], 2.5),
        {"upc": skus[1]["upc"], "inventory": 1},
    ]
    log = push(client, headers, sent)["inventory_log"]
    assert [v["status"] for v in log] == ["pass"] + ["fail"] * 8
    assert log[0]["sku"] == skus[0]["upc"]
    assert log[3]["sku"] == "|".join(
        [skus[0]["style_number"], skus[0]["style_identifier"], skus[0]["color_code"], "XXXL"]
    )
    assert "warehouse" in log[1]["message"] and "upc" in log[2]["message"]
    assert "color_code" in log[4]["message"] and "inventory" in log[5]["message"]
    assert len({v["inventory_log_id"] for v in log}) == len(log)
    assert stock(client) == {skus[0]["upc"]: 1}


def test_failed_overwrite_items_do_not_protect_or_drop(client, headers, skus):
    push(client, headers, [upc_item(skus[0], 3)])
    push(client, headers, [upc_item(skus[0], 3, "Nowhere")], overwrite=True)
    assert stock(client) == {skus[0]["upc"]: 3}


@pytest.mark.parametrize("body", [[], {"items": []}, {"inventory_items": {}}, "x"])
def test_wrong_body_shape_is_400(client, headers, body):
    response = client.post("/v2/bulk-inventory", json=body, headers=headers)
    assert response.status_code == 400


def test_pushes_are_recorded_with_overwrite_flag(client, headers, skus):
    push(client, headers, [upc_item(skus[0], 3)])
    push(client, headers, [upc_item(skus[0], 4)], overwrite=True)
    pushes = client.get("/_sim/pushes").get_json()["pushes"]
    assert [p["overwrite"] for p in pushes] == [False, True]
    assert pushes[1]["items"] == [upc_item(skus[0], 4)]
    assert pushes[1]["log"][0]["status"] == "pass"


def test_initial_stock_option_fills_default(make_client):
    c = make_client(orders=1, initial_stock=True)
    skus = c.get("/_sim/catalog").get_json()["skus"]
    assert len(stock(c)) == len(skus)
    assert stock(c, "Secondary") == {}
