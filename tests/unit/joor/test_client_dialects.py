"""Every form JOOR's public reference leaves open: paths, wrappers, paging, dates, inventory."""

from __future__ import annotations

import json
import math
from datetime import UTC, datetime
from urllib.parse import parse_qs, urlsplit

import pytest
import responses

from webapp.joor import (
    FRACTION_DATES,
    NEXT_KEY,
    OFFSET,
    PAGES,
    PAGES_FROM_0,
    Dialect,
    JoorBadRequestError,
    JoorPagingError,
)

BASE = "https://api.example-joor.test/v2"
ORDERS_URL, ORDER_URL = BASE + "/orders", BASE + "/order/"
INVENTORY_URL = BASE + "/bulk-inventory"
START, END = datetime(2026, 11, 1, tzinfo=UTC), datetime(2026, 11, 8, tzinfo=UTC)


def orders(count: int, prefix: str = "O") -> list[dict]:
    return [{"order_id": f"{prefix}{n:05d}"} for n in range(count)]


def query(call) -> dict[str, str]:
    return {key: values[0] for key, values in parse_qs(urlsplit(call.request.url).query).items()}


def starts(mocked) -> list[str]:
    return [query(call)["start_from"] for call in mocked.calls]


def ids_of(pages) -> list[str]:
    return [order["order_id"] for page in pages for order in page.orders]


def serve(mocked, answer, url: str = ORDERS_URL) -> None:
    """Answer GET url with answer(start_from, count) -> JSON body."""

    def callback(request):
        params = {k: v[0] for k, v in parse_qs(urlsplit(request.url).query).items()}
        return 200, {}, json.dumps(answer(params["start_from"], int(params["count"])))

    mocked.add_callback(responses.GET, url, callback=callback)


def by_page(everything: list[dict], *, base: int, total: bool = True):
    """JOOR numbering pages: start_from counts pages from `base` (below it, the first page)."""

    def answer(start: str, count: int) -> dict:
        number = max(int(start), base) - base
        body = {"orders": everything[number * count : (number + 1) * count]}
        return {"total": len(everything), **body} if total else body

    return answer


# -- the orders path ------------------------------------------------------------------------


def test_a_404_on_the_orders_path_falls_back_to_the_other_and_remembers_it(mocked, make_client):
    mocked.get(ORDERS_URL, status=404, json={"error": "not_found"})
    mocked.get(ORDER_URL, json={"total": 1, "orders": orders(1)})
    client = make_client()

    client.check_connection()
    client.check_connection()

    assert [urlsplit(call.request.url).path for call in mocked.calls] == [
        "/v2/orders",
        "/v2/order/",
        "/v2/order/",
    ]
    assert client.dialect.orders_path == "/order/"


def test_a_remembered_path_is_asked_first(mocked, make_client):
    mocked.get(ORDER_URL, json={"total": 0, "orders": []})

    make_client(dialect=Dialect(orders_path="/order/")).check_connection()

    assert len(mocked.calls) == 1


def test_a_404_on_both_paths_says_to_check_the_environment(mocked, make_client):
    mocked.get(ORDERS_URL, status=404)
    mocked.get(ORDER_URL, status=404)

    with pytest.raises(JoorBadRequestError) as raised:
        make_client().check_connection()

    assert "does not know the orders address (/orders nor /order/; 404)" in (
        raised.value.user_message
    )
    assert "environment (Production or Sandbox)" in raised.value.user_message


@pytest.mark.parametrize(
    "answer",
    [
        {"status": 503, "body": "busy"},
        {"status": 429, "headers": {"Retry-After": "30"}},
        {"status": 200, "body": "<html>maintenance</html>"},
    ],
)
def test_a_token_check_is_one_call_whatever_joor_answers(mocked, make_client, clock, answer):
    mocked.get(ORDERS_URL, **answer)

    with pytest.raises(Exception):  # noqa: B017 - each answer has its own error type
        make_client().check_connection()

    assert len(mocked.calls) == 1
    assert clock.waits == []


