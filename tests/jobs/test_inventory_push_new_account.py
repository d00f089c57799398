"""Another JOOR account (or environment) holds none of the store's stock: it is all sent again."""

from __future__ import annotations

import pytest
import requests
from flask import current_app
from sqlalchemy import func, select

from tests.factories import make_item
from tests.jobs.inventory_push_support import (
    configure,
    push,
    release_scheduled,
    runs,
    sim_stock,
    work,
)
from webapp.crypto import encrypt
from webapp.extensions import db
from webapp.models import PushedStock, SyncRun
from webapp.models.base import utcnow
from webapp.sync.connection.clients import factory_from_app
from webapp.sync.connection.enqueue import enqueue_verify_connection
from webapp.sync.connection.state import adopt_token, connect, get_connection
from webapp.sync.push import enqueue as push_enqueue
from webapp.sync.queues import fetch_job

OTHER_TOKEN = "other-account-token"  # noqa: S105 - a simulator token


@pytest.fixture
def second_account(push_sim, monkeypatch):
    """The simulator also serves a second JOOR account (its state is shared, so reset it)."""
    monkeypatch.setattr(push_sim.state, "tokens", (*push_sim.state.tokens, OTHER_TOKEN))


def new_empty_account(push_sim) -> None:
    """JOOR as a new account sees it: no stock anywhere."""
    requests.post(f"{push_sim.root_url}/_sim/reset", timeout=5).raise_for_status()
    assert sim_stock(push_sim) == {}


def pushed_rows(store) -> int:
    query = select(func.count()).select_from(PushedStock).where(PushedStock.store_id == store.id)
    return db.session.scalar(query)


def test_update_after_switching_account_sends_every_count(
    push_sim, push_skus, joor_store, second_account
):
    for sku in push_skus[:3]:
        make_item(joor_store, sku["upc"], stock=7)
    assert push(joor_store).counts["passed"] == 3
    new_empty_account(push_sim)

    connect(db.session, factory_from_app(current_app), joor_store.id, OTHER_TOKEN, "local")
    summary = push(joor_store)

    assert summary.status == "succeeded" and summary.notice == ""
    assert summary.counts["sent"] == 3
    assert sim_stock(push_sim) == {sku["upc"]: 7 for sku in push_skus[:3]}


def test_overwrite_after_switching_account_asks_and_drops_nothing_of_the_old_one(
    push_sim, push_skus, joor_store, second_account
):
    items = [make_item(joor_store, sku["upc"], stock=2) for sku in push_skus[:5]]
    configure(joor_store, inventory_mode="overwrite")
    push(joor_store, confirmed=True)  # the old account's warehouse is this store's
    for item in items[1:]:
        db.session.delete(item)
    db.session.commit()
    new_empty_account(push_sim)

    connect(db.session, factory_from_app(current_app), joor_store.id, OTHER_TOKEN, "local")
    # The new account's stock is unknown: its first Overwrite waits for a person's yes.
    assert "the first Overwrite" in push(joor_store).error
    summary = push(joor_store, confirmed=True)  # the old account's four SKUs are not asked of

    assert summary.status == "succeeded", summary.error
    assert summary.counts["dropped"] == 0
    assert sim_stock(push_sim) == {push_skus[0]["upc"]: 2}


def test_another_environment_forgets_the_pushed_stock(push_skus, joor_store):
    make_item(joor_store, push_skus[0]["upc"], stock=1)
    push(joor_store, full=True)
    conn = get_connection(db.session, joor_store.id)
    assert pushed_rows(joor_store) == 1 and conn.last_full_push_at is not None

    adopt_token(conn, conn.token_encrypted, "demo-token", "sandbox")  # the same token
    db.session.commit()

    assert pushed_rows(joor_store) == 0
    assert get_connection(db.session, joor_store.id).last_full_push_at is None


