"""What the client sends to JOOR and how it walks pages: checked request by request."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime, timedelta, timezone
from urllib.parse import parse_qs, urlsplit

import pytest
import responses

from webapp.joor import MAX_PAGE_SIZE, InventoryResult, OrdersPage, SkuVerdict

TOKEN = "tok-Secret-4d1f9c"
ORDERS_URL = "https://api.example-joor.test/v2/orders"
INVENTORY_URL = "https://api.example-joor.test/v2/bulk-inventory"
START = datetime(2026, 11, 1, tzinfo=UTC)
END = datetime(2026, 11, 8, tzinfo=UTC)


def make_orders(count: int, prefix: str = "O") -> list[dict]:
    return [{"order_id": f"{prefix}{n:04d}", "order_total": "12.50"} for n in range(count)]


def query(call) -> dict[str, str]:
    """Return a recorded request's query as single values."""
    return {key: values[0] for key, values in parse_qs(urlsplit(call.request.url).query).items()}


def serve_orders(
    mocked: responses.RequestsMock, orders: list[dict], *, max_count: int = 100, total=True
):
    """Answer GET /orders like JOOR: slice the list by start_from and count (clamped)."""

    def answer(request):
        params = {k: v[0] for k, v in parse_qs(urlsplit(request.url).query).items()}
        start, count = int(params["start_from"]), min(int(params["count"]), max_count)
        page = orders[start : start + count]
        body = {"total": len(orders), "start_from": start, "count": len(page), "orders": page}
        if not total:
            del body["total"]
        return 200, {}, json.dumps(body)

    mocked.add_callback(responses.GET, ORDERS_URL, callback=answer)


def test_every_request_carries_the_oauth2_header_and_json_types(mocked, make_client):
    mocked.get(ORDERS_URL, json={"total": 0, "start_from": 0, "count": 0, "orders": []})

    make_client().check_connection()

    headers = mocked.calls[0].request.headers
    assert headers["Authorization"] == "OAuth2 " + base64.b64encode(TOKEN.encode()).decode()
    assert headers["Accept"] == "application/json"
    assert headers["Content-Type"] == "application/json"


def test_check_connection_reads_one_order_without_marking_it_exported(mocked, make_client):
    mocked.get(ORDERS_URL, json={"total": 9, "start_from": 0, "count": 1, "orders": make_orders(1)})
    client = make_client()

    client.check_connection()

    assert len(mocked.calls) == 1
    assert query(mocked.calls[0]) == {"sync": "0", "count": "1", "start_from": "0"}
    assert client.credits_used().used == 1


def test_pages_without_a_total_are_read_until_one_comes_back_empty(mocked, make_client):
    serve_orders(mocked, make_orders(250), max_count=80, total=False)  # JOOR caps pages at 80

    pages = list(make_client().iter_order_pages(START, END, 6))

    assert [o["order_id"] for p in pages for o in p.orders] == [f"O{n:04d}" for n in range(250)]
    assert all(page.total is None for page in pages)
    assert [query(call)["start_from"] for call in mocked.calls] == ["0", "80", "160", "240", "250"]


def test_orders_are_paged_to_the_end_with_sync_0_and_the_date_window(mocked, make_client):
    serve_orders(mocked, make_orders(250))

    pages = list(make_client().iter_order_pages(START, END, 6))

    assert [query(call)["start_from"] for call in mocked.calls] == ["0", "100", "200"]
    first = query(mocked.calls[0])
    assert first == {
        "order_type": "6",
        "export_status": "1",
        "sync": "0",
        "date_start": "2026-11-01T00:00:00Z",
        "date_end": "2026-11-08T00:00:00Z",
        "count": "100",
        "start_from": "0",
    }
    assert [(p.total, p.start_from, len(p.orders)) for p in pages] == [
        (250, 0, 100),
        (250, 100, 100),
        (250, 200, 50),
    ]


def test_pages_follow_what_came_back_when_joor_clamps_the_page_size(mocked, make_client):
    serve_orders(mocked, make_orders(120), max_count=50)

    orders = list(make_client().iter_orders(START, END, 2, overlap=0))

    assert [query(call)["start_from"] for call in mocked.calls] == ["0", "50", "100"]
    assert [o["order_id"] for o in orders] == [f"O{n:04d}" for n in range(120)]


def test_an_empty_page_where_the_total_promised_more_is_asked_again_once(mocked, make_client):
    mocked.get(ORDERS_URL, json={"total": 500, "orders": make_orders(100)})
    mocked.get(ORDERS_URL, json={"total": 500, "orders": []})
    mocked.get(ORDERS_URL, json={"total": 500, "orders": make_orders(100, "P")})
    mocked.get(ORDERS_URL, json={"total": 500, "orders": []})

    pages = list(make_client().iter_order_pages(START, END, 6))

    # A passing fault is read past; JOOR empty twice where its total says more ends the window
    # (JOOR's total may count what its filters then leave out).
    assert [query(call)["start_from"] for call in mocked.calls] == ["0", "100", "100", "200", "200"]
    assert [len(page.orders) for page in pages] == [100, 100, 0]


def test_an_empty_window_takes_one_request(mocked, make_client):
    serve_orders(mocked, [])

    assert list(make_client().iter_orders(START, END, 6)) == []
    assert len(mocked.calls) == 1


def test_dates_are_sent_in_utc_naive_taken_as_utc_and_the_end_rounded_up(mocked, make_client):
    serve_orders(mocked, [])
    plus_two = timezone(timedelta(hours=2))
    start = datetime(2026, 11, 1, 2, 30, 15, 999_000, tzinfo=plus_two)
    end = datetime(2026, 11, 2, 9, 0, 0, 1)

    list(make_client().iter_order_pages(start, end, 6))

    sent = query(mocked.calls[0])
    assert sent["date_start"] == "2026-11-01T00:30:15Z"
    assert sent["date_end"] == "2026-11-02T09:00:01Z"


