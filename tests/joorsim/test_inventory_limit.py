"""The simulator refuses a bulk-inventory call over its SKU limit: 413, nothing applied."""

from __future__ import annotations

import pytest


@pytest.fixture
def skus(client):
    return client.get("/_sim/catalog").get_json()["skus"]


def items(skus, count):
    return [{"warehouse": "Default", "upc": sku["upc"], "inventory": 3} for sku in skus[:count]]


def test_a_call_over_the_limit_is_refused_whole_and_charged(client, headers, skus):
    client.post("/_sim/faults", json={"max_inventory_items": 4})

    refused = client.post(
        "/v2/bulk-inventory?overwrite=1", json={"inventory_items": items(skus, 5)}, headers=headers
    )

    assert refused.status_code == 413
    assert refused.get_json() == {
        "error": "too_many_items",
        "message": "at most 4 inventory items per call; got 5",
        "max_items": 4,
    }
    assert client.get("/_sim/inventory").get_json()["items"] == []
    assert client.get("/_sim/pushes").get_json()["pushes"] == []
    assert client.get("/_sim/credits").get_json()["used"] == 5  # JOOR had the call


def test_a_call_at_the_limit_passes_and_the_default_limit_is_a_thousand(client, headers, skus):
    assert client.get("/_sim/faults").get_json()["max_inventory_items"] == 1000
    client.post("/_sim/faults", json={"max_inventory_items": 4})

    passed = client.post(
        "/v2/bulk-inventory", json={"inventory_items": items(skus, 4)}, headers=headers
    )

    assert passed.status_code == 200 and passed.get_json()["sku_count"] == 4


def test_no_limit_when_set_to_zero(make_client, headers):
    client = make_client(orders=1, seed=3, styles=80, faults={"max_inventory_items": 0})
    skus = client.get("/_sim/catalog").get_json()["skus"]
    assert len(skus) > 1000

    passed = client.post(
        "/v2/bulk-inventory", json={"inventory_items": items(skus, 1001)}, headers=headers
    )

    assert passed.status_code == 200