def test_the_same_account_again_keeps_the_pushed_stock(push_skus, joor_store):
    make_item(joor_store, push_skus[0]["upc"], stock=1)
    push(joor_store, full=True)

    connect(db.session, factory_from_app(current_app), joor_store.id, "demo-token", "local")

    assert pushed_rows(joor_store) == 1
    assert get_connection(db.session, joor_store.id).last_full_push_at is not None


def submit(app, store, token: str) -> None:
    """What the panel's Connect does: keep the token pending and have a worker check it."""
    conn = get_connection(db.session, store.id)
    conn.pending_token_encrypted = encrypt(app.extensions["token_cipher"], token)
    conn.pending_environment, conn.pending_since = "local", utcnow()
    db.session.commit()
    enqueue_verify_connection(store.id)


def test_connecting_another_account_on_the_panel_queues_a_full_push(
    push_sim, push_skus, joor_app, joor_store, second_account
):
    make_item(joor_store, push_skus[0]["upc"], stock=7)
    push(joor_store, full=True)
    new_empty_account(push_sim)

    submit(joor_app, joor_store, OTHER_TOKEN)
    work(joor_app)  # the check, then the push it queued

    db.session.expire_all()
    store_runs = db.session.scalars(select(SyncRun).where(SyncRun.store_id == joor_store.id))
    [run] = [run for run in store_runs if run.params["trigger"] == push_enqueue.NEW_ACCOUNT]
    assert (run.status, run.counts["passed"], run.created_by) == ("succeeded", 1, "")
    assert sim_stock(push_sim) == {push_skus[0]["upc"]: 7}


def test_connecting_from_the_cli_queues_a_full_push(joor_app, joor_store, second_account):
    args = ["joor", "connect", "--store", "acme", "--token", OTHER_TOKEN, "--environment", "local"]
    result = joor_app.test_cli_runner().invoke(args=args)

    assert result.exit_code == 0, result.output
    job = fetch_job(push_enqueue.full_push_job_id(joor_store.id))
    assert job is not None and job.kwargs["trigger"] == push_enqueue.NEW_ACCOUNT


def test_no_push_is_queued_without_sync_inventory(joor_app, joor_store, second_account):
    configure(joor_store, sync_inventory="off")

    connect_cli = ["joor", "connect", "--store", "acme", "--token", OTHER_TOKEN]
    result = joor_app.test_cli_runner().invoke(args=[*connect_cli, "--environment", "local"])

    assert result.exit_code == 0, result.output
    assert fetch_job(push_enqueue.full_push_job_id(joor_store.id)) is None


def test_reconnecting_the_same_account_pushes_the_stock_changed_meanwhile(
    push_sim, push_skus, joor_app, joor_store
):
    item = make_item(joor_store, push_skus[0]["upc"], stock=4)
    push(joor_store, full=True)
    # JOOR refused the token for a while; the count changed and no push could send it.
    item.stock = 9
    db.session.commit()

    submit(joor_app, joor_store, "demo-token")
    work(joor_app)  # the check, which queues a push a few seconds out (debounced)
    assert release_scheduled(joor_app) == 1
    work(joor_app)

    [run] = [r for r in runs(joor_store) if r.params["trigger"] == push_enqueue.RECONNECTED]
    assert run.status == "succeeded" and run.counts["sent"] == 1
    assert sim_stock(push_sim) == {push_skus[0]["upc"]: 9}


def test_disconnecting_and_connecting_the_same_token_keeps_the_pushed_stock(push_skus, joor_store):
    from webapp.sync.connection.state import disconnect

    make_item(joor_store, push_skus[0]["upc"], stock=1)
    push(joor_store, full=True)

    disconnect(db.session, joor_store.id)
    connect(db.session, factory_from_app(current_app), joor_store.id, "demo-token", "local")

    # The same JOOR account: no full push of every count, no first-Overwrite question.
    assert pushed_rows(joor_store) == 1
    assert get_connection(db.session, joor_store.id).last_full_push_at is not None
