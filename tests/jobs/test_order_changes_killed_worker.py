"""A worker killed (SIGKILL) while applying JOOR's changes: another applies the rest, once."""

from __future__ import annotations

import signal
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from jobs import cron
from joorsim.testing import running_simulator
from tests.jobs.order_support import (
    SIM_OPTIONS,
    connect_store,
    fresh_run,
    import_now,
    use_simulator,
)
from tests.jobs.test_order_killed_worker import (
    finish_with_a_second_worker,
    start_worker,
    stop,
    wait_for,
)
from tests.sync.change_support import (
    MovableClock,
    assert_applied_once,
    change_a_tenth,
    changes_per_order,
)
from webapp.extensions import db
from webapp.models import Order, OrderChange
from webapp.models.base import utcnow
from webapp.sync import runs
from webapp.sync.orders.enqueue import enqueue_manual_import

pytestmark = pytest.mark.slow


def test_a_worker_killed_mid_changes_is_recovered_and_each_change_lands_once(
    app, store, service_env, tmp_path
):
    with running_simulator(**SIM_OPTIONS, clock=MovableClock()) as sim:
        use_simulator(app, sim)
        conn = connect_store(app, store, "approved")
        conn.poll_minutes, conn.next_poll_at = 0, None  # only the manual import runs
        db.session.commit()
        import_now(app, store)
        expected = db.session.scalar(select(func.count(Order.id)))
        changed = change_a_tenth(sim)  # spread over every page of the window
        sim.state.set_faults({"latency_ms": 400})
        run_id = enqueue_manual_import(store.id, date.today() - timedelta(days=10)).run.id

        def some_changes_stored():
            return 0 < db.session.scalar(select(func.count(OrderChange.id))) < len(changed)

        worker = start_worker(service_env, sim, tmp_path / "worker1.log")
        try:
            wait_for(some_changes_stored, 90, "some changes to be applied")
        finally:
            stop(worker, signal.SIGKILL)
        assert fresh_run(run_id).status == "running"
        assert 0 < sum(changes_per_order(store.id).values()) < len(changed)
        db.session.rollback()

        # The clock, once the dead worker's heartbeats are overdue, hands the run on.
        cron.tick(utcnow() + runs.STALE_AFTER + timedelta(minutes=2))
        run = finish_with_a_second_worker(service_env, sim, tmp_path, run_id)
        assert run.status == "succeeded", run.error
        assert run.attempts == 2 and run.counts.get("changed") == len(changed)
        assert_applied_once(store, changed, expected)
