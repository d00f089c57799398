"""Changing an order as JOOR's buyers and reps do (PATCH /_sim/orders/<id>), and reading one."""

from __future__ import annotations


def one(client, headers, order_id):
    return client.get(f"/v2/order/{order_id}", headers=headers)


def window(client, headers, order_type=8):
    query = {"sync": 0, "order_type": order_type, "count": 100}
    return client.get("/v2/orders", query_string=query, headers=headers).get_json()["orders"]


def test_one_order_is_read_by_its_id_whatever_its_type_for_one_credit(client, headers):
    cancelled = next(o for o in window(client, headers) if o["order_type_name"] == "Cancelled")
    answer = one(client, headers, cancelled["order_id"])
    assert answer.status_code == 200 and answer.get_json() == cancelled
    assert client.get("/_sim/credits").get_json()["used"] == 2  # the window, then the order
    missing = one(client, headers, 9999999)
    assert missing.status_code == 404 and missing.get_json()["error"] == "not_found"
    assert client.get("/v2/order/4810001").status_code == 401  # the token is still needed


def test_a_patch_changes_status_lines_quantities_and_ship_window_and_bumps_the_date(
    client, headers, clock
):
    before = one(client, headers, 4810005).get_json()
    clock.advance(60)
    changed = client.patch(
        "/_sim/orders/4810005",
        json={
            "order_type_name": "Cancelled",
            "date_ship_start": "2027-04-01T00:00:00Z",
            "date_ship_end": "2027-04-30T00:00:00Z",
            "line_items": {"1": {"item_quantity": "6"}},
        },
    ).get_json()
    assert changed == one(client, headers, 4810005).get_json()
    assert (
        changed["order_type_name"] == "Cancelled"
        and changed["date_modified"] > before["date_modified"]
    )
    assert changed["date_ship_start"] == "2027-04-01T00:00:00Z"
    assert changed["line_items"][0]["item_quantity"] == "6"
    assert changed["line_items"][1:] == before["line_items"][1:]
    edited = {"order_type_name", "date_modified", "date_ship_start", "date_ship_end", "line_items"}
    assert {k: v for k, v in changed.items() if k not in edited} == {
        k: v for k, v in before.items() if k not in edited
    }
    # It leaves Approved-and-Shipped listings and joins the cancelled ones, at the end.
    assert "4810005" not in {o["order_id"] for o in window(client, headers, 2)}
    assert window(client, headers, 5)[-1]["order_id"] == "4810005"


def test_a_patch_adds_removes_and_replaces_lines(client, headers):
    lines = one(client, headers, 4810007).get_json()["line_items"]
    assert len(lines) >= 2
    fewer = client.patch("/_sim/orders/4810007", json={"line_items": {"1": None}}).get_json()
    assert fewer["line_items"] == lines[1:]
    new_line = {"item_upc": "0999999999999", "item_quantity": "2", "item_price": "5.00"}
    replaced = client.patch("/_sim/orders/4810007", json={"line_items": [new_line]}).get_json()
    assert replaced["line_items"] == [new_line]


def test_a_bad_patch_is_refused_in_words_and_changes_nothing(client, headers):
    before = one(client, headers, 4810007).get_json()
    for body, words in [
        ({"line_items": {"40": {"item_quantity": "1"}}}, "the order has no line 40"),
        ({"line_items": {"1": 5}}, "line 1 must be an object"),
        ({"line_items": "none"}, "line_items must be a list"),
        ({"date_modified": "2020-01-01T00:00:00Z"}, "JOOR's to set"),
        ({}, "body must be a JSON object"),
    ]:
        answer = client.patch("/_sim/orders/4810007", json=body)
        assert answer.status_code == 400 and words in answer.get_json()["message"]
    assert one(client, headers, 4810007).get_json() == before
    assert client.patch("/_sim/orders/9999999", json={"x": 1}).status_code == 404
