"""Fixtures for the JOOR client tests: a fake clock, a mocked JOOR, a client factory."""

from __future__ import annotations

import base64
from collections.abc import Callable, Iterator

import pytest
import responses

from tests.fake_clock import FakeClock
from webapp.joor import ClientOptions, JoorClient, MemoryCreditBudget

TOKEN = "tok-Secret-4d1f9c"
ENCODED_TOKEN = base64.b64encode(TOKEN.encode()).decode()
BASE_URL = "https://api.example-joor.test/v2"
ORDERS_URL = BASE_URL + "/orders"
INVENTORY_URL = BASE_URL + "/bulk-inventory"


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def budget(clock: FakeClock) -> MemoryCreditBudget:
    return MemoryCreditBudget(clock=clock, sleep=clock.sleep)


@pytest.fixture
def mocked() -> Iterator[responses.RequestsMock]:
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        yield mock


@pytest.fixture
def make_client(clock: FakeClock, budget: MemoryCreditBudget) -> Callable[..., JoorClient]:
    """Build a client whose sleeps and budget run on the fake clock; jitter off (rng=1.0)."""

    def make(**overrides: object) -> JoorClient:
        options: dict[str, object] = {"budget": budget, "sleep": clock.sleep, "rng": lambda: 1.0}
        dialect = overrides.pop("dialect", None)
        options.update(overrides)
        return JoorClient(TOKEN, BASE_URL, ClientOptions(**options), dialect=dialect)  # type: ignore[arg-type]

    return make
