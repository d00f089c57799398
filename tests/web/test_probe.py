"""`flask joor probe`, the panel's Connection details, and a token check costing one call."""

from __future__ import annotations

import base64
import json
import logging
from collections.abc import Iterator

import pytest
from rq import SimpleWorker

from joorsim.testing import RunningSimulator
from tests.conftest import login
from tests.jobs.order_support import simulator_for
from webapp.extensions import db
from webapp.joor import JoorTransientError, account_key_for
from webapp.sync.connection.clients import factory_from_app
from webapp.sync.connection.state import connect, get_connection
from webapp.sync.queues import DEFAULT, SERIALIZER, queue

CANARY = "canary-tok-5Qz9Lw2Xv8"  # noqa: S105 - planted so any leak of it can be found
ENCODED = base64.b64encode(CANARY.encode()).decode()


@pytest.fixture
def canary_sim(app) -> Iterator[RunningSimulator]:
    """A simulator that knows only the canary token, wired into the app."""
    with simulator_for(app, orders=40, seed=5, days=5, tokens=CANARY) as running:
        yield running


@pytest.fixture
def probed_store(app, store, canary_sim):
    """The store connected to the simulator with the canary token."""
    connect(db.session, factory_from_app(app), store.id, CANARY, "local")
    return store


def assert_no_token(text: str) -> None:
    assert CANARY not in text and ENCODED not in text


def test_probe_prints_json_keeps_it_and_never_shows_the_token(
    app, runner, probed_store, canary_sim, caplog
):
    caplog.set_level(logging.DEBUG)
    canary_sim.state.set_dialect("page-number")

    result = runner.invoke(args=["joor", "probe", "--store", "acme"])

    assert result.exit_code == 0, result.output
    found = json.loads(result.output)
    assert len(found["calls"]) <= 3 and found["credits"] == len(found["calls"])
    assert all(isinstance(call["ms"], int) and call["status"] == 200 for call in found["calls"])
    assert (found["orders_path"], found["paging"]) == ("/orders", "page-numbers")
    conn = get_connection(db.session, probed_store.id)
    db.session.refresh(conn)
    assert conn.probe_result == found
    assert conn.wire_dialect["paging"] == "page-numbers"  # the next import goes straight there
    assert_no_token(result.output)
    assert_no_token(caplog.text)
    assert_no_token(json.dumps(conn.probe_result))
    auth_client = login(app, probed_store.users[0].email)
    assert_no_token(auth_client.get("/integrations/joor").get_data(as_text=True))


def test_the_panel_shows_connection_details_collapsed_and_checks_again_in_a_worker(
    app, probed_store, canary_sim, caplog
):
    caplog.set_level(logging.DEBUG)
    client = login(app, probed_store.users[0].email)
    page = client.get("/integrations/joor").get_data(as_text=True)
    assert '<details id="connection-details"' in page and "Connection details" in page
    assert 'id="connection-details" class="connection-details" open' not in page  # collapsed
    assert "<code>/orders</code>" in page  # the token check found it

    asked = client.post("/integrations/joor/probe", headers={"HX-Request": "true"})
    assert asked.status_code == 200
    assert "Checking the connection with JOOR" in asked.get_data(as_text=True)
    assert 'hx-trigger="every 2s"' in asked.get_data(as_text=True)
    redis = app.extensions["redis"]
    SimpleWorker([queue(DEFAULT, redis)], connection=redis, serializer=SERIALIZER).work(burst=True)

    done = client.get("/integrations/joor/details?open=1", headers={"HX-Request": "true"})
    html = done.get_data(as_text=True)
    assert "every 2s" not in html and " open" in html
    assert "by position (start_from counts orders)" in html
    assert "GET /orders</code> → 200" in html and "Check again" in html
    assert_no_token(html)
    assert_no_token(caplog.text)


def test_check_again_needs_a_connection(app, store, auth_client):
    answer = auth_client.post("/integrations/joor/probe", headers={"HX-Request": "true"})
    assert answer.status_code == 409 and b"Connect to JOOR first" in answer.data


def test_a_token_check_is_one_call_even_when_joor_cannot_be_reached(app, store):
    app.config["JOOR_LOCAL_URL"] = "http://127.0.0.1:9/v2"  # nothing listens there
    app.config["JOOR_CLIENT_OPTIONS"] = {"backoff_base": 0.001, "backoff_cap": 0.001}
    factory = factory_from_app(app)

    with pytest.raises(JoorTransientError):
        connect(db.session, factory, store.id, CANARY, "local")

    # One credit, as JOOR counts them: the check is never tried again behind the merchant.
    usage = factory.budget_usage(type("Conn", (), {"account_key": account_key_for(CANARY)}))
    assert usage.used == 1


def test_the_probe_refuses_a_store_that_is_not_connected(runner, store):
    result = runner.invoke(args=["joor", "probe", "--store", "acme"])
    assert result.exit_code == 1 and "not connected to JOOR" in result.output


def test_what_was_learned_is_forgotten_when_the_token_or_environment_changes(
    app, runner, probed_store, canary_sim
):
    canary_sim.state.set_dialect("order-path")
    assert runner.invoke(args=["joor", "probe", "--store", "acme"]).exit_code == 0
    status = json.loads(runner.invoke(args=["joor", "status", "--store", "acme"]).output)
    assert status["orders_path"] == "/order/"
    assert status["joor_answers"]["paging"] == "offset"

    # The same token again keeps what was learned of its account.
    connect(db.session, factory_from_app(app), probed_store.id, CANARY, "local")
    conn = get_connection(db.session, probed_store.id)
    assert conn.probe_result and conn.wire_dialect["paging"] == "offset"

    # Another token (another account) starts afresh: only what its own check found.
    with canary_sim.state.lock:
        canary_sim.state.tokens = (*canary_sim.state.tokens, "second-account-token")
    canary_sim.state.set_dialect("reference")
    connect(db.session, factory_from_app(app), probed_store.id, "second-account-token", "local")
    db.session.refresh(conn)
    assert conn.probe_result is None
    assert conn.wire_dialect == {"orders_path": "/orders"}


def test_another_environment_forgets_what_was_learned(app, probed_store, canary_sim):
    from webapp.sync.connection.state import adopt_token

    conn = get_connection(db.session, probed_store.id)
    conn.wire_dialect = {"orders_path": "/order/", "paging": "page-numbers"}
    conn.probe_result = {"orders_path": "/order/"}
    adopt_token(conn, conn.token_encrypted, CANARY, "sandbox")

    assert conn.wire_dialect is None and conn.probe_result is None