def test_a_redirect_is_never_followed_to_another_host(mocked, make_client):
    mocked.get(ORDERS_URL, status=301, headers={"Location": "https://elsewhere.test/v2/orders"})

    with pytest.raises(JoorBadRequestError) as raised:
        make_client(dialect=Dialect(orders_path="/orders")).check_connection()

    assert [urlsplit(call.request.url).netloc for call in mocked.calls] == ["api.example-joor.test"]
    assert "redirect (301), which is not followed" in raised.value.user_message


# -- the orders answer's wrapper ------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "wrapper", "count"),
    [
        ({"orders": orders(3)}, "orders", 3),
        (orders(3), "bare-list", 3),
        ({"total": 3, "data": orders(3)}, "key:data", 3),
        ({"orders": {"order": orders(3)}}, "orders.order", 3),
        ({"total": 0, "orders": None}, "orders:null", 0),
        ("null", "null", 0),
        ([], "bare-list", 0),
        ({"total": 0, "start_from": 0, "count": 0}, "no-list", 0),
        ({"message": "no orders found", "total": 0}, "no-list", 0),
    ],
)
def test_every_plausible_wrapper_is_read_and_named(mocked, make_client, body, wrapper, count):
    mocked.get(ORDERS_URL, body=body if isinstance(body, str) else json.dumps(body))

    page = make_client().check_connection()

    assert (page.wrapper, len(page.orders)) == (wrapper, count)


# -- paging ---------------------------------------------------------------------------------


def test_offsets_are_confirmed_by_the_overlap_at_no_extra_cost(mocked, make_client):
    everything = orders(250)
    serve(mocked, lambda s, c: {"total": 250, "orders": everything[int(s) : int(s) + c]})
    client = make_client()

    pages = list(client.iter_order_pages(START, END, 6, overlap=5))

    assert starts(mocked) == ["0", "95", "190"]
    assert sorted(set(ids_of(pages))) == [o["order_id"] for o in everything]
    assert client.dialect.paging == OFFSET


@pytest.mark.parametrize("total", [True, False])
def test_page_numbers_from_1_are_detected_and_every_order_read_once(mocked, make_client, total):
    everything = orders(250)
    serve(mocked, by_page(everything, base=1, total=total))
    client = make_client()

    pages = list(client.iter_order_pages(START, END, 6, overlap=5))

    # 95 is page 95 (nothing there); 1 is the first page again: JOOR numbers pages from 1.
    assert starts(mocked) == ["0", "95", "1", "2", "3"]
    assert ids_of(pages) == [o["order_id"] for o in everything]
    assert client.dialect.paging == PAGES


def test_page_numbers_from_0_are_detected(mocked, make_client):
    everything = orders(250)
    serve(mocked, by_page(everything, base=0))
    client = make_client()

    pages = list(client.iter_order_pages(START, END, 6, overlap=5))

    assert starts(mocked) == ["0", "95", "1", "2"]
    assert ids_of(pages) == [o["order_id"] for o in everything]
    assert client.dialect.paging == PAGES_FROM_0


def test_remembered_page_numbers_cost_no_detection(mocked, make_client):
    everything = orders(250)
    serve(mocked, by_page(everything, base=1))

    pages = list(make_client(dialect=Dialect(paging=PAGES)).iter_order_pages(START, END, 6))

    assert starts(mocked) == ["1", "2", "3"]
    assert ids_of(pages) == [o["order_id"] for o in everything]


def test_page_numbers_step_back_when_orders_leave_the_window(mocked, make_client):
    everything = orders(250)

    def answer(start: str, count: int) -> dict:
        if start == "2" and everything[0]["order_id"] == "O00000":
            del everything[:3]  # three orders read on page 1 were modified again
        return by_page(everything, base=1)(start, count)

    serve(mocked, answer)
    client = make_client(dialect=Dialect(paging=PAGES))

    got = set(ids_of(client.iter_order_pages(START, END, 6)))

    assert got >= {o["order_id"] for o in everything}
    assert starts(mocked) == ["1", "2", "1", "3"]


