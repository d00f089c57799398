"""GET /v2/orders: filters, date window, paging, the sync flag, payload shape, determinism."""

from __future__ import annotations

import time
from datetime import UTC, datetime

from joorsim import SimState
from joorsim.catalog import Catalog, is_valid_upc
from joorsim.orderbook import OrderQuery

ALL = {"order_type": 8, "sync": 0}


def page_through(get_orders, count=100, **params):
    """Every order across pages, following start_from until total is reached."""
    seen, start = [], 0
    while True:
        body = get_orders(start_from=start, count=count, **params)
        seen += body["orders"]
        start += body["count"]
        if body["count"] == 0 or start >= body["total"]:
            return seen, body["total"]


def test_paging_covers_every_order_exactly_once(get_orders):
    orders, total = page_through(get_orders, count=7, **ALL)
    ids = [o["order_id"] for o in orders]
    assert total == 120
    assert len(ids) == 120 and len(set(ids)) == 120


def test_pages_are_sorted_by_date_modified_then_id(get_orders):
    orders, _ = page_through(get_orders, **ALL)
    keys = [(o["date_modified"], int(o["order_id"])) for o in orders]
    assert keys == sorted(keys)


def test_count_is_clamped_to_100_and_defaults_to_50(get_orders):
    assert get_orders(count=500, **ALL)["count"] == 100
    assert len(get_orders(count=500, **ALL)["orders"]) == 100
    assert get_orders(**ALL)["count"] == 50


def test_bad_numbers_and_half_windows_are_400(client, headers):
    for query in (
        {"count": "ten"},
        {"start_from": "-1"},
        {"order_type": "9"},
        {"date_start": "2026-09-01T00:00:00Z"},
        {"date_end": "2026-09-01T00:00:00Z"},
        {"date_start": "yesterday", "date_end": "2026-09-01T00:00:00Z"},
    ):
        response = client.get("/v2/orders", query_string=query, headers=headers)
        assert response.status_code == 400, query
        assert response.get_json()["message"]


def test_date_window_is_start_inclusive_end_exclusive(get_orders):
    orders, _ = page_through(get_orders, **ALL)
    start, end = orders[10]["date_modified"], orders[30]["date_modified"]
    inside, total = page_through(get_orders, date_start=start, date_end=end, **ALL)
    expected = [o["order_id"] for o in orders if start <= o["date_modified"] < end]
    assert [o["order_id"] for o in inside] == expected
    assert total == len(expected) and expected


def test_dates_fall_in_the_last_days_before_the_anchor(make_client, get_orders):
    c = make_client(orders=300, seed=5, days=10)
    orders, _ = page_through(lambda **p: get_orders(c, **p), **ALL)
    anchor = datetime.fromtimestamp(1_790_000_000, UTC)
    for order in orders:
        modified = datetime.fromisoformat(order["date_modified"])
        assert 0 <= (anchor - modified).total_seconds() <= 10 * 86400
        assert order["date_modified"].endswith("Z")


def test_order_type_filters_follow_joor_codes(get_orders):
    everything, _ = page_through(get_orders, **ALL)
    by_status: dict[str, set[str]] = {}
    for order in everything:
        by_status.setdefault(order["order_type_name"], set()).add(order["order_id"])
    assert set(by_status) == {"Approved", "Shipped", "Pending", "Cancelled"}
    assert len(by_status["Approved"]) > len(everything) / 2
    expected = {
        2: by_status["Approved"] | by_status["Shipped"],
        3: by_status["Pending"],
        4: set().union(*by_status.values()) - by_status["Cancelled"],
        5: by_status["Cancelled"],
        6: by_status["Approved"],
        7: by_status["Shipped"],
        1: set(),
    }
    for code, ids in expected.items():
        got, _ = page_through(get_orders, order_type=code, sync=0)
        assert {o["order_id"] for o in got} == ids, code


def test_default_order_type_is_approved_and_shipped(get_orders):
    default, _ = page_through(get_orders, sync=0)
    assert {o["order_type_name"] for o in default} == {"Approved", "Shipped"}


