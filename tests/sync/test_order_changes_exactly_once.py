"""Each change made in JOOR is applied at most once: racing workers, a crash and its retry."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from joorsim.testing import RunningSimulator
from tests.jobs.order_support import (
    SIM_OPTIONS,
    connect_store,
    fresh_run,
    import_now,
    order_count,
    race_imports,
    simulator_for,
)
from tests.sync.change_support import (
    MovableClock,
    assert_applied_once,
    change_a_tenth,
    changes_per_order,
)
from webapp.extensions import db
from webapp.models import OrderChange
from webapp.sync.connection.clients import factory_from_app
from webapp.sync.locks import LockLostError
from webapp.sync.orders.importing import create_manual_run, import_run
from webapp.sync.orders.polling import create_poll_run

SINCE = date.today() - timedelta(days=10)


@pytest.fixture(name="big_sim")
def big_sim_fixture(app) -> Iterator[RunningSimulator]:
    """The import tests' thousand orders, on a clock that can date an edit in the past."""
    with simulator_for(app, **SIM_OPTIONS, clock=MovableClock()) as running:
        yield running


@pytest.mark.parametrize("kind", ["manual imports", "polls"])
def test_two_workers_reading_the_same_changes_at_once_apply_each_once(app, store, big_sim, kind):
    """Without the store lock (two processes racing), the fingerprint guard alone keeps it."""
    conn = connect_store(app, store, "approved")
    import_now(app, store)
    expected = order_count(store.id)
    changed = change_a_tenth(big_sim)
    if kind == "polls":  # every order type at once, a week back (the store's first poll)
        ids = [create_poll_run(db.session, store.id, conn).id for _ in range(2)]
    else:  # the store's type, then the cancelled orders
        ids = [create_manual_run(db.session, store.id, SINCE).id for _ in range(2)]
    assert not race_imports(app, ids, conn.id)
    assert_applied_once(store, changed, expected)
    both = [fresh_run(i).counts for i in ids]
    assert sum(c.get("changed", 0) for c in both) == len(changed)


def test_a_run_that_crashes_after_some_changes_applies_the_rest_once_when_retried(
    app, store, big_sim, monkeypatch
):
    connect_store(app, store, "approved")
    import_now(app, store)
    expected = order_count(store.id)
    changed = change_a_tenth(big_sim)
    engine = db.engine

    def crash_once_some_changes_are_stored(self):
        with engine.connect() as other:
            stored = other.scalar(select(func.count(OrderChange.id)))
        if 0 < stored < len(changed):
            raise LockLostError("simulated crash with some changes stored")

    monkeypatch.setattr("webapp.sync.orders.store.BATCH_ORDERS", 1)  # a commit per page
    monkeypatch.setattr("webapp.sync.locks.StoreLock.extend", crash_once_some_changes_are_stored)
    with pytest.raises(LockLostError):
        import_now(app, store)
    run_id = db.session.scalar(select(func.max(OrderChange.run_id)))
    assert 0 < sum(changes_per_order(store.id).values()) < len(changed)
    monkeypatch.undo()
    run = import_run(db.session, factory_from_app(app), app.extensions["redis"], run_id)
    assert run.status == "succeeded" and run.attempts == 2
    assert run.counts.get("changed") == len(changed)
    assert_applied_once(store, changed, expected)
