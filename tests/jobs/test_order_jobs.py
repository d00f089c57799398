"""Order import jobs on a real Redis: manual imports, polls, busy stores, refused tokens."""

from __future__ import annotations

from datetime import date, timedelta

from rq import SimpleWorker
from rq.registry import FailedJobRegistry, ScheduledJobRegistry
from sqlalchemy import select

from jobs import cron
from jobs import orders as order_jobs
from tests.jobs.order_support import (
    TOKEN,
    duplicate_source_ids,
    fresh_run,
    order_count,
    window_total,
)
from webapp.extensions import db
from webapp.models import SyncRun
from webapp.models.base import utcnow
from webapp.sync.locks import StoreLock, lock_holder
from webapp.sync.orders import enqueue as order_enqueue
from webapp.sync.queues import DEFAULT, POLLING, SERIALIZER, fetch_job, queue

SINCE = date.today() - timedelta(days=10)


def work(app) -> None:
    """Run every queued job in this process, as a worker would."""
    redis = app.extensions["redis"]
    queues = [queue(POLLING, redis), queue(DEFAULT, redis)]
    SimpleWorker(queues, connection=redis, serializer=SERIALIZER).work(burst=True)


def test_a_manual_import_is_queued_then_imported_by_a_worker(app, store, order_sim, connected):
    run, created = order_enqueue.enqueue_manual_import(
        store.id, SINCE, created_by="owner@example.com"
    )
    assert run.status == "queued" and created
    assert run.job_id == f"import-{run.id}" and fetch_job(run.job_id) is not None
    work(app)
    run = fresh_run(run.id)
    assert run.status == "succeeded" and run.counts == {"imported": window_total(order_sim)}
    assert run.created_by == "owner@example.com"


def test_a_second_click_returns_the_import_already_under_way(app, store, order_sim, connected):
    first = order_enqueue.enqueue_manual_import(store.id, SINCE).run
    second, created = order_enqueue.enqueue_manual_import(store.id, SINCE - timedelta(days=3))
    assert second.id == first.id and not created
    assert db.session.scalars(select(SyncRun)).all() == [first]
    work(app)
    assert order_count(store.id) == window_total(order_sim)


def test_retry_failed_re_imports_only_the_failed_orders(app, store, order_sim, connected):
    (bad,) = order_sim.state.add_orders(
        orders=[{"line_items": [{"item_upc": "9", "item_quantity": "x", "item_price": "1"}]}]
    )
    first = order_enqueue.enqueue_manual_import(store.id, SINCE).run
    work(app)
    retry = order_enqueue.enqueue_retry_failed(first.id, created_by="owner")
    assert retry.params["order_ids"] == [bad] and retry.job_id == f"import-{retry.id}"
    work(app)
    assert fresh_run(retry.id).counts == {"failed": 1}
    assert order_enqueue.enqueue_retry_failed(9999) is None


def test_a_manual_import_waits_for_a_busy_store_and_comes_back_later(
    app, store, order_sim, connected, monkeypatch
):
    monkeypatch.setattr(order_jobs, "LOCK_WAIT_SECONDS", 0)
    poll_lock = StoreLock(app.extensions["redis"], store.id, run_id=424242)
    assert poll_lock.acquire()
    run = order_enqueue.enqueue_manual_import(store.id, SINCE).run
    work(app)
    run = fresh_run(run.id)
    assert run.status == "queued" and run.job_id.startswith(f"import-{run.id}-wait-")
    scheduled = ScheduledJobRegistry(DEFAULT, connection=app.extensions["redis"])
    assert run.job_id in scheduled.get_job_ids()
    assert lock_holder(app.extensions["redis"], store.id) == 424242


def test_a_poll_imports_its_window_and_advances_the_watermark(
    app, store, order_sim, connected, time_machine
):
    time_machine.move_to(utcnow(), tick=False)  # held: the next poll is due exactly a period on
    before = utcnow()
    order_enqueue.enqueue_poll_orders(store.id)
    work(app)
    run = db.session.scalar(select(SyncRun).where(SyncRun.kind == "poll"))
    assert run.status == "succeeded" and run.counts == {"imported": window_total(order_sim)}
    db.session.refresh(connected)
    assert connected.watermark >= before
    assert connected.watermark.isoformat() == run.params["until"]
    assert connected.next_poll_at == utcnow() + timedelta(minutes=connected.poll_minutes)