def test_a_next_position_is_followed_with_the_overlap(mocked, make_client):
    everything = orders(250)

    def answer(start: str, count: int) -> dict:
        position = int(start)
        after = position + count
        return {"orders": everything[position:after], "next": after if after < 250 else None}

    serve(mocked, answer)
    client = make_client()

    pages = list(client.iter_order_pages(START, END, 6, overlap=5))

    assert starts(mocked) == ["0", "95", "190"]
    assert sorted(set(ids_of(pages))) == [o["order_id"] for o in everything]
    assert client.dialect.paging == NEXT_KEY


def test_a_next_page_named_by_address_gives_only_its_start_never_its_host(mocked, make_client):
    everything = orders(150)

    def answer(start: str, count: int) -> dict:
        position = int(start)
        following = f"https://elsewhere.test/steal?start_from={position + 100}"
        return {"orders": everything[position : position + 100], "next_page": following}

    serve(mocked, answer)

    pages = list(make_client().iter_order_pages(START, END, 6))

    assert {urlsplit(call.request.url).netloc for call in mocked.calls} == {"api.example-joor.test"}
    assert ids_of(pages) == [o["order_id"] for o in everything]


@pytest.mark.parametrize("total", [True, False])
def test_joor_ignoring_start_from_fails_in_words_instead_of_paging_forever(
    mocked, make_client, total
):
    body = {"orders": orders(100)} | ({"total": 1000} if total else {})
    mocked.get(ORDERS_URL, json=body)

    with pytest.raises(JoorPagingError) as raised:
        list(make_client().iter_order_pages(START, END, 6, overlap=5))

    assert len(mocked.calls) <= 3
    assert "did not add up" in raised.value.user_message
    assert "orders read so far are kept" in raised.value.user_message


def test_a_next_position_named_twice_fails_in_words(mocked, make_client):
    serve(mocked, lambda s, c: {"orders": orders(100, f"S{s}-"), "next": 7})

    with pytest.raises(JoorPagingError) as raised:
        list(make_client().iter_order_pages(START, END, 6))

    assert "named position 7 again" in str(raised.value)
    assert len(mocked.calls) == 2


def test_pages_beyond_what_the_total_allows_fail_in_words(mocked, make_client):
    # After a full first page JOOR brings one order more per page while saying 250 in all.
    everything = orders(250)
    serve(mocked, lambda s, c: {"total": 250, "orders": everything[int(s) : int(s) + (
        c if s == "0" else 6)]})  # fmt: skip

    with pytest.raises(JoorPagingError) as raised:
        list(make_client().iter_order_pages(START, END, 6, overlap=5))

    allowed = math.ceil(250 / 95) + 3
    assert len(mocked.calls) == allowed + 1
    assert f"needed more than {allowed} pages for 250" in str(raised.value)


def test_without_a_total_a_window_still_ends(mocked, make_client, monkeypatch):
    monkeypatch.setattr("webapp.joor.paging.MAX_PAGES", 20)
    serve(mocked, lambda s, c: {"orders": orders(100, f"S{s}-")})  # new orders without end

    with pytest.raises(JoorPagingError) as raised:
        list(make_client(dialect=Dialect(paging=OFFSET)).iter_order_pages(START, END, 6))

    assert len(mocked.calls) == 21
    assert "more than 20 pages" in str(raised.value)


# -- dates ----------------------------------------------------------------------------------


def test_a_400_naming_the_date_sends_fractional_seconds_and_remembers(mocked, make_client):
    refusal = {"message": "date_start must be YYYY-MM-DDThh:mm:ss.sTZD"}

    def answer(request):
        params = {k: v[0] for k, v in parse_qs(urlsplit(request.url).query).items()}
        if "." not in params["date_start"]:
            return 400, {}, json.dumps(refusal)
        return 200, {}, json.dumps({"total": 0, "orders": []})

    mocked.add_callback(responses.GET, ORDERS_URL, callback=answer)
    client = make_client()

    list(client.iter_order_pages(START, END, 6))
    list(client.iter_order_pages(START, END, 6))

    sent = [query(call)["date_start"] for call in mocked.calls]
    assert sent == ["2026-11-01T00:00:00Z", "2026-11-01T00:00:00.000Z", "2026-11-01T00:00:00.000Z"]
    assert query(mocked.calls[1])["date_end"] == "2026-11-08T00:00:00.000Z"
    assert client.dialect.date_form == FRACTION_DATES


