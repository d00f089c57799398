"""Retries kept on the run: rebuilt by the clock when Redis lost them; a worker rides out Redis."""

from __future__ import annotations

from datetime import timedelta

import redis

from jobs import cron
from jobs.retries import LOST_AFTER, next_retry_due
from jobs.worker import ReregisteringWorker
from tests.web.panel_helpers import make_run
from webapp.extensions import db
from webapp.models.base import utcnow
from webapp.sync.queues import DEFAULT, fetch_job, queue
from webapp.sync.runs import retry_at


def retrying_run(store_id: int, kind: str = "manual", *, due_ago: float = 30, **params):
    """A run that failed for now, its retry due `due_ago` seconds ago."""
    run = make_run(store_id, kind, status="running")
    run.params = {**run.params, **params}
    run.job_id = f"import-{run.id}"
    run.error = "JOOR is having trouble right now."
    retry_at(db.session, run, utcnow() - timedelta(seconds=due_ago))
    return run


def test_a_retry_redis_lost_is_enqueued_again_on_its_run(app, store):
    run = retrying_run(store.id)

    assert cron.tick(utcnow())["retries"] == [run.id]

    job = fetch_job(f"import-{run.id}")
    assert job.func_name == "jobs.orders.import_orders" and list(job.args) == [run.id]
    assert cron.tick(utcnow())["retries"] == []  # queued now: not twice


def test_a_retry_rq_still_holds_is_left_to_rq(app, store):
    run = retrying_run(store.id)
    queue(DEFAULT).enqueue_in(
        timedelta(seconds=5), "jobs.orders.import_orders", args=(run.id,), job_id=run.job_id
    )
    assert cron.tick(utcnow())["retries"] == []


def test_a_retry_not_due_yet_waits_for_its_time(app, store):
    retrying_run(store.id, due_ago=-60)  # due in a minute
    assert cron.tick(utcnow())["retries"] == []


def test_a_lost_push_retry_goes_on_its_run_with_the_tries_it_has_left(app, store):
    run = retrying_run(store.id, "inventory", trigger="stock changed", full=True, confirmed=False)

    assert cron.tick(utcnow())["retries"] == [run.id]

    db.session.refresh(run)
    job = fetch_job(run.job_id)
    assert job.func_name == "jobs.inventory.push_inventory" and list(job.args) == [store.id]
    assert job.kwargs == {"trigger": "stock changed", "full": True, "confirmed": False,
                          "run_id": run.id}  # fmt: skip
    assert job.retries_left == 2  # its first attempt failed: two of RQ's retries are left


def test_the_clock_wakes_when_the_soonest_retry_falls_due(app, store):
    now = utcnow()
    assert next_retry_due(now) is None
    run = retrying_run(store.id, due_ago=-20)
    assert next_retry_due(now) == run.next_attempt_at + LOST_AFTER


def test_the_clock_tells_when_redis_came_back_without_its_data(app):
    from jobs.clock import redis_forgot

    redis_forgot()  # leaves its marker
    assert redis_forgot() is False
    app.extensions["redis"].flushdb()  # Redis restarted empty
    assert redis_forgot() is True
    assert redis_forgot() is False


def test_a_worker_carries_on_while_redis_is_unreachable(app, tmp_path):
    worker = ReregisteringWorker([DEFAULT], connection=app.extensions["redis"])
    worker.connection = redis.Redis(unix_socket_path=str(tmp_path / "gone.sock"))  # Redis died
    # Each of these raised out of RQ's work loop and ended the process.
    worker.heartbeat()
    worker.set_state("idle")
    worker.check_for_suspension(burst=False)
    worker.run_maintenance_tasks()
    assert worker.get_state() == "idle"
