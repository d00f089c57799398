"""PushedStock: what JOOR accepted feeds Update's diff; failures keep the old quantity."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from webapp.extensions import db
from webapp.models import PushedStock
from webapp.models.base import utcnow
from webapp.rules import PlannedSku
from webapp.sync.push.pushed_stock import SkuResult, load_pushed, record_verdicts, zero_unaccepted


def sku(key: str, quantity: int, code: str = "") -> PlannedSku:
    return PlannedSku(code or key, key, quantity, {"upc": key.removeprefix("upc:")})


def rows(store_id: int) -> dict[str, PushedStock]:
    db.session.expire_all()
    query = select(PushedStock).where(PushedStock.store_id == store_id)
    return {row.identifier_key: row for row in db.session.scalars(query)}


def test_a_pass_records_the_accepted_quantity(store):
    now = utcnow()
    record_verdicts(db.session, store.id, "Default", [SkuResult(sku("upc:1", 7), True, "ok")], now)
    db.session.commit()

    row = rows(store.id)["upc:1"]
    assert (row.quantity, row.last_status, row.accepted_at, row.item_code) == (
        7,
        "pass",
        now,
        "upc:1",
    )


def test_a_fail_keeps_the_last_accepted_quantity_so_update_resends(store):
    first, later = utcnow() - timedelta(minutes=5), utcnow()
    record_verdicts(db.session, store.id, "Default", [SkuResult(sku("upc:1", 7), True, "")], first)
    record_verdicts(
        db.session, store.id, "Default", [SkuResult(sku("upc:1", 9), False, "nope")], later
    )
    db.session.commit()

    row = rows(store.id)["upc:1"]
    assert (row.quantity, row.last_status, row.last_message) == (7, "fail", "nope")
    assert (row.accepted_at, row.last_attempt_at) == (first, later)
    assert load_pushed(db.session, store.id, "Default").pushed == {"upc:1": 7}


def test_a_never_accepted_sku_is_not_in_the_pushed_state(store):
    record_verdicts(
        db.session, store.id, "Default", [SkuResult(sku("upc:2", 3), False, "unknown")], utcnow()
    )
    db.session.commit()

    state = load_pushed(db.session, store.id, "Default")
    assert state.pushed == {} and state.known_keys == set()
    assert rows(store.id)["upc:2"].quantity is None


def test_known_keys_are_those_joor_holds_stock_for(store):
    now = utcnow()
    results = [SkuResult(sku("upc:1", 4), True, ""), SkuResult(sku("upc:2", 0), True, "")]
    record_verdicts(db.session, store.id, "Default", results, now)
    db.session.commit()

    state = load_pushed(db.session, store.id, "Default")
    assert state.pushed == {"upc:1": 4, "upc:2": 0} and state.known_keys == {"upc:1"}


def test_pushed_state_is_per_store_and_warehouse(store, other_store):
    now = utcnow()
    record_verdicts(db.session, store.id, "Default", [SkuResult(sku("upc:1", 4), True, "")], now)
    record_verdicts(db.session, store.id, "Secondary", [SkuResult(sku("upc:1", 9), True, "")], now)
    record_verdicts(
        db.session, other_store.id, "Default", [SkuResult(sku("upc:1", 2), True, "")], now
    )
    db.session.commit()

    assert load_pushed(db.session, store.id, "Default").pushed == {"upc:1": 4}
    assert load_pushed(db.session, store.id, "Secondary").pushed == {"upc:1": 9}


def test_after_an_overwrite_what_was_not_accepted_now_holds_zero(store, other_store):
    earlier, now = utcnow() - timedelta(hours=1), utcnow()
    old = [SkuResult(sku("upc:1", 4), True, ""), SkuResult(sku("upc:2", 5), True, "")]
    record_verdicts(db.session, store.id, "Default", old, earlier)
    record_verdicts(
        db.session, other_store.id, "Default", [SkuResult(sku("upc:2", 5), True, "")], earlier
    )
    record_verdicts(db.session, store.id, "Default", [SkuResult(sku("upc:1", 6), True, "")], now)

    assert zero_unaccepted(db.session, store.id, "Default", now) == {"upc:2"}
    db.session.commit()

    assert {k: r.quantity for k, r in rows(store.id).items()} == {"upc:1": 6, "upc:2": 0}
    assert rows(other_store.id)["upc:2"].quantity == 5


def test_a_snapshot_larger_than_one_lookup_updates_every_row_it_already_has(store, monkeypatch):
    # An Overwrite records its whole snapshot at once: keys are looked up a chunk at a time
    # (100,000 in one IN list would pass PostgreSQL's 65,535 bound parameters).
    import webapp.sync.push.pushed_stock as pushed_stock

    monkeypatch.setattr(pushed_stock, "LOOKUP_CHUNK", 3)
    keys = [f"upc:{n}" for n in range(10)]
    for quantity in (1, 2):  # the second snapshot finds every row the first one made
        passes = [SkuResult(sku(key, quantity), True, "") for key in keys]
        record_verdicts(db.session, store.id, "W", passes, utcnow())
        db.session.commit()
    assert {key: row.quantity for key, row in rows(store.id).items()} == dict.fromkeys(keys, 2)
