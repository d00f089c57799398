"""The simulator's dialects: each form of JOOR's answers that its public reference leaves open."""

from __future__ import annotations

import subprocess
import sys

import pytest
import requests

from joorsim.dialects import DIALECTS

SKU_FIELDS = ("upc", "inventory")


def orders_of(client, headers, path: str = "/v2/orders", **params):
    params.setdefault("sync", 0)
    params.setdefault("order_type", 8)
    return client.get(path, query_string=params, headers=headers)


def test_the_dialects_the_issue_asks_for_are_all_served():
    asked = {"reference", "order-path", "bare-list", "page-number", "next-key",
             "inventory-container", "empty-null", "account-overwrite"}  # fmt: skip
    assert asked <= set(DIALECTS)


def test_reference_answers_as_before(make_client, headers):
    body = orders_of(make_client(orders=30), headers, count=10, start_from=5).get_json()
    assert list(body) == ["total", "start_from", "count", "orders"]
    assert (body["total"], body["start_from"], body["count"]) == (30, 5, 10)
    assert orders_of(make_client(orders=30), headers, "/v2/order/").status_code == 404


def test_order_path_serves_only_slash_order_and_a_404_costs_nothing(make_client, headers):
    client = make_client(orders=30, dialect="order-path")
    missing = orders_of(client, headers)
    assert missing.status_code == 404 and missing.get_json()["error"] == "not_found"
    assert client.get("/_sim/credits").get_json()["used"] == 0
    assert orders_of(client, headers, "/v2/order/").get_json()["total"] == 30
    assert orders_of(client, headers, "/v2/order").status_code == 200


def test_bare_list_answers_a_list_without_a_total(make_client, headers):
    body = orders_of(make_client(orders=30, dialect="bare-list"), headers, count=10).get_json()
    assert isinstance(body, list) and len(body) == 10


def test_page_number_counts_pages_from_1_and_reads_0_as_1(make_client, headers):
    client = make_client(orders=30, dialect="page-number")
    ids = {
        start: [o["order_id"] for o in orders_of(client, headers, count=10, start_from=start)
                .get_json()["orders"]]
        for start in (0, 1, 2, 3, 4)
    }  # fmt: skip
    assert ids[0] == ids[1] and len(set(ids[1] + ids[2] + ids[3])) == 30 and ids[4] == []


def test_next_key_names_the_next_position_and_null_at_the_end(make_client, headers):
    client = make_client(orders=25, dialect="next-key")
    first = orders_of(client, headers, count=10).get_json()
    last = orders_of(client, headers, count=10, start_from=20).get_json()
    assert "total" not in first and first["next"] == 10
    assert last["next"] is None and len(last["orders"]) == 5


def test_empty_null_answers_null_for_no_orders(make_client, headers):
    client = make_client(orders=5, dialect="empty-null")
    assert orders_of(client, headers, start_from=50).get_json()["orders"] is None
    assert len(orders_of(client, headers).get_json()["orders"]) == 5


def test_fraction_dates_refuse_the_plain_form_and_answer_with_fractions(make_client, headers):
    client = make_client(orders=20, dialect="fraction-dates")
    plain = {"date_start": "2020-01-01T00:00:00Z", "date_end": "2030-01-01T00:00:00Z"}
    refused = orders_of(client, headers, **plain)
    assert refused.status_code == 400 and "date_start" in refused.get_json()["message"]
    fraction = {name: value.replace("Z", ".000Z") for name, value in plain.items()}
    order = orders_of(client, headers, **fraction).get_json()["orders"][0]
    assert order["date_modified"].endswith(".250+00:00")
    assert len(order.get("date_ship_start") or "2026-01-01") == 10


def push(client, headers, items, overwrite=False):
    path = "/v2/bulk-inventory" + ("?overwrite=1" if overwrite else "")
    return client.post(path, json={"inventory_items": items}, headers=headers).get_json()


def two_skus(client) -> list[dict]:
    return client.get("/_sim/catalog").get_json()["skus"][:2]


def test_inventory_container_wraps_the_log_and_drops_messages_of_passes(make_client, headers):
    client = make_client(dialect="inventory-container")
    sku = two_skus(client)[0]
    items = [{"warehouse": "Default", "upc": sku["upc"], "inventory": 3},
             {"warehouse": "Nowhere", "upc": sku["upc"], "inventory": 3}]  # fmt: skip
    log = push(client, headers, items)["inventory_log"]
    passed, failed = log["inventory_item"]
    assert "message" not in passed and passed["status"] == "pass"
    assert failed["message"] == "unknown warehouse: Nowhere"


@pytest.mark.parametrize(
    ("dialect", "secondary_left"), [("reference", 1), ("account-overwrite", 0)]
)
def test_account_overwrite_drops_the_other_warehouses_too(
    make_client, headers, dialect, secondary_left
):
    client = make_client(dialect=dialect)
    first, second = two_skus(client)
    push(client, headers, [{"warehouse": "Secondary", "upc": second["upc"], "inventory": 4}])
    push(client, headers, [{"warehouse": "Default", "upc": first["upc"], "inventory": 2}], True)
    state = client.application.extensions["joorsim"]
    assert len(state.read_inventory("Secondary")) == secondary_left
    assert len(state.read_inventory("Default")) == 1


def test_the_dialect_switches_at_run_time_and_reset_keeps_the_one_started_with(
    make_client, headers
):
    client = make_client(orders=12)
    assert client.get("/_sim/dialect").get_json()["dialect"] == "reference"
    switched = client.post("/_sim/dialect", json={"dialect": "bare-list"})
    assert switched.get_json()["dialect"] == "bare-list"
    assert isinstance(orders_of(client, headers).get_json(), list)
    unknown = client.post("/_sim/dialect", json={"dialect": "klingon"})
    assert unknown.status_code == 400 and "page-number" in unknown.get_json()["message"]
    client.post("/_sim/reset")
    assert client.get("/_sim/dialect").get_json()["dialect"] == "reference"


def test_a_fault_plan_hands_each_request_its_fault_in_turn(make_client, headers):
    client = make_client(orders=12)
    plan = ["429", "ok", "malformed", "truncate", "500"]
    client.post("/_sim/faults", json={"plan": plan, "storm_retry_after": 0})
    answers = [orders_of(client, headers, count=2) for _ in range(6)]
    assert [a.status_code for a in answers] == [429, 200, 200, 200, 500, 200]
    assert answers[0].headers["Retry-After"] == "0"
    assert answers[2].get_json() != answers[1].get_json()
    assert answers[3].get_data() != answers[1].get_data()
    assert answers[5].get_json() == answers[1].get_json()
    bad = client.post("/_sim/faults", json={"plan": ["explode"]})
    assert bad.status_code == 400


def test_the_cli_serves_the_dialect_it_is_given():
    cmd = [sys.executable, "-m", "joorsim", "--port", "0", "--orders", "30", "--dialect",
           "page-number"]  # fmt: skip
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        line = proc.stdout.readline()
        assert "dialect page-number" in line
        base = line.split()[3]
        headers = {"Authorization": "OAuth2 ZGVtby10b2tlbg==", "Content-Type": "application/json"}
        second = requests.get(
            f"{base}/orders",
            params={"sync": 0, "order_type": 8, "count": 10, "start_from": 3},
            headers=headers,
            timeout=5,
        ).json()
        assert len(second["orders"]) == 10 and second["total"] == 30
    finally:
        proc.terminate()
        proc.wait(timeout=5)
