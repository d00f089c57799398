"""Changes made in JOOR through the API (`changed_in_joor_at`, history, `changed_since`) and CLI."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from tests.jobs.order_support import import_now
from tests.sync.change_support import (
    approved_ids,
    order_of,
    poll_now,
)
from webapp.models.base import utcnow
from webapp.stores import issue_api_key


@pytest.fixture
def api(client, approved_store):
    """A client sending the store's API key."""
    client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {issue_api_key(approved_store)}"
    return client


def test_one_order_carries_when_it_changed_in_joor_and_its_history(
    app, api, approved_store, small_sim
):
    changed, untouched = approved_ids(small_sim, 2)
    import_now(app, approved_store)
    small_sim.state.patch_order(int(changed), {"order_type_name": "Cancelled"})
    run = poll_now(app, approved_store)
    order = api.get(f"/api/v1/orders/{order_of(approved_store, changed).id}").json
    assert order["folder"] == "Cancelled in JOOR" and order["changed_in_joor_at"]
    (entry,) = order["history"]
    assert entry["changes"] == ["Status Approved → Cancelled"] and entry["cancelled"] is True
    assert (entry["outcome"], entry["run_id"]) == ("updated", run.id)
    assert (entry["moved_from"], entry["moved_to"]) == ("New", "Cancelled in JOOR")
    assert entry["action"] == "Updated here and moved to Cancelled in JOOR."
    assert entry["at"] and entry["joor_modified_at"]
    plain = api.get(f"/api/v1/orders/{order_of(approved_store, untouched).id}").json
    assert plain["changed_in_joor_at"] is None and plain["history"] == []


def test_orders_changed_since_a_moment_are_listed_and_a_bad_moment_is_refused(
    app, api, approved_store, small_sim
):
    changed = approved_ids(small_sim, 2)
    import_now(app, approved_store)
    assert api.get("/api/v1/orders?changed_since=2020-01-01").json["total"] == 0
    before = (utcnow() - timedelta(seconds=1)).isoformat()
    for source_id in changed:
        small_sim.state.patch_order(int(source_id), {"customer_purchase_order": "PO-CHANGED"})
    poll_now(app, approved_store)
    body = api.get("/api/v1/orders", query_string={"changed_since": before}).json
    assert sorted(o["source_id"] for o in body["orders"]) == sorted(changed)
    assert all(o["po_number"] == "PO-CHANGED" for o in body["orders"])
    later = (utcnow() + timedelta(minutes=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert api.get(f"/api/v1/orders?changed_since={later}").json["total"] == 0
    # An offset's "+" sent unescaped arrives as a space: still read as the offset.
    assert api.get("/api/v1/orders?changed_since=2020-01-01T00:00:00 00:00").json["total"] == 2
    bad = api.get("/api/v1/orders?changed_since=yesterday")
    assert bad.status_code == 400
    assert bad.json["error"]["field"] == "changed_since"
    assert "ISO 8601" in bad.json["error"]["message"]


def test_joor_import_counts_orders_changed_in_joor(app, runner, approved_store, small_sim):
    (source_id,) = approved_ids(small_sim, 1)
    since = (utcnow() - timedelta(days=10)).date().isoformat()
    first = runner.invoke(args=["joor", "import", "--store", "acme", "--since", since])
    assert json.loads(first.output)["changed"] == 0
    small_sim.state.patch_order(int(source_id), {"line_items": {"1": {"item_quantity": "3"}}})
    again = json.loads(
        runner.invoke(args=["joor", "import", "--store", "acme", "--since", since]).output
    )
    assert (again["imported"], again["changed"]) == (0, 1)
    assert again["already_present"] == json.loads(first.output)["imported"] - 1
