"""Faults on demand: error rate, latency, 429 storms, truncation, malformed bodies, revocation."""

from __future__ import annotations

import json

import pytest


def set_faults(client, **settings):
    response = client.post("/_sim/faults", json=settings)
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()


def statuses(client, headers, n):
    return [client.get("/v2/orders?sync=0", headers=headers).status_code for _ in range(n)]


def test_error_rate_is_reproducible_with_fault_seed(client, headers):
    set_faults(client, error_rate=0.3, fault_seed=42)
    first = statuses(client, headers, 60)
    set_faults(client, fault_seed=42)
    assert statuses(client, headers, 60) == first
    assert set(first) <= {200, 500, 502, 503} and 200 in first
    assert 5 <= sum(s != 200 for s in first) <= 35


def test_error_rate_one_fails_everything_and_zero_nothing(client, headers):
    set_faults(client, error_rate=1)
    assert all(s >= 500 for s in statuses(client, headers, 10))
    set_faults(client, error_rate=0)
    assert statuses(client, headers, 5) == [200] * 5


def test_storm_429_hits_the_next_n_requests_without_spending_credits(client, headers):
    set_faults(client, storm_429=3)
    responses = [client.get("/v2/orders?sync=0", headers=headers) for _ in range(4)]
    assert [r.status_code for r in responses] == [429, 429, 429, 200]
    assert responses[0].headers["Retry-After"] == "1"
    assert client.get("/_sim/credits").get_json()["used"] == 1


def test_truncated_responses_are_cut_json(client, headers):
    set_faults(client, truncate_next=1)
    cut = client.get("/v2/orders?sync=0&count=5", headers=headers)
    assert cut.status_code == 200
    with pytest.raises(json.JSONDecodeError):
        json.loads(cut.get_data(as_text=True))
    whole = client.get("/v2/orders?sync=0&count=5", headers=headers)
    assert whole.get_data().startswith(cut.get_data())
    assert whole.get_json()["count"] == 5


def test_malformed_responses_rotate_html_and_wrong_shapes(client, headers):
    set_faults(client, malformed_next=3)
    bodies = [client.get("/v2/orders?sync=0", headers=headers) for _ in range(3)]
    assert all(b.status_code == 200 for b in bodies)
    assert bodies[0].mimetype == "text/html"
    assert bodies[1].get_json() == ["unexpected"]
    assert "orders" not in bodies[2].get_json()
    assert "orders" in client.get("/v2/orders?sync=0", headers=headers).get_json()


def test_truncated_push_still_applies(client, headers):
    upc = client.get("/_sim/catalog").get_json()["skus"][0]["upc"]
    set_faults(client, truncate_next=1)
    item = {"warehouse": "Default", "upc": upc, "inventory": 4}
    client.post("/v2/bulk-inventory", json={"inventory_items": [item]}, headers=headers)
    items = client.get("/_sim/inventory").get_json()["items"]
    assert [(i["upc"], i["inventory"]) for i in items] == [(upc, 4)]


def test_revoked_token_gets_401_from_then_on(client, headers):
    assert client.get("/v2/orders", headers=headers).status_code == 200
    shown = set_faults(client, revoke_tokens=["demo-token"])
    assert shown["revoke_tokens"] == ["...oken"]
    assert client.get("/v2/orders", headers=headers).status_code == 401


def test_latency_delays_requests(client, headers):
    set_faults(client, latency_ms=1)
    assert client.get("/_sim/faults").get_json()["latency_ms"] == 1
    assert client.get("/v2/orders", headers=headers).status_code == 200


def test_arrivals_shift_the_window_while_paging(client, headers):
    query = {"sync": 0, "order_type": 8, "count": 20}
    window = client.get("/v2/orders", query_string=query, headers=headers).get_json()["orders"]
    start, end = window[0]["date_modified"], window[-1]["date_modified"]
    query |= {"date_start": start, "date_end": end}
    before = client.get("/v2/orders", query_string=query, headers=headers).get_json()["total"]
    set_faults(client, arrivals_per_page=2, fault_seed=1)
    first = client.get("/v2/orders", query_string=query, headers=headers).get_json()
    again = client.get("/v2/orders", query_string=query, headers=headers).get_json()
    assert first["total"] == before and again["total"] == before + 2
    assert first["orders"] != again["orders"]
    assert all(start <= o["date_modified"] < end for o in again["orders"])


@pytest.mark.parametrize(
    "settings", [{"error_rate": 2}, {"storm_429": -1}, {"nonsense": 1}, {"revoke_tokens": "x"}]
)
def test_bad_fault_settings_are_400(client, settings):
    assert client.post("/_sim/faults", json=settings).status_code == 400


def test_faults_can_be_set_at_construction(make_client, headers):
    c = make_client(orders=3, faults={"storm_429": 1})
    assert c.get("/v2/orders", headers=headers).status_code == 429
    assert c.get("/v2/orders", headers=headers).status_code == 200
