"""The real JOOR client (webapp.joor) against a running simulator: pages, pushes, faults."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
import requests

from joorsim.testing import RunningSimulator, running_simulator
from tests.fake_clock import FakeClock
from webapp.joor import ClientOptions, JoorAuthError, JoorClient, MemoryCreditBudget


@pytest.fixture(scope="module")
def sim() -> Iterator[RunningSimulator]:
    with running_simulator(orders=1000, seed=11, days=30) as running:
        yield running


@pytest.fixture(autouse=True)
def fresh(sim: RunningSimulator) -> None:
    requests.post(f"{sim.root_url}/_sim/reset", timeout=5).raise_for_status()


def make_client(
    sim: RunningSimulator, token: str = "demo-token", statuses: list[int] | None = None, **kwargs
) -> JoorClient:
    """A client with virtual time and a tiny backoff, noting each HTTP status it receives."""
    vt = FakeClock(start=1_000_000.0)
    session = requests.Session()
    if statuses is not None:
        session.hooks["response"].append(lambda r, *a, **k: statuses.append(r.status_code))
    budget = MemoryCreditBudget(clock=vt, sleep=vt.sleep)
    options = ClientOptions(
        budget=budget,
        session=session,
        timeout=5,
        backoff_base=0.01,
        backoff_cap=0.05,
        sleep=vt.sleep,
        **kwargs,
    )
    return JoorClient(token, sim.base_url, options)


def all_orders(client: JoorClient) -> list[str]:
    """Every order id the client yields for the last 31 days, all order types."""
    now = datetime.now(UTC)
    orders = client.iter_orders(now - timedelta(days=31), now + timedelta(days=1), 8)
    return [str(o["order_id"]) for o in orders]


def test_client_lists_all_orders_exactly_once(sim):
    client = make_client(sim)
    pages = list(
        client.iter_order_pages(
            datetime.now(UTC) - timedelta(days=31), datetime.now(UTC) + timedelta(days=1), 8
        )
    )
    assert sum(len(p.orders) for p in pages) == 1000 and pages[0].total == 1000
    ids = all_orders(client)
    assert len(ids) == 1000 and len(set(ids)) == 1000
    # the client reads with sync=0, so nothing was marked exported in the simulator
    marked = requests.get(
        f"{sim.base_url}/orders",
        params={"sync": 0, "order_type": 8, "export_status": 3},
        headers=_headers(),
        timeout=5,
    ).json()
    assert marked["total"] == 0


def _headers() -> dict[str, str]:
    token = base64.b64encode(b"demo-token").decode()
    return {"Authorization": f"OAuth2 {token}", "Content-Type": "application/json"}


def read_back(sim: RunningSimulator, warehouse: str) -> dict[str, int]:
    url = f"{sim.root_url}/_sim/inventory"
    items = requests.get(url, params={"warehouse": warehouse}, timeout=5).json()["items"]
    return {i["upc"]: i["inventory"] for i in items}


def test_update_and_overwrite_pushes_match_the_simulator(sim):
    skus = requests.get(f"{sim.root_url}/_sim/catalog", timeout=5).json()["skus"]
    style = {k: skus[6][k] for k in ("style_number", "style_identifier", "color_code", "size")}
    client = make_client(sim)
    update = [
        {"warehouse": "Default", "upc": s["upc"], "inventory": n} for n, s in enumerate(skus[:5])
    ]
    update += [
        {"warehouse": "Secondary", **style, "inventory": 9},
        {"warehouse": "Default", "upc": "000000000000", "inventory": 1},
        {"warehouse": "Nowhere", "upc": skus[0]["upc"], "inventory": 1},
    ]
    result = client.push_inventory(update, overwrite=False)
    assert [v.passed for v in result.verdicts] == [True] * 6 + [False, False]
    recorded = requests.get(f"{sim.root_url}/_sim/pushes", timeout=5).json()["pushes"][-1]
    assert [(v.sku, v.status) for v in result.verdicts] == [
        (e["sku"], e["status"]) for e in recorded["log"]
    ]
    assert read_back(sim, "Default") == {s["upc"]: n for n, s in enumerate(skus[:5])}
    assert read_back(sim, "Secondary") == {skus[6]["upc"]: 9}

    snapshot = [
        {"warehouse": "Default", "upc": skus[1]["upc"], "inventory": 4},
        {"warehouse": "Default", "upc": skus[7]["upc"], "inventory": 2},
    ]
    result = client.push_inventory(snapshot, overwrite=True)
    assert all(v.passed for v in result.verdicts)
    assert read_back(sim, "Default") == {skus[1]["upc"]: 4, skus[7]["upc"]: 2}
    assert read_back(sim, "Secondary") == {skus[6]["upc"]: 9}
    recorded = requests.get(f"{sim.root_url}/_sim/pushes", timeout=5).json()["pushes"]
    assert [p["overwrite"] for p in recorded] == [False, True]


def test_wrong_token_is_a_typed_auth_error(sim):
    with pytest.raises(JoorAuthError) as caught:
        make_client(sim, token="not-the-token").check_connection()
    assert caught.value.status == 401
    make_client(sim).check_connection()


def test_client_rides_out_a_429_storm_and_5xx_without_losing_a_page(sim):
    faults = {"storm_429": 4, "error_rate": 0.2, "truncate_next": 2, "fault_seed": 5}
    requests.post(f"{sim.root_url}/_sim/faults", json=faults, timeout=5).raise_for_status()
    seen: list[int] = []
    ids = all_orders(make_client(sim, statuses=seen, max_retries=8))
    assert len(ids) == 1000 and len(set(ids)) == 1000
    assert seen.count(429) == 4
    assert {500, 502, 503} & set(seen)
    left = requests.get(f"{sim.root_url}/_sim/faults", timeout=5).json()
    assert (left["storm_429"], left["truncate_next"]) == (0, 0)


LEARNED = {
    "reference": ("/orders", "offset"),
    "order-path": ("/order/", "offset"),
    "bare-list": ("/orders", "offset"),
    "page-number": ("/orders", "page-numbers"),
    "next-key": ("/orders", "next-key"),
    "inventory-container": ("/orders", "offset"),
    "empty-null": ("/orders", "offset"),
    "account-overwrite": ("/orders", "offset"),
    "fraction-dates": ("/orders", "offset"),
}


@pytest.mark.parametrize("dialect", list(LEARNED))
def test_the_client_reads_every_order_once_in_every_dialect_and_learns_it(sim, dialect):
    requests.post(f"{sim.root_url}/_sim/dialect", json={"dialect": dialect}, timeout=5)
    client = make_client(sim)

    ids = all_orders(client)

    assert len(ids) == len(set(ids)) == 1000
    assert (client.dialect.orders_path, client.dialect.paging) == LEARNED[dialect]
    assert client.dialect.date_form == ("fraction" if dialect == "fraction-dates" else "plain")


@pytest.mark.parametrize("dialect", ["page-number", "next-key"])
def test_ten_thousand_orders_page_through_once_each(dialect):
    with running_simulator(orders=10_000, seed=3, days=30, lines_per_order=1,
                           dialect=dialect) as big:  # fmt: skip
        client = make_client(big)
        ids = all_orders(client)
        assert len(ids) == len(set(ids)) == 10_000
        assert client.dialect.paging == LEARNED[dialect][1]
