"""Fixtures for the simulator's tests: a fake clock, a state, its app and a test client."""

from __future__ import annotations

import base64
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from joorsim import SimState, create_app
from tests.fake_clock import FakeClock

ANCHOR = 1_790_000_000  # 2026-09-21T14:13:20Z: a fixed "now" so dates are reproducible


def _auth(token: str = "demo-token") -> dict[str, str]:
    """JOOR's request headers for a token."""
    encoded = base64.b64encode(token.encode()).decode()
    return {"Authorization": f"OAuth2 {encoded}", "Content-Type": "application/json"}


def _state_of(client: FlaskClient) -> SimState:
    """The SimState behind a test client."""
    return client.application.extensions["joorsim"]


@pytest.fixture
def auth() -> Callable[..., dict[str, str]]:
    """Build JOOR request headers for a token."""
    return _auth


@pytest.fixture
def state_of() -> Callable[[FlaskClient], SimState]:
    """Get the SimState behind a test client."""
    return _state_of


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(start=ANCHOR)


@pytest.fixture
def make_client(clock: FakeClock) -> Callable[..., FlaskClient]:
    """Build a test client around a fresh SimState with the given options."""

    def build(**options: Any) -> FlaskClient:
        options.setdefault("clock", clock)
        options.setdefault("anchor", ANCHOR)
        app: Flask = create_app(SimState(**options))
        return app.test_client()

    return build


@pytest.fixture
def client(make_client: Callable[..., FlaskClient]) -> FlaskClient:
    return make_client(orders=120, seed=3)


@pytest.fixture
def headers() -> dict[str, str]:
    return _auth()


@pytest.fixture
def get_orders(client: FlaskClient, headers: dict[str, str]) -> Callable[..., dict]:
    """GET /v2/orders with query params, asserting a 200, returning the body."""

    def get(c: FlaskClient | None = None, **params: Any) -> dict:
        response = (c or client).get("/v2/orders", query_string=params, headers=headers)
        assert response.status_code == 200, response.get_data(as_text=True)
        return response.get_json()

    return get
