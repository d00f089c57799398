"""`flask joor connect|configure|import|status` against the simulator."""

from __future__ import annotations

import json
from datetime import date, timedelta

from sqlalchemy import select

from tests.jobs.order_support import (
    TOKEN,
    connected_fixture,  # noqa: F401 - fixture
    order_count,
    sim_fixture,  # noqa: F401 - fixture
    window_total,
)
from webapp.extensions import db
from webapp.models import JoorConnection, SettingsChange

SINCE = (date.today() - timedelta(days=10)).isoformat()
SUMMARY_KEYS = {
    "run_id",
    "status",
    "fetched",
    "imported",
    "already_present",
    "skipped",
    "failed",
    "credits",
}


def conn_of(store) -> JoorConnection:
    db.session.expire_all()
    return db.session.scalar(select(JoorConnection).where(JoorConnection.store_id == store.id))


def test_connect_checks_the_token_and_stores_it_encrypted(runner, store, sim):
    result = runner.invoke(
        args=["joor", "connect", "--store", "acme", "--token", TOKEN, "--environment", "local"]
    )
    assert result.exit_code == 0, result.output
    assert TOKEN not in result.output and "ending oken" in result.output
    conn = conn_of(store)
    assert conn.status == "connected" and conn.environment == "local"
    assert conn.token_encrypted and TOKEN not in conn.token_encrypted


def test_connect_refuses_a_token_joor_refuses(runner, store, sim):
    result = runner.invoke(
        args=["joor", "connect", "--store", "acme", "--token", "wrong", "--environment", "local"]
    )
    assert result.exit_code != 0
    assert "JOOR refused the access token" in result.output
    assert conn_of(store) is None or conn_of(store).token_encrypted is None


def test_connect_names_an_unknown_store(runner, app):
    result = runner.invoke(args=["joor", "connect", "--store", "nope", "--token", "t"])
    assert result.exit_code != 0 and "No store with the slug 'nope'" in result.output


def test_configure_applies_settings_by_their_contract_names(runner, store, connected):
    result = runner.invoke(
        args=[
            "joor", "configure", "--store", "acme",
            "--set", "poll_minutes=60", "--set", "order_type=approved_shipped",
            "--set", "folder=Prepared", "--set", "identifier=style",
        ]
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    conn = conn_of(store)
    assert (conn.poll_minutes, conn.order_type, conn.identifier) == (
        60,
        "approved_shipped",
        "style",
    )
    actors = {c.actor for c in db.session.scalars(select(SettingsChange))}
    assert actors == {"cli"}


def test_configure_reports_each_refused_setting_and_changes_nothing(runner, store, connected):
    result = runner.invoke(
        args=[
            "joor", "configure", "--store", "acme",
            "--set", "poll_minutes=7", "--set", "folder=Nowhere", "--set", "order_type=approved",
        ]
    )  # fmt: skip
    assert result.exit_code == 2
    assert "poll_minutes: Check for New Orders must be one of" in result.output
    assert "folder: There is no folder named 'Nowhere'" in result.output
    assert conn_of(store).poll_minutes == 15


def test_import_prints_one_json_summary_and_is_exactly_once(runner, store, sim, connected):
    expected = window_total(sim)
    first = runner.invoke(args=["joor", "import", "--store", "acme", "--since", SINCE])
    assert first.exit_code == 0, first.output
    summary = json.loads(first.output.strip())
    assert set(summary) == SUMMARY_KEYS
    assert summary["status"] == "succeeded"
    assert (summary["fetched"], summary["imported"]) == (expected, expected)
    assert 10 <= summary["credits"] <= 12
    again = json.loads(
        runner.invoke(args=["joor", "import", "--store", "acme", "--since", SINCE]).output
    )
    assert (again["imported"], again["already_present"]) == (0, expected)
    assert order_count(store.id) == expected


def test_import_exits_non_zero_when_joor_refuses(runner, store, sim, connected):
    sim.state.set_faults({"revoke_tokens": [TOKEN]})
    result = runner.invoke(args=["joor", "import", "--store", "acme", "--since", SINCE])
    assert result.exit_code == 1
    summary = json.loads(result.output.splitlines()[0])
    assert summary["status"] == "failed" and summary["imported"] == 0
    assert "refused the access token" in result.output


def test_status_prints_the_connection_settings_and_runs_without_the_token(
    runner, store, sim, connected
):
    runner.invoke(args=["joor", "import", "--store", "acme", "--since", SINCE])
    result = runner.invoke(args=["joor", "status", "--store", "acme"])
    assert result.exit_code == 0, result.output
    status = json.loads(result.output)
    assert status["status"] == "connected" and status["token_last4"] == "oken"
    assert status["settings"]["order_type"] == "all_but_cancelled"
    assert status["runs"][0]["kind"] == "manual" and status["runs"][0]["status"] == "succeeded"
    assert TOKEN not in result.output


def test_connect_to_another_joor_account_starts_its_polls_afresh(runner, store, sim, connected):
    from webapp.models.base import utcnow
    from webapp.sync.connection import FIRST_POLL_GRACE

    def connect(token):
        args = ["joor", "connect", "--store", "acme", "--token", token, "--environment", "local"]
        result = runner.invoke(args=args)
        assert result.exit_code == 0, result.output

    connected.watermark = utcnow()
    db.session.commit()
    connect(TOKEN)  # the same account again: where its polls got to still holds
    assert conn_of(store).watermark is not None
    with sim.state.lock:  # the simulator serves a second JOOR account
        sim.state.tokens = (*sim.state.tokens, "other-account-token")
    connect("other-account-token")
    conn = conn_of(store)
    assert conn.watermark is None and conn.token_last4 == "oken"
    # Its first check waits a few minutes, so its settings can be looked at first.
    assert utcnow() < conn.next_poll_at <= utcnow() + FIRST_POLL_GRACE
