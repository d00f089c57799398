"""A request that raised leaves no cursor, transaction or stale snapshot behind (issue 21, 3)."""

from __future__ import annotations

import contextlib

import pytest
from flask import got_request_exception
from sqlalchemy import create_engine, event, select, text

from tests.conftest import login
from tests.factories import make_item
from tests.web.order_factories import connect_joor, one_push_scheduled
from webapp.extensions import db
from webapp.models import InventoryItem
from webapp.stores import hash_api_key, issue_api_key

NEW_KEY = "js_" + "k" * 43


class Boom(RuntimeError):
    """The error a view raises halfway through its work."""


@pytest.fixture
def kept_errors(app):
    """Serve 500s as production does, and keep each error alive (as a logging handler may)."""
    errors: list[BaseException] = []

    def keep(sender, exception, **extra):
        errors.append(exception)

    app.testing = False
    app.config["PROPAGATE_EXCEPTIONS"] = False
    got_request_exception.connect(keep, app, weak=False)
    yield errors
    got_request_exception.disconnect(keep, app)


def half_read_then_fail():
    """Run a SELECT of several rows, then fail before reading them, as the settings page did."""
    rows = db.session.scalars(select(InventoryItem).order_by(InventoryItem.id))
    raise Boom(f"failed before reading {rows}")


def write_elsewhere(app, sql: str, **params) -> None:
    """Write through a connection of another process's own (a worker, a second web worker)."""
    other = create_engine(app.config["SQLALCHEMY_DATABASE_URI"])
    with other.begin() as conn:
        conn.execute(text(sql), params)
    other.dispose()


def test_after_a_500_a_row_written_elsewhere_is_read_at_once(app, store, kept_errors):
    for n in range(5):
        make_item(store, f"SKU-{n}")
    app.add_url_rule("/test/half-read", "half_read", half_read_then_fail)
    client = login(app, store.users[0].email)
    assert client.get("/test/half-read").status_code == 500
    assert kept_errors  # the half-read result is still referenced, as in the incident

    write_elsewhere(app, "UPDATE stores SET api_key_hash = :h", h=hash_api_key(NEW_KEY))
    # More requests than the pool has connections: whichever one serves it reads the new key.
    answers = [
        client.get("/api/v1/inventory-items", headers={"Authorization": f"Bearer {NEW_KEY}"})
        for _ in range(db.engine.pool.size() + 2)
    ]
    assert [a.status_code for a in answers] == [200] * len(answers)
    item_id = answers[0].json["inventory_items"][0]["id"]
    put = client.put(f"/api/v1/inventory-items/{item_id}", json={"stock": 9},
                     headers={"Authorization": f"Bearer {NEW_KEY}"})  # fmt: skip
    assert put.status_code == 200 and put.json["stock"] == 9


def test_an_error_page_renders_after_the_database_refused_a_statement(app, store, kept_errors):
    def refused_then_fail():
        with contextlib.suppress(Exception):  # a view swallowing a database error
            db.session.execute(text("SELECT no_such_column FROM stores"))
        raise Boom("after a refused statement")

    app.add_url_rule("/test/refused", "refused", refused_then_fail)
    client = login(app, store.users[0].email)
    response = client.get("/test/refused")
    # On PostgreSQL the aborted transaction refused the page's own queries until rolled back.
    assert response.status_code == 500
    assert "Something went wrong on our side" in response.get_data(as_text=True)
    assert "Log out" in response.get_data(as_text=True)


def test_an_api_500_answers_json(app, store, kept_errors):
    app.add_url_rule("/api/v1/test-boom", "api_boom", half_read_then_fail)
    make_item(store, "SKU-1")
    response = login(app, store.users[0].email).get("/api/v1/test-boom")
    assert response.status_code == 500 and response.is_json
    assert response.json["error"]["code"] == "internal_error"


def _api_put(app, store, item_id: int):
    key = issue_api_key(store)
    return app.test_client().put(f"/api/v1/inventory-items/{item_id}", json={"stock": 7},
                                 headers={"Authorization": f"Bearer {key}"})  # fmt: skip


def _stock_form(app, store, item_id: int):
    return login(app, store.users[0].email).post(f"/inventory/{item_id}/stock", data={"stock": 7})


def _settings_form(app, store, item_id: int):
    client = login(app, store.users[0].email)
    return client.post(f"/inventory/{item_id}/settings", data={"settings": "skip_joor|0"})


@pytest.mark.parametrize(
    "update, committed",
    [(_api_put, {"stock": 7}), (_stock_form, {"stock": 7}),
     (_settings_form, {"item_metadata": {"skip_joor": "0"}})],
    ids=["API PUT", "stock form", "custom settings form"],
)  # fmt: skip
def test_a_push_follows_a_committed_update_even_when_the_answer_then_fails(
    app, store, kept_errors, update, committed
):
    connect_joor(store)
    item_id = make_item(store, "SKU-1", stock=1, metadata={"skip_joor": "1"}).id

    def refresh_fails(target, context, attrs):
        raise Boom("reading the item back failed")

    # Any read of the item after the commit fails, as it did on a connection gone stale.
    event.listen(InventoryItem, "refresh", refresh_fails)
    try:
        response = update(app, store, item_id)
    finally:
        event.remove(InventoryItem, "refresh", refresh_fails)
    assert response.status_code == 500
    db.session.expire_all()
    item = db.session.get(InventoryItem, item_id)
    assert {name: getattr(item, name) for name in committed} == committed
    assert one_push_scheduled(store)
