"""`flask joor connect|configure|import|status` against the simulator."""

from __future__ import annotations

import json
from datetime import date, timedelta

from sqlalchemy import select

from tests.jobs.order_support import TOKEN, order_count, window_total
from webapp.alerts.settings import alert_settings, save_channels, webhook_secret
from webapp.extensions import db
from webapp.models import JoorConnection, SettingsChange, SyncRun

SINCE = (date.today() - timedelta(days=10)).isoformat()
SUMMARY_KEYS = {
    "run_id",
    "status",
    "fetched",
    "imported",
    "changed",
    "already_present",
    "skipped",
    "failed",
    "credits",
}


def conn_of(store) -> JoorConnection:
    db.session.expire_all()
    return db.session.scalar(select(JoorConnection).where(JoorConnection.store_id == store.id))


def test_connect_checks_the_token_and_stores_it_encrypted(runner, store, order_sim):
    result = runner.invoke(
        args=["joor", "connect", "--store", "acme", "--token", TOKEN, "--environment", "local"]
    )
    assert result.exit_code == 0, result.output
    assert TOKEN not in result.output and "ending oken" in result.output
    conn = conn_of(store)
    assert conn.status == "connected" and conn.environment == "local"
    assert conn.token_encrypted and TOKEN not in conn.token_encrypted


def test_connect_refuses_a_token_joor_refuses(runner, store, order_sim):
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


def test_import_prints_one_json_summary_and_is_exactly_once(runner, store, order_sim, connected):
    expected = window_total(order_sim)
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
    assert (again["imported"], again["changed"], again["already_present"]) == (0, 0, expected)
    assert order_count(store.id) == expected


def test_import_exits_non_zero_when_joor_refuses(runner, store, order_sim, connected):
    order_sim.state.set_faults({"revoke_tokens": [TOKEN]})
    result = runner.invoke(args=["joor", "import", "--store", "acme", "--since", SINCE])
    assert result.exit_code == 1
    summary = json.loads(result.output.splitlines()[0])
    assert summary["status"] == "failed" and summary["imported"] == 0
    assert "refused the access token" in result.output


def test_status_prints_the_connection_settings_and_runs_without_the_token(
    runner, store, order_sim, connected
):
    runner.invoke(args=["joor", "import", "--store", "acme", "--since", SINCE])
    result = runner.invoke(args=["joor", "status", "--store", "acme"])
    assert result.exit_code == 0, result.output
    status = json.loads(result.output)
    assert status["status"] == "connected" and status["token_last4"] == "oken"
    assert status["settings"]["order_type"] == "all_but_cancelled"
    assert status["runs"][0]["kind"] == "manual" and status["runs"][0]["status"] == "succeeded"
    assert status["health"]["verdict"] == "connected"
    assert TOKEN not in result.output


def test_status_gives_the_health_verdict_with_its_reason_and_fix(
    runner, store, order_sim, connected
):
    configure = ["joor", "configure", "--store", "acme", "--set", "poll_minutes=0"]
    assert runner.invoke(args=configure).exit_code == 0
    health = json.loads(runner.invoke(args=["joor", "status", "--store", "acme"]).output)["health"]
    assert (health["verdict"], health["cause"]) == ("paused", "nothing_scheduled")
    assert health["reason"].startswith("Nothing runs by itself") and health["fix"]


def test_connect_to_another_joor_account_starts_its_polls_afresh(
    runner, store, order_sim, connected, time_machine
):
    from webapp.clock import utcnow
    from webapp.sync.connection.state import FIRST_POLL_GRACE

    time_machine.move_to(utcnow(), tick=False)  # held: the first check comes exactly the grace on

    def connect(token):
        args = ["joor", "connect", "--store", "acme", "--token", token, "--environment", "local"]
        result = runner.invoke(args=args)
        assert result.exit_code == 0, result.output

    connected.watermark = utcnow()
    db.session.commit()
    connect(TOKEN)  # the same account again: where its polls got to still holds
    assert conn_of(store).watermark is not None
    with order_sim.state.lock:  # the simulator serves a second JOOR account
        order_sim.state.tokens = (*order_sim.state.tokens, "other-account-token")
    connect("other-account-token")
    conn = conn_of(store)
    assert conn.watermark is None and conn.token_last4 == "oken"
    # Its first check waits a few minutes, so its settings can be looked at first.
    assert conn.next_poll_at == utcnow() + FIRST_POLL_GRACE