def test_customer_code_filter(get_orders):
    everything, _ = page_through(get_orders, **ALL)
    code = everything[0]["customer_code"] or everything[1]["customer_code"]
    got, _ = page_through(get_orders, customer_code=code, **ALL)
    assert got and all(o["customer_code"] == code for o in got)
    assert len(got) == sum(o["customer_code"] == code for o in everything)


def test_sync_1_marks_returned_orders_and_hides_them_next_time(get_orders):
    first = get_orders(order_type=8, count=10)
    again = get_orders(order_type=8, count=10)
    assert not {o["order_id"] for o in first["orders"]} & {o["order_id"] for o in again["orders"]}
    assert again["total"] == first["total"] - 10
    assert get_orders(order_type=8, sync=0, export_status=3)["total"] == 20


def test_sync_0_reads_without_marking(get_orders):
    first = get_orders(count=10, **ALL)
    again = get_orders(count=10, **ALL)
    assert first == again
    assert get_orders(export_status=2, **ALL)["total"] == 120


def test_export_status_modified_since_export(client, get_orders, state_of):
    marked = get_orders(order_type=8, count=5)["orders"]
    state_of(client).clock.advance(60)
    touched = client.post(f"/_sim/orders/{marked[0]['order_id']}/touch")
    assert touched.status_code == 200
    changed = get_orders(export_status=4, **ALL)["orders"]
    assert [o["order_id"] for o in changed] == [marked[0]["order_id"]]
    assert get_orders(export_status=5, **ALL)["total"] == 120 - 4
    # sync=1 offers the modified order again (last, as it is the most recently modified)
    assert get_orders(order_type=8, count=100)["total"] == 116
    rest = get_orders(order_type=8, count=100)["orders"]
    assert rest[-1]["order_id"] == marked[0]["order_id"] and len(rest) == 16


def test_payloads_look_like_joor(get_orders):
    orders, _ = page_through(get_orders, **ALL)
    upcs = Catalog(3).by_upc
    line_counts = [len(o["line_items"]) for o in orders]
    assert max(line_counts) <= 15 and min(line_counts) == 0
    items = [i for o in orders for i in o["line_items"]]
    assert all(i["item_upc"] in upcs and is_valid_upc(i["item_upc"]) for i in items)
    assert all(isinstance(i["item_quantity"], str) and "." in i["item_price"] for i in items)
    assert all(isinstance(o["order_id"], str) and o["order_id"].isdigit() for o in orders)
    assert any(not o["customer_name"].isascii() for o in orders)
    assert any("shipping_phone" not in o for o in orders)
    assert any(o.get("shipping_address_2") is None for o in orders)
    sku = upcs[items[0]["item_upc"]]
    assert (items[0]["item_number"], items[0]["item_color_code"]) == (
        sku.style_number,
        sku.color_code,
    )


def test_order_total_matches_lines(get_orders):
    for order in get_orders(count=100, **ALL)["orders"]:
        lines = sum(int(i["item_quantity"]) * float(i["item_price"]) for i in order["line_items"])
        total = lines - float(order["order_discount"]) + float(order["order_shipping_total"])
        assert abs(total - float(order["order_total"])) < 0.02


def test_same_seed_and_anchor_give_identical_orders():
    query = OrderQuery(order_type=8, sync=False, count=100)
    a = SimState(orders=150, seed=9, anchor=1_790_000_000).orders_page(query)
    b = SimState(orders=150, seed=9, anchor=1_790_000_000).orders_page(query)
    c = SimState(orders=150, seed=10, anchor=1_790_000_000).orders_page(query)
    assert a == b
    assert a != c


def test_twenty_thousand_orders_of_ten_lines():
    started = time.perf_counter()
    state = SimState(orders=20_000, lines_per_order=10, seed=1)
    print(f"20,000 order headers in {time.perf_counter() - started:.3f}s")
    last = state.orders_page(OrderQuery(order_type=8, sync=False, start_from=19_950, count=100))
    assert last["total"] == 20_000 and last["count"] == 50
    assert all(len(o["line_items"]) == 10 for o in last["orders"])
