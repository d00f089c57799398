"""The Connect button's check, run by a worker: accept or refuse the pending token."""

from __future__ import annotations

from datetime import timedelta

from rq import SimpleWorker

from tests.jobs.order_support import TOKEN
from webapp.crypto import encrypt
from webapp.extensions import db
from webapp.models.base import utcnow
from webapp.sync.connection.enqueue import enqueue_verify_connection
from webapp.sync.connection.state import FIRST_POLL_GRACE, get_connection
from webapp.sync.queues import DEFAULT, SERIALIZER, queue


def submit(app, store, token: str, environment: str = "local"):
    """Do what the panel's Connect view does: keep the token pending and enqueue the check."""
    conn = get_connection(db.session, store.id)
    conn.pending_token_encrypted = encrypt(app.extensions["token_cipher"], token)
    conn.pending_environment, conn.pending_since = environment, utcnow()
    conn.status = "checking"
    db.session.commit()
    job = enqueue_verify_connection(store.id)
    redis = app.extensions["redis"]
    SimpleWorker([queue(DEFAULT, redis)], connection=redis, serializer=SERIALIZER).work(burst=True)
    db.session.expire_all()
    return job, get_connection(db.session, store.id)


def test_an_accepted_token_connects_the_store_and_schedules_a_poll(
    app, store, order_sim, time_machine
):
    time_machine.move_to(utcnow(), tick=False)  # held: the first poll comes exactly the grace on
    job, conn = submit(app, store, TOKEN)
    assert job.id.startswith(f"verify-{store.id}-")
    assert conn.status == "connected" and conn.token_last4 == "oken"
    assert conn.pending_token_encrypted is None and conn.environment == "local"
    # A first connection: the merchant has a few minutes to set what is downloaded, and where.
    assert conn.next_poll_at == utcnow() + FIRST_POLL_GRACE


def test_connecting_again_to_an_account_already_polled_checks_at_once(app, store, order_sim):
    from webapp.sync.connection.clients import factory_from_app
    from webapp.sync.connection.state import connect

    submit(app, store, TOKEN)
    conn = get_connection(db.session, store.id)
    conn.watermark = utcnow()  # polled before
    db.session.commit()
    conn = connect(db.session, factory_from_app(app), store.id, TOKEN, "local")
    assert conn.next_poll_at is not None and conn.next_poll_at <= utcnow()


def test_a_refused_token_leaves_a_new_store_disconnected_with_the_reason(app, store, order_sim):
    _, conn = submit(app, store, "typo-token")
    assert conn.status == "disconnected" and conn.token_encrypted is None
    assert "JOOR refused the access token" in conn.last_error
    assert conn.pending_token_encrypted is None


def test_a_refused_token_keeps_a_working_connection(app, store, order_sim, connected):
    before = connected.token_encrypted
    _, conn = submit(app, store, "typo-token")
    assert conn.status == "connected" and conn.token_encrypted == before
    assert conn.last_error.startswith("The new token was not saved: JOOR refused the access token")
    assert conn.last_error.endswith(f"The token ending {conn.token_last4} is still in use.")


def test_a_refused_token_keeps_a_failing_connection_failing(app, store, order_sim, connected):
    connected.status, connected.last_error_at = "failing", utcnow()
    connected.last_success_at = utcnow() - timedelta(hours=1)
    db.session.commit()
    _, conn = submit(app, store, "typo-token")
    assert conn.status == "failing"


def test_a_token_joor_could_not_check_is_not_saved_and_says_to_submit_it_again(
    app, store, order_sim, connected
):
    order_sim.state.set_faults({"error_rate": 1.0})
    before = connected.token_encrypted
    _, conn = submit(app, store, TOKEN)  # a good token, but JOOR answers 5xx
    assert conn.status == "connected" and conn.token_encrypted == before
    assert conn.last_error.startswith(
        "The new token was not saved: The token could not be checked with JOOR: JOOR is having"
    )
    assert "Submit it again." in conn.last_error and "try again later" not in conn.last_error


def test_after_a_refused_token_the_connect_form_starts_on_the_environment_chosen(
    app, store, order_sim, auth_client
):
    # Reset to Production, the merchant's right token would wait 25 s for JOOR's real API.
    _, conn = submit(app, store, "typo-token", environment="local")
    assert conn.status == "disconnected" and conn.environment != "local"
    panel = auth_client.get("/integrations/joor").get_data(as_text=True)
    form = panel[panel.index('id="joor-connect"') :]
    assert '<option selected value="local">' in form