def test_a_400_about_something_else_is_not_sent_again(mocked, make_client):
    mocked.get(ORDERS_URL, status=400, json={"message": "order_type must be 1-8"})

    with pytest.raises(JoorBadRequestError):
        list(make_client().iter_order_pages(START, END, 6))

    assert len(mocked.calls) == 1


# -- inventory ------------------------------------------------------------------------------

ITEMS = [{"warehouse": "Default", "upc": "0123", "inventory": 7}]


@pytest.mark.parametrize(
    ("log", "container"),
    [
        ([{"sku": "0123", "status": "pass"}], "inventory_log"),
        ({"inventory_item": [{"sku": "0123", "status": "pass"}]}, "inventory_log.inventory_item"),
        ({"inventory_item": {"sku": "0123", "status": "pass"}}, "inventory_log.inventory_item"),
        ({"sku": "0123", "status": "pass"}, "inventory_log"),
    ],
)
def test_inventory_verdicts_come_as_a_list_or_in_a_container(mocked, make_client, log, container):
    mocked.post(INVENTORY_URL, json={"sku_count": 1, "inventory_log": log})
    client = make_client()

    result = client.push_inventory(ITEMS, overwrite=False)

    assert [(v.sku, v.passed, v.message) for v in result.verdicts] == [("0123", True, "")]
    assert result.container == client.dialect.inventory_answer == container


@pytest.mark.parametrize(
    ("reason", "field"),
    [
        ("Unknown field: style_identifier", "style_identifier"),
        ("style_identifer is required", "style_identifer"),
        ("Invalid parameter 'upc'", "upc"),
    ],
)
def test_a_push_refused_for_a_field_says_which(mocked, make_client, reason, field):
    mocked.post(INVENTORY_URL, status=400, json={"message": reason})
    items = [{"warehouse": "Default", "upc": "1", "style_identifier": "S", "inventory": 1}]

    with pytest.raises(JoorBadRequestError) as raised:
        make_client().push_inventory(items, overwrite=False)

    assert raised.value.user_message.startswith(f'JOOR did not accept the field "{field}" (400)')
    assert f'JOOR said: "{reason}"' in raised.value.user_message


def test_a_refusal_about_a_value_keeps_joors_words(mocked, make_client):
    mocked.post(INVENTORY_URL, status=400, json={"message": "unknown warehouse: Defualt"})

    with pytest.raises(JoorBadRequestError) as raised:
        make_client().push_inventory(ITEMS, overwrite=False)

    assert raised.value.user_message == (
        'JOOR rejected the request (400). JOOR said: "unknown warehouse: Defualt"'
    )


def test_an_unreadable_push_answer_is_tried_again(mocked, make_client):
    mocked.post(INVENTORY_URL, body='{"sku_count": 1, "inventory_log": [{"sku"')
    mocked.post(INVENTORY_URL, json={"sku_count": 1, "inventory_log": [{"status": "pass"}]})

    result = make_client().push_inventory(ITEMS, overwrite=True)

    assert result.verdicts[0].passed
    assert len(mocked.calls) == 2


def test_a_transient_fault_is_still_retried_for_pages(mocked, make_client):
    mocked.get(ORDERS_URL, status=502)
    mocked.get(ORDERS_URL, json={"total": 0, "orders": []})

    assert list(make_client().iter_order_pages(START, END, 6))[0].orders == []
    assert len(mocked.calls) == 2


def test_each_page_says_what_reading_it_cost(mocked, make_client):
    everything = orders(250)
    serve(mocked, by_page(everything, base=1))

    pages = list(make_client().iter_order_pages(START, END, 6, overlap=5))

    # The page after the first also paid for the paging check (start_from 95, then 1).
    assert [page.credits for page in pages] == [1, 3, 1]
