"""`probe(client)`: at most three GETs that name how an account's JOOR answers."""

from __future__ import annotations

import json
from urllib.parse import parse_qs, urlsplit

import responses

from tests.unit.joor.conftest import ENCODED_TOKEN, TOKEN
from webapp.joor import Dialect, probe

BASE = "https://api.example-joor.test/v2"
ORDERS_URL, ORDER_URL = BASE + "/orders", BASE + "/order/"
EVERYTHING = [{"order_id": f"O{n}", "customer_name": f"Buyer {n}"} for n in range(10)]


def serve(mocked, url, *, paging="offset", wrapper="orders", total=True, empty=None):
    """Answer like a JOOR of the given form; a dated query is the empty window."""

    def callback(request):
        params = {k: v[0] for k, v in parse_qs(urlsplit(request.url).query).items()}
        start, count = int(params["start_from"]), int(params["count"])
        if "date_start" in params:
            return 200, {"X-Throttling-Account-Id": "acct-9"}, json.dumps(empty)
        first = (max(start, 1) - 1) * count if paging == "pages" else start
        page = EVERYTHING[first : first + count]
        if wrapper == "bare":
            return 200, {}, json.dumps(page)
        body = {"orders": page} | ({"total": len(EVERYTHING)} if total else {})
        if paging == "next":
            body["next_start_from"] = start + count
        return 200, {"X-RateLimit-Remaining": "297"}, json.dumps(body)

    mocked.add_callback(responses.GET, url, callback=callback)


def test_a_reference_account_is_named_in_three_calls(mocked, make_client):
    serve(mocked, ORDERS_URL, empty={"total": 0, "orders": []})
    client = make_client()

    found = probe(client)

    assert [(c["path"], c["status"]) for c in found["calls"]] == [("/orders", 200)] * 3
    assert (found["orders_path"], found["wrapper"], found["total"]) == (
        "/orders",
        "orders",
        "present",
    )
    assert (found["paging"], found["empty_answer"], found["date_form"]) == (
        "offset",
        "orders",
        "plain",
    )
    assert found["credits"] == 3 and found["problems"] == []
    assert found["rate_limit_headers"] == {
        "X-RateLimit-Remaining": "297",
        "X-Throttling-Account-Id": "acct-9",
    }
    assert found["order_fields"] == ["customer_name", "order_id"]
    assert (client.dialect.orders_path, client.dialect.paging) == ("/orders", "offset")


def test_the_other_path_takes_a_call_and_the_empty_window_is_left_out(mocked, make_client):
    mocked.get(ORDERS_URL, status=404, json={"error": "not_found"})
    serve(mocked, ORDER_URL, wrapper="bare")

    found = probe(make_client())

    assert [(c["path"], c["status"]) for c in found["calls"]] == [
        ("/orders", 404),
        ("/order/", 200),
        ("/order/", 200),
    ]
    assert (found["orders_path"], found["wrapper"], found["total"]) == (
        "/order/",
        "bare-list",
        "absent",
    )
    assert found["paging"] == "offset" and "empty_answer" not in found


def test_page_numbers_and_a_null_empty_answer_are_named(mocked, make_client):
    serve(mocked, ORDERS_URL, paging="pages", empty={"orders": None})

    found = probe(make_client())

    assert found["paging"] == "page-numbers"
    assert found["empty_answer"] == "orders:null"
    assert found["empty_answer_words"] == '"orders": null (no orders)'


def test_a_next_key_needs_no_paging_call(mocked, make_client):
    serve(mocked, ORDERS_URL, paging="next", total=False, empty={"orders": []})

    found = probe(make_client(dialect=Dialect(orders_path="/orders")))

    assert len(found["calls"]) == 2
    assert (found["paging"], found["next_key"]) == ("next-key", "next_start_from")


def test_a_refused_token_is_reported_in_words_after_one_call(mocked, make_client):
    mocked.get(ORDERS_URL, status=401, body=f"bad token {TOKEN}")

    found = probe(make_client())

    assert len(found["calls"]) == 1 and found["orders_path"] is None
    assert "refused the access token (401)" in found["problems"][0]


def test_the_token_appears_nowhere_in_the_findings(mocked, make_client):
    mocked.get(
        ORDERS_URL,
        json={"orders": [{"order_id": "A"}], "note": f"for {TOKEN}"},
        headers={"X-RateLimit-Account": f"OAuth2 {ENCODED_TOKEN}"},
    )

    text = json.dumps(probe(make_client()))

    assert TOKEN not in text and ENCODED_TOKEN not in text


def test_a_plain_date_form_refused_is_named_and_remembered(mocked, make_client):
    serve(mocked, ORDERS_URL)
    mocked.replace(responses.GET, ORDERS_URL, json={"total": 1, "orders": EVERYTHING[:1]})
    mocked.add(responses.GET, ORDERS_URL, status=400, json={"message": "bad date_start"})
    client = make_client()

    found = probe(client)

    assert found["date_form"] == client.dialect.date_form == "fraction"
    assert "refused the plain date form (400)" in found["date_form_words"]


def test_a_known_fractional_form_is_what_the_empty_window_sends(mocked, make_client):
    serve(mocked, ORDERS_URL, empty={"orders": []})

    found = probe(make_client(dialect=Dialect(date_form="fraction")))

    sent = parse_qs(urlsplit(mocked.calls[-1].request.url).query)["date_start"][0]
    assert sent == "2000-01-01T00:00:00.000Z" and found["empty_answer"] == "orders"
