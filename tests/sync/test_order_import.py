"""Importing a window of JOOR orders from the simulator: exactly once, with outcomes in words."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from joorsim.testing import behind_by_a_minute
from tests.jobs.order_support import (
    TOKEN,
    duplicate_source_ids,
    fresh_run,
    import_now,
    order_count,
    race_imports,
    window_total,
)
from webapp.extensions import db
from webapp.joor import (
    MAX_PAGE_SIZE,
    PAGE_OVERLAP,
    JoorAuthError,
    JoorClient,
    JoorError,
    JoorTransientError,
)
from webapp.models import Order, SyncEvent, SyncRun
from webapp.models.base import utcnow
from webapp.models.joor import STATUS_FAILING
from webapp.sync.connection.clients import factory_from_app
from webapp.sync.locks import LockLostError
from webapp.sync.orders.importing import create_manual_run, create_retry_run, import_run

SINCE = date.today() - timedelta(days=10)


def events_of(run_id: int, outcome: str) -> list[SyncEvent]:
    return list(
        db.session.scalars(
            select(SyncEvent).where(SyncEvent.run_id == run_id, SyncEvent.outcome == outcome)
        )
    )


def event_count(run_id: int) -> int:
    return db.session.scalar(select(func.count(SyncEvent.id)).where(SyncEvent.run_id == run_id))


def test_a_window_imports_every_order_once_with_progress_and_events(
    app, store, order_sim, connected
):
    expected = window_total(order_sim)
    run = import_now(app, store)
    assert run.status == "succeeded", run.error
    assert run.counts == {"imported": expected}
    assert (run.done, run.total) == (expected, expected)
    assert order_count(store.id) == expected and duplicate_source_ids(store.id) == 0
    assert len(events_of(run.id, "imported")) == expected
    # Ten pages of 100 (with the client's small page overlap): one credit each.
    assert 10 <= run.credits_used <= 12
    order = db.session.scalar(select(Order).where(Order.store_id == store.id).limit(1))
    assert order.folder.name == "New" and len(order.items) == 3 and order.payload


def test_an_imported_order_reads_back_with_the_models_types(app, store, order_sim, connected):
    # Rows go in through the DBAPI as text; the ORM must read them as the model's types.
    (order_id,) = order_sim.state.add_orders(
        orders=[
            {
                "order_currency": "EUR",
                "order_total": "1234.5",
                "order_discount": 7,
                "date_created": "2026-10-01T08:00:00+02:00",
                "date_ship_start": "2026-11-01T00:00:00Z",
                "customer_name": "Zoë Müller",
                "shipping_city": "Zürich",
                "line_items": [
                    {"item_upc": "0001", "item_quantity": "6", "item_price": "99.999"},
                    {"item_number": "ST-2", "item_size": "OS", "item_quantity": 2},
                ],
            }
        ]
    )
    run = import_now(app, store)
    assert run.status == "succeeded", run.error
    order = db.session.scalar(select(Order).where(Order.source_id == order_id))
    assert (order.total, order.discount, order.shipping_total) == (
        Decimal("1234.50"),
        Decimal("7.00"),
        None,
    )
    assert order.ship_start == date(2026, 11, 1) and order.ship_end is None
    assert order.source_created_at == datetime(2026, 10, 1, 6, 0, tzinfo=UTC)
    assert order.created_at.tzinfo is UTC and order.imported_run_id == run.id
    assert order.shipping_address == {"city": "Zürich"} and order.customer_name == "Zoë Müller"
    assert order.payload["order_id"] == order_id and order.payload["order_discount"] == 7
    first, second = order.items
    assert (first.code, first.quantity, first.price) == ("0001", 6, Decimal("100.00"))
    assert (second.code, second.quantity, second.price) == ("ST-2-OS", 2, None)
    assert second.variation_list == {"Color": "", "Size": "OS"}
    (event,) = [e for e in events_of(run.id, "imported") if e.subject == order_id]
    assert event.order_id == order.id and event.created_at.tzinfo is UTC


def test_importing_the_window_again_imports_nothing_and_counts_already_present(
    app, store, order_sim, connected
):
    expected = window_total(order_sim)
    first = import_now(app, store)
    again = import_now(app, store)
    assert again.counts == {"already_present": expected}
    assert order_count(store.id) == expected
    present = events_of(again.id, "already_present")[0]
    assert present.reason == "already imported, and unchanged in JOOR since"
    # The event points at the order already here, so the run's page links to it.
    imported = [e for e in events_of(first.id, "imported") if e.subject == present.subject]
    assert present.order_id is not None and present.order_id == imported[0].order_id


def test_bad_and_empty_orders_are_logged_and_the_rest_of_the_page_continues(
    app, store, order_sim, connected
):
    bad, empty, cancelled = order_sim.state.add_orders(
        orders=[
            {"line_items": [{"item_upc": "1", "item_quantity": "abc", "item_price": "1"}]},
            {"line_items": []},
            {"order_type_name": "Cancelled", "line_items": [{"item_upc": "1"}]},
        ]
    )
    expected = window_total(order_sim)
    run = import_now(app, store)
    assert run.status == "succeeded"
    assert run.counts == {"imported": expected - 2, "failed": 1, "skipped": 1}
    (failed,) = events_of(run.id, "failed")
    assert (failed.subject, failed.reason) == (
        bad,
        "Line 1 (UPC 1): the quantity 'abc' is not a whole number of 0 or more",
    )
    (skipped,) = events_of(run.id, "skipped")
    assert (skipped.subject, skipped.reason) == (empty, "no line items")
    # JOOR's order_type filter already leaves cancelled orders out of the window.
    assert cancelled not in {e.subject for e in db.session.scalars(select(SyncEvent))}


def test_a_value_too_large_to_keep_fails_its_order_alone(
    app, store, order_sim, connected, monkeypatch
):
    line = {"item_upc": "1", "item_quantity": "1", "item_price": "1"}
    good, huge_price, huge_quantity, odd = order_sim.state.add_orders(
        orders=[
            {"line_items": [dict(line)]},
            {"line_items": [dict(line, item_price="1e30")]},
            {"line_items": [dict(line, item_quantity="99999999999999999999999")]},
            {"line_items": [dict(line)]},
        ]
    )
    # And should mapping meet something no rule foresaw, only that order fails.
    import webapp.sync.orders.pages as order_pages

    real_map = order_pages.map_order

    def map_or_trip(payload, identifier):
        if str(payload["order_id"]) == odd:
            raise ArithmeticError("a case nobody foresaw")
        return real_map(payload, identifier)

    monkeypatch.setattr(order_pages, "map_order", map_or_trip)
    expected = window_total(order_sim)
    run = import_now(app, store)
    assert run.status == "succeeded", run.error
    assert run.counts == {"imported": expected - 3, "failed": 3}
    reasons = {e.subject: e.reason for e in events_of(run.id, "failed")}
    assert "the price '1e30' is larger than an order here can hold" in reasons[huge_price]
    assert "larger than a line here can hold" in reasons[huge_quantity]
    assert reasons[odd].startswith("JOOR sent a value in this order that the import could not")
    assert good not in reasons and order_count(store.id) == expected - 3


def test_retrying_a_run_re_imports_only_its_failed_orders(app, store, order_sim, connected):
    (bad,) = order_sim.state.add_orders(
        orders=[{"line_items": [{"item_upc": "1", "item_quantity": "abc", "item_price": "1"}]}]
    )
    first = import_now(app, store)
    retry = create_retry_run(db.session, first, created_by="test")
    assert retry.params["order_ids"] == [bad]
    retry = import_run(db.session, factory_from_app(app), app.extensions["redis"], retry.id)
    assert retry.counts == {"failed": 1} and (retry.done, retry.total) == (1, 1)


# JOOR's windows are whole seconds: with its clock a minute behind ours, the edits below are
# already in the past of the retry's window.
@pytest.mark.parametrize("order_sim", [behind_by_a_minute], indirect=True)
def test_a_retry_imports_an_order_fixed_in_joor_and_names_one_joor_no_longer_lists(
    app, store, order_sim, connected
):
    line = {"item_upc": "1", "item_quantity": "abc", "item_price": "1"}
    fixed, gone = order_sim.state.add_orders(
        orders=[{"line_items": [dict(line)]}, {"line_items": [dict(line)]}]
    )
    first = import_now(app, store)
    assert first.counts["failed"] == 2
    with order_sim.state.lock:  # the merchant mends one order in JOOR and cancels the other
        order_sim.state.book.by_id[int(fixed)].explicit["line_items"][0]["item_quantity"] = "2"
        order_sim.state.book.by_id[int(gone)].type_name = "Cancelled"
    assert order_sim.state.touch_order(int(fixed)) and order_sim.state.touch_order(int(gone))
    retry = create_retry_run(db.session, first, created_by="test")
    retry = import_run(db.session, factory_from_app(app), app.extensions["redis"], retry.id)
    assert retry.status == "succeeded"
    assert retry.counts == {"imported": 1, "failed": 1} and (retry.done, retry.total) == (2, 2)
    (imported,) = events_of(retry.id, "imported")
    assert imported.subject == fixed
    assert db.session.get(Order, imported.order_id).items[0].quantity == 2
    (failed,) = events_of(retry.id, "failed")
    assert failed.subject == gone and failed.reason.startswith("JOOR no longer lists this order")
    # Nothing is left that a retry could bring in: neither run offers one any more.
    assert create_retry_run(db.session, first, created_by="test") is None
    assert create_retry_run(db.session, retry, created_by="test") is None


def test_an_order_joor_sent_without_its_id_fails_alone_once_and_is_not_offered_for_retry(
    app, store, order_sim, connected, monkeypatch
):
    # JOOR drops order_id from one order near the end of the first page, which the next page
    # reads again (its overlap): every other order still comes in, and that one fails once.
    import orjson

    expected = window_total(order_sim)
    serve, victim = order_sim.state.orders_page_json, []

    def serve_without_one_id(query):
        page = orjson.loads(serve(query))
        if not victim:
            victim.append(page["orders"][97]["order_id"])
        for order in page["orders"]:
            if order["order_id"] == victim[0]:
                del order["order_id"]
                order["customer_purchase_order"] = "PO-77"
        return orjson.dumps(page)

    monkeypatch.setattr(order_sim.state, "orders_page_json", serve_without_one_id)
    run = import_now(app, store)
    assert run.status == "succeeded", run.error
    assert run.counts == {"imported": expected - 1, "failed": 1} and run.done == expected
    assert order_count(store.id) == expected - 1
    (failed,) = events_of(run.id, "failed")
    assert failed.subject.startswith("(no order id) PO PO-77, customer ")
    assert failed.reason.startswith("JOOR sent this order without its order id, so it is not")
    # A retry fetches orders by id, so it could never bring this one: none is offered.
    assert create_retry_run(db.session, run, created_by="test") is None


@pytest.mark.parametrize(("after_pages", "edited"), [(1, 10), (2, 150)])
def test_orders_edited_while_paging_do_not_hide_the_orders_after_them(
    app, store, order_sim, connected, monkeypatch, after_pages, edited
):
    # Buyers edit orders already read: they leave the window (modified after its end), every
    # later order moves back as many places, and more than the page overlap is at stake.
    import orjson

    expected = window_total(order_sim)
    served: list[int] = []
    serve = order_sim.state.orders_page_json

    def serve_then_edit(query):
        body = serve(query)
        served.extend(order["order_id"] for order in orjson.loads(body)["orders"])
        if len(served) == after_pages * MAX_PAGE_SIZE:  # each page of 100 served
            with order_sim.state.lock:
                for order_id in list(dict.fromkeys(served))[:edited]:
                    assert order_sim.state.book.touch(int(order_id), order_sim.state.now() + 60)
        return body

    monkeypatch.setattr(order_sim.state, "orders_page_json", serve_then_edit)
    run = import_now(app, store)
    assert run.status == "succeeded", run.error
    assert (
        window_total(order_sim, date_end=order_sim.state.now()) == expected - edited
    )  # they left it
    assert order_count(store.id) == expected and duplicate_source_ids(store.id) == 0
    assert run.counts == {"imported": expected} and run.done == expected


def test_a_429_storm_and_5xx_errors_slow_the_run_but_lose_nothing(app, store, order_sim, connected):
    order_sim.state.set_faults({"storm_429": 3, "error_rate": 0.2, "fault_seed": 3})
    expected = window_total(order_sim)
    run = import_now(app, store)
    assert run.status == "succeeded", run.error
    assert order_count(store.id) == expected and duplicate_source_ids(store.id) == 0


def test_a_run_that_crashes_mid_window_finishes_the_job_when_retried(
    app, store, order_sim, connected, monkeypatch
):
    expected = window_total(order_sim)
    pages = {"n": 0}

    def crash_at_the_fifth_page(self):
        pages["n"] += 1
        if pages["n"] == 5:
            raise LockLostError("simulated crash at the fifth page")

    monkeypatch.setattr("webapp.sync.orders.store.BATCH_ORDERS", 200)  # batches of 2-3 pages
    monkeypatch.setattr("webapp.sync.locks.StoreLock.extend", crash_at_the_fifth_page)
    with pytest.raises(LockLostError):
        import_now(app, store)
    run_id = db.session.scalar(select(SyncEvent.run_id).limit(1))
    # The batch in flight is lost whole; every order kept was kept with its event.
    assert 0 < order_count(store.id) < expected
    assert event_count(run_id) == order_count(store.id)
    monkeypatch.undo()
    run = import_run(db.session, factory_from_app(app), app.extensions["redis"], run_id)
    assert run.status == "succeeded" and run.attempts == 2
    assert run.counts == {"imported": expected}
    assert order_count(store.id) == expected and duplicate_source_ids(store.id) == 0


def test_a_joor_failure_mid_window_keeps_the_pages_already_stored(
    app, store, order_sim, connected, monkeypatch
):
    expected = window_total(order_sim)
    real_pages = JoorClient.iter_order_pages

    def joor_fails_after_three_pages(self, *args, **kwargs):
        pages = real_pages(self, *args, **kwargs)
        yield from [next(pages) for _ in range(3)]  # quicker than they are stored
        raise JoorTransientError("JOOR answered 503 to GET /orders", status=503)

    # One batch for the whole window, so nothing would be committed but for the failure.
    monkeypatch.setattr("webapp.sync.orders.store.BATCH_ORDERS", 10_000)
    monkeypatch.setattr("webapp.sync.orders.store.BATCH_SECONDS", 600)
    monkeypatch.setattr(JoorClient, "iter_order_pages", joor_fails_after_three_pages)
    with pytest.raises(JoorError):
        import_now(app, store)
    run = db.session.scalar(select(SyncRun))
    assert run.status == "failed" and "JOOR" in run.error
    three_pages = 3 * MAX_PAGE_SIZE - 2 * PAGE_OVERLAP
    assert order_count(store.id) == event_count(run.id) == three_pages
    assert run.counts == {"imported": three_pages}
    monkeypatch.undo()
    again = import_now(app, store)  # the merchant imports the window again
    assert again.counts == {"imported": expected - three_pages, "already_present": three_pages}
    assert order_count(store.id) == expected and duplicate_source_ids(store.id) == 0


def test_a_busy_database_stores_every_page_of_the_batch_again(
    app, store, order_sim, connected, monkeypatch
):
    import sqlite3

    from sqlalchemy.exc import OperationalError

    from webapp.sync.orders import store as order_store

    expected = window_total(order_sim)
    real_store_page = order_store.store_page
    stored = {"n": 0}

    def busy_at_the_third_page(*args, **kwargs):
        stored["n"] += 1
        if stored["n"] == 3:  # pages 1 and 2 are stored, and not committed yet
            raise OperationalError("INSERT", {}, sqlite3.OperationalError("database is locked"))
        return real_store_page(*args, **kwargs)

    monkeypatch.setattr(order_store, "BATCH_ORDERS", 300)
    monkeypatch.setattr(order_store, "store_page", busy_at_the_third_page)
    run = import_now(app, store)
    assert run.status == "succeeded", run.error
    assert run.counts == {"imported": expected} and run.done == expected
    assert order_count(store.id) == event_count(run.id) == expected
    assert duplicate_source_ids(store.id) == 0


def test_two_workers_importing_the_same_window_at_once_create_no_duplicates(
    app, store, order_sim, connected
):
    """Without the store lock (two processes racing), the unique key alone keeps it exact."""
    expected = window_total(order_sim)
    ids = [create_manual_run(db.session, store.id, SINCE).id for _ in range(2)]
    assert not race_imports(app, ids, connected.id)
    assert order_count(store.id) == expected and duplicate_source_ids(store.id) == 0
    both = [fresh_run(i).counts for i in ids]
    assert sum(c.get("imported", 0) for c in both) == expected
    assert all(c.get("imported", 0) + c.get("already_present", 0) == expected for c in both)


def refused_for_good(app, store, connected) -> SyncRun:
    """Import once the token no longer works: the run fails and polling stops, failing."""
    connected.next_poll_at = utcnow()
    db.session.commit()
    with pytest.raises(JoorAuthError):
        import_now(app, store)
    run = db.session.scalar(select(SyncRun).order_by(SyncRun.id.desc()).limit(1))
    db.session.expire_all()
    assert run.status == "failed"
    assert connected.status == STATUS_FAILING and connected.next_poll_at is None
    return run


def test_a_revoked_token_fails_the_run_and_marks_the_connection_failing(
    app, store, order_sim, connected
):
    order_sim.state.set_faults({"revoke_tokens": [TOKEN]})
    run = refused_for_good(app, store, connected)
    assert "refused the access token" in run.error
    assert "refused the access token" in connected.last_error
    assert order_count(store.id) == 0


def test_a_token_the_new_keys_cannot_read_stops_polling_and_asks_to_reconnect(
    app, store, order_sim, connected
):
    # The operator changed SECRET_KEY (or TOKEN_ENCRYPTION_KEYS) without keeping the old key.
    from cryptography.fernet import Fernet

    from webapp.extensions import init_cipher

    app.config["TOKEN_ENCRYPTION_KEYS"] = Fernet.generate_key().decode()
    init_cipher(app)
    run = refused_for_good(app, store, connected)
    assert "can no longer be read on this server" in run.error
    assert "Connect again with your access token" in connected.last_error


def test_a_scheduled_import_failing_for_another_reason_shows_on_the_panel(
    app, store, order_sim, connected, auth_client
):
    from webapp.models import Folder
    from webapp.sync import runs as sync_runs

    # Say every folder was deleted: a scheduled check cannot place its orders anywhere.
    connected.folder_id = None
    for folder in db.session.scalars(select(Folder).where(Folder.store_id == store.id)):
        db.session.delete(folder)
    db.session.commit()
    run = sync_runs.create_run(db.session, store.id, "poll", {"since": SINCE.isoformat()})
    with pytest.raises(Exception, match="no folder"):
        import_run(db.session, factory_from_app(app), app.extensions["redis"], run.id)

    db.session.expire_all()
    assert connected.last_error == (
        f"Import #{run.id}: The store has no folder to put new orders in."
    )
    status = auth_client.get("/integrations/joor/status", headers={"HX-Request": "true"})
    page = status.get_data(as_text=True)
    assert "the last import failed (see Last error)" in page
    assert "The store has no folder to put new orders in." in page
    assert "(the first, with the settings below" not in page  # a check has run, if in vain


def test_a_queued_import_cancelled_never_runs(app, store, order_sim, connected):
    from webapp.sync.orders.cancelling import cancel_import

    run = create_manual_run(db.session, store.id, SINCE, created_by="test")
    words = cancel_import(db.session, app.extensions["redis"], run, "owner@example.com")
    assert words == f"Run #{run.id} is cancelled."
    # A worker that picks its job up anyway finds it finished.
    run = import_run(db.session, factory_from_app(app), app.extensions["redis"], run.id)
    assert run.status == "cancelled"
    assert run.error == "Cancelled by owner@example.com before it started."
    assert order_count(store.id) == 0


def test_a_running_import_cancelled_stops_after_its_page_and_keeps_it(
    app, store, order_sim, connected, monkeypatch
):
    from webapp.sync.orders.cancelling import CANCEL_KEY

    run = create_manual_run(db.session, store.id, SINCE, created_by="test")
    redis, serve = app.extensions["redis"], order_sim.state.orders_page_json

    def serve_then_cancel(query):
        body = serve(query)
        # The merchant presses Cancel (on the run page) while the first page is on its way.
        redis.set(CANCEL_KEY.format(run.id), "owner@example.com")
        return body

    monkeypatch.setattr(order_sim.state, "orders_page_json", serve_then_cancel)
    run = import_run(db.session, factory_from_app(app), redis, run.id)  # no error for RQ

    assert run.status == "cancelled"
    assert run.error == (
        "Cancelled by owner@example.com after 100 orders; the orders imported before then stay."
    )
    assert order_count(store.id) == run.counts["imported"] == MAX_PAGE_SIZE
    assert duplicate_source_ids(store.id) == 0


def test_a_run_cancelled_while_its_worker_was_dead_stops_when_taken_over(
    app, store, order_sim, connected
):
    from webapp.sync import runs as sync_runs
    from webapp.sync.orders.cancelling import cancel_import

    run = create_manual_run(db.session, store.id, SINCE, created_by="test")
    sync_runs.start_run(db.session, run, job_id="import-gone")  # then its worker was killed
    words = cancel_import(db.session, app.extensions["redis"], run, "owner@example.com")
    assert words.startswith(f"Run #{run.id} stops after the page it is storing")
    spent = order_sim.state.credits(TOKEN)["used"]

    run = import_run(db.session, factory_from_app(app), app.extensions["redis"], run.id)

    assert run.status == "cancelled" and run.error.startswith("Cancelled by owner@example.com")
    assert order_count(store.id) == 0
    assert order_sim.state.credits(TOKEN)["used"] == spent  # not one page asked of JOOR