def test_orders_stream_one_page_at_a_time(mocked, make_client):
    serve_orders(mocked, make_orders(250))
    orders = make_client().iter_orders(START, END, 6)

    next(orders)

    assert len(mocked.calls) == 1


def test_orders_shifted_forward_between_pages_are_yielded_once(mocked, make_client):
    orders = make_orders(150)

    def answer(request):
        start = int(parse_qs(urlsplit(request.url).query)["start_from"][0])
        if start > 0:
            # A new order sorts in before the second page: everything after it moves one later.
            orders.insert(0, {"order_id": "NEW"})
        page = orders[start : start + 100]
        return 200, {}, json.dumps({"total": len(orders), "orders": page})

    mocked.add_callback(responses.GET, ORDERS_URL, callback=answer)

    ids = [o["order_id"] for o in make_client().iter_orders(START, END, 6, overlap=0)]

    assert len(ids) == len(set(ids)) == 150
    assert ids[99] == "O0099" and ids[100] == "O0100"


def test_orders_without_an_id_come_through_once_each(mocked, make_client):
    # Refusing the page would block the window; the import fails such an order on its own.
    orders = make_orders(150)
    orders[97] = {"order_total": "1.00"}
    orders[98] = {"order_total": "2.00"}
    serve_orders(mocked, orders)

    got = list(make_client().iter_orders(START, END, 6))  # the overlap re-reads both

    assert len(got) == 150
    assert [o for o in got if "order_id" not in o] == [orders[97], orders[98]]


def test_overlap_keeps_an_order_that_shifted_back_between_pages(mocked, make_client):
    orders = make_orders(150)

    def answer(request):
        start = int(parse_qs(urlsplit(request.url).query)["start_from"][0])
        if start > 0 and orders[0]["order_id"] == "O0000":
            # The first order was modified again and left the window: the rest move one back.
            orders.pop(0)
        page = orders[start : start + 100]
        return 200, {}, json.dumps({"total": len(orders), "orders": page})

    mocked.add_callback(responses.GET, ORDERS_URL, callback=answer)

    ids = [o["order_id"] for o in make_client().iter_orders(START, END, 6)]

    assert sorted(ids) == [f"O{n:04d}" for n in range(150)]
    assert query(mocked.calls[1])["start_from"] == "95"


def test_on_page_sees_each_page_with_its_total(mocked, make_client):
    serve_orders(mocked, make_orders(150))
    seen: list[OrdersPage] = []

    orders = list(make_client().iter_orders(START, END, 6, overlap=0, on_page=seen.append))

    assert len(orders) == 150
    assert [(page.total, page.start_from) for page in seen] == [(150, 0), (150, 100)]


@pytest.mark.parametrize(
    "options",
    [{"page_size": MAX_PAGE_SIZE + 1}, {"page_size": 0}, {"overlap": 100}, {"overlap": -1}],
)
def test_bad_paging_options_are_refused_before_any_request(mocked, make_client, options):
    with pytest.raises(ValueError):
        list(make_client().iter_order_pages(START, END, 6, **options))
    assert len(mocked.calls) == 0


def test_a_window_that_ends_before_it_starts_is_refused(mocked, make_client):
    with pytest.raises(ValueError):
        list(make_client().iter_order_pages(END, START, 6))
    assert len(mocked.calls) == 0


ITEMS = [
    {"warehouse": "Default", "upc": "0123456789012", "inventory": 7},
    {
        "warehouse": "Default",
        "style_number": "S1",
        "style_identifier": "S1-BLK",
        "color_code": "BLK",
        "size": "M",
        "inventory": 0,
    },
]
INVENTORY_ANSWER = {
    "sku_count": 2,
    "inventory_log": [
        {"sku": "0123456789012", "inventory_log_id": "L1", "status": "pass", "message": ""},
        {"sku": "S1|S1-BLK|BLK|M", "inventory_log_id": None, "status": "fail", "message": "bad"},
    ],
}


def test_update_push_posts_the_items_without_overwrite(mocked, make_client):
    mocked.post(INVENTORY_URL, json=INVENTORY_ANSWER)
    client = make_client()

    result = client.push_inventory(ITEMS, overwrite=False)

    request = mocked.calls[0].request
    assert urlsplit(request.url).query == ""
    assert request.headers["Content-Type"] == "application/json"
    assert json.loads(request.body) == {"inventory_items": ITEMS}
    assert result == InventoryResult(
        sku_count=2,
        verdicts=[
            SkuVerdict(sku="0123456789012", status="pass", message="", log_id="L1"),
            SkuVerdict(sku="S1|S1-BLK|BLK|M", status="fail", message="bad", log_id=None),
        ],
    )
    assert [verdict.passed for verdict in result.verdicts] == [True, False]
    assert client.credits_used().used == 5


def test_overwrite_push_sends_overwrite_1_and_dec_pending_only_when_asked(mocked, make_client):
    mocked.post(INVENTORY_URL, json=INVENTORY_ANSWER)
    client = make_client()

    client.push_inventory(ITEMS, overwrite=True)
    client.push_inventory(ITEMS, overwrite=True, dec_pending=True)

    assert query(mocked.calls[0]) == {"overwrite": "1"}
    assert query(mocked.calls[1]) == {"overwrite": "1", "dec_pending": "1"}


def test_an_empty_push_sends_nothing(mocked, make_client):
    result = make_client().push_inventory([], overwrite=False)

    assert result == InventoryResult(sku_count=0, verdicts=[])
    assert len(mocked.calls) == 0