def test_import_from_a_future_date_is_refused_before_any_run(runner, store, connected):
    tomorrow = (date.today() + timedelta(days=1)).isoformat()
    result = runner.invoke(args=["joor", "import", "--store", "acme", "--since", tomorrow])
    assert result.exit_code == 2 and "Pick a date that is not in the future." in result.output
    assert db.session.scalar(select(SyncRun.id)) is None


def test_connect_when_joor_cannot_be_reached_says_nothing_was_saved(runner, store, app):
    app.config["JOOR_LOCAL_URL"] = "http://127.0.0.1:9/v2"  # nothing listens there
    app.config["JOOR_CLIENT_OPTIONS"] = {"max_retries": 0}
    result = runner.invoke(
        args=["joor", "connect", "--store", "acme", "--token", TOKEN, "--environment", "local"]
    )
    assert result.exit_code == 1
    assert "The token could not be checked with JOOR: Could not connect to JOOR." in result.output
    assert "Nothing was saved; run the command again." in result.output
    assert "try again later" not in result.output  # nothing would
    assert conn_of(store) is None or conn_of(store).token_encrypted is None


def test_configure_help_names_every_setting(runner, app):
    from webapp.sync.connection.settings import SETTING_NAMES

    result = runner.invoke(args=["joor", "configure", "--help"])
    assert all(name in result.output for name in SETTING_NAMES)


def test_store_create_refuses_an_email_the_login_would_refuse(runner, app):
    args = ["store", "create", "shop", "--name", "Shop", "--password", "long enough"]
    result = runner.invoke(args=[*args, "--email", "notanemail"])
    assert result.exit_code == 1 and "'notanemail' is not an email address" in result.output
    assert runner.invoke(args=[*args, "--email", "owner@shop.example.com"]).exit_code == 0


def test_rotate_keys_re_encrypts_tokens_so_the_old_key_can_go(runner, store, order_sim, app):
    from cryptography.fernet import Fernet

    from webapp.extensions import init_cipher
    from webapp.sync.connection.clients import factory_from_app

    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    app.config["TOKEN_ENCRYPTION_KEYS"] = old
    init_cipher(app)
    connect = ["joor", "connect", "--store", "acme", "--token", TOKEN, "--environment", "local"]
    assert runner.invoke(args=connect).exit_code == 0  # stored under the old key
    saved = save_channels(db.session, app.extensions["token_cipher"], store.id, email_to="",
                          webhook_url="https://93.184.216.34/hook")  # fmt: skip
    app.config["TOKEN_ENCRYPTION_KEYS"] = f"{new},{old}"  # the new key first, the old to read
    init_cipher(app)

    result = runner.invoke(args=["joor", "rotate-keys"])
    assert result.exit_code == 0 and "Re-encrypted 1 stored token(s)" in result.output
    assert "Re-encrypted 1 webhook signing secret(s)" in result.output

    app.config["TOKEN_ENCRYPTION_KEYS"] = new  # the old key is dropped
    init_cipher(app)
    client = factory_from_app(app).for_connection(conn_of(store))
    client.check_connection()  # the token still reads, and JOOR takes it
    settings = alert_settings(db.session, store.id)
    assert webhook_secret(settings, app.extensions["token_cipher"]) == saved.new_secret

    app.config["TOKEN_ENCRYPTION_KEYS"] = Fernet.generate_key().decode()  # a key that never was
    init_cipher(app)
    result = runner.invoke(args=["joor", "rotate-keys"])
    assert result.exit_code == 1 and "No configured key reads the token of: acme" in result.output