def test_a_poll_is_skipped_while_another_import_holds_the_store(app, store, order_sim, connected):
    StoreLock(app.extensions["redis"], store.id, run_id=7).acquire()
    order_enqueue.enqueue_poll_orders(store.id)
    work(app)
    assert db.session.scalars(select(SyncRun)).all() == []
    assert order_count(store.id) == 0 and connected.watermark is None


def test_a_revoked_token_fails_the_poll_without_retries_and_stops_polling(
    app, store, order_sim, connected
):
    order_sim.state.set_faults({"revoke_tokens": [TOKEN]})
    job = order_enqueue.enqueue_poll_orders(store.id)
    work(app)
    run = db.session.scalar(select(SyncRun))
    assert run.status == "failed" and "refused the access token" in run.error
    db.session.refresh(connected)
    assert connected.status == "failing" and connected.next_poll_at is None
    failed = FailedJobRegistry(POLLING, connection=app.extensions["redis"], serializer=SERIALIZER)
    assert job.id in failed.get_job_ids()


def test_polls_start_again_when_a_failing_connection_works_again(app, store, order_sim, connected):
    order_sim.state.set_faults({"revoke_tokens": [TOKEN]})
    order_enqueue.enqueue_poll_orders(store.id)
    work(app)
    db.session.refresh(connected)
    assert connected.status == "failing" and connected.next_poll_at is None
    with order_sim.state.lock:  # JOOR takes the token again (faults only ever add revocations)
        order_sim.state.faults.revoke_tokens = []
    run = order_enqueue.enqueue_manual_import(store.id, SINCE).run
    work(app)
    assert fresh_run(run.id).status == "succeeded"
    db.session.refresh(connected)
    assert connected.status == "connected" and connected.next_poll_at <= utcnow()
    assert cron.tick(utcnow())["polls"] == [store.id]


def test_a_manual_import_with_a_revoked_token_is_not_retried(app, store, order_sim, connected):
    order_sim.state.set_faults({"revoke_tokens": [TOKEN]})
    run = order_enqueue.enqueue_manual_import(store.id, SINCE).run
    work(app)
    assert fresh_run(run.id).status == "failed"
    scheduled = ScheduledJobRegistry(DEFAULT, connection=app.extensions["redis"])
    assert scheduled.get_job_ids() == []
    assert fetch_job(run.job_id).get_status() == "failed"


def test_a_transient_failure_is_recorded_and_retried_by_rq(
    app, store, order_sim, connected, time_machine
):
    time_machine.move_to(utcnow(), tick=False)  # held: the retry is due exactly 10 s on
    order_sim.state.set_faults({"error_rate": 1.0})
    run = order_enqueue.enqueue_manual_import(store.id, SINCE).run
    work(app)
    run = fresh_run(run.id)
    # Retrying in 10 s (RQ's retry), the failure said in words.
    assert run.status == "retrying" and run.finished_at is None
    assert "having trouble" in run.error
    assert run.next_attempt_at - run.heartbeat_at == timedelta(seconds=10)
    scheduled = ScheduledJobRegistry(DEFAULT, connection=app.extensions["redis"])
    assert run.job_id in scheduled.get_job_ids()
    assert duplicate_source_ids(store.id) == 0

    order_sim.state.set_faults({"error_rate": 0.0})  # JOOR is back by the time RQ retries
    job = fetch_job(run.job_id)
    scheduled.remove(job)
    queue(DEFAULT, app.extensions["redis"]).enqueue_job(job)
    work(app)
    run = fresh_run(run.id)
    assert run.status == "succeeded" and run.attempts == 2 and run.error == ""
    assert run.counts == {"imported": window_total(order_sim)}
    assert order_count(store.id) == window_total(order_sim) and duplicate_source_ids(store.id) == 0


def test_an_import_failing_on_every_retry_ends_failed_in_words(app, store, order_sim, connected):
    order_sim.state.set_faults({"error_rate": 1.0})
    run = order_enqueue.enqueue_manual_import(store.id, SINCE).run
    redis = app.extensions["redis"]
    scheduled = ScheduledJobRegistry(DEFAULT, connection=redis)
    work(app)
    for _ in range(order_enqueue.IMPORT_RETRY.max):  # each retry, run now instead of later
        job = fetch_job(run.job_id)
        scheduled.remove(job)
        queue(DEFAULT, redis).enqueue_job(job)
        work(app)
    run = fresh_run(run.id)
    assert run.status == "failed" and run.attempts == 1 + order_enqueue.IMPORT_RETRY.max
    assert "having trouble" in run.error and "Next attempt" not in run.error
    assert run.job_id not in scheduled.get_job_ids()
