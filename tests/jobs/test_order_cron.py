"""The clock's tick: due polls, recovery of abandoned runs, the daily full push."""

from __future__ import annotations

from datetime import date, timedelta

from rq import SimpleWorker
from sqlalchemy import select

from jobs import cron
from joorsim.orderbook import OrderQuery
from tests.jobs.order_support import duplicate_source_ids, fresh_run, order_count, window_total
from webapp.extensions import db
from webapp.models import Order, SyncRun
from webapp.models.base import utcnow
from webapp.sync import runs
from webapp.sync.claims import release
from webapp.sync.locks import StoreLock, lock_holder
from webapp.sync.orders import enqueue as order_enqueue
from webapp.sync.push.enqueue import full_push_attempt
from webapp.sync.queues import DEFAULT, POLLING, SERIALIZER, fetch_job, queue


def work(app) -> None:
    redis = app.extensions["redis"]
    queues = [queue(POLLING, redis), queue(DEFAULT, redis)]
    SimpleWorker(queues, connection=redis, serializer=SERIALIZER).work(burst=True)


def make_due(conn, when=None) -> None:
    conn.next_poll_at = when or utcnow() - timedelta(seconds=1)
    db.session.commit()


def test_a_tick_enqueues_one_poll_per_due_store_and_moves_its_schedule(app, store, connected):
    make_due(connected)
    now = utcnow()
    assert cron.tick(now)["polls"] == [store.id]
    job_id = f"poll-{store.id}-{int(now.timestamp() // 60)}"
    assert fetch_job(job_id).get_status() == "queued"
    db.session.refresh(connected)
    assert connected.next_poll_at == now + timedelta(minutes=connected.poll_minutes)


def test_two_clocks_ticking_together_enqueue_one_poll(app, store, connected):
    due = utcnow() - timedelta(seconds=1)
    make_due(connected, due)
    now = utcnow()
    first = cron.tick(now)
    make_due(connected, due)  # as if the second clock read the schedule before the first wrote it
    second = cron.tick(now + timedelta(seconds=5))
    assert first["polls"] == [store.id] and second["polls"] == []
    assert queue(POLLING).count == 1


def test_polls_do_not_stack_up_while_no_worker_runs(app, store, order_sim, connected):
    start = utcnow()
    for n in range(4):  # four poll intervals with the workers down
        now = start + timedelta(minutes=connected.poll_minutes * n)
        make_due(connected, now - timedelta(seconds=1))
        assert cron.tick(now)["polls"] == ([store.id] if n == 0 else [])
    assert queue(POLLING).count == 1
    work(app)  # the worker is back: one poll covers everything since the watermark
    polls = db.session.scalars(select(SyncRun).where(SyncRun.kind == "poll")).all()
    assert [(run.status, run.counts) for run in polls] == [
        ("succeeded", {"imported": window_total(order_sim)})
    ]
    later = start + timedelta(minutes=connected.poll_minutes * 5)
    make_due(connected, later - timedelta(seconds=1))
    assert cron.tick(later)["polls"] == [store.id]  # and the next interval polls again


def test_stores_not_due_off_or_failing_are_not_polled(app, store, connected):
    make_due(connected, utcnow() + timedelta(minutes=3))
    assert cron.tick()["polls"] == []
    connected.poll_minutes = 0
    make_due(connected)
    assert cron.tick()["polls"] == []
    connected.poll_minutes, connected.status = 15, "failing"
    make_due(connected)
    assert cron.tick()["polls"] == []


def test_orders_arriving_while_a_poll_pages_are_picked_up_by_the_next_poll(
    app, store, order_sim, connected
):
    # The simulator stamps an arrival anywhere in the window being read; with the previous
    # watermark just ahead of now, that whole window lies inside the next poll's overlap.
    connected.watermark = utcnow() + timedelta(minutes=1)
    make_due(connected)
    since = int((connected.watermark - timedelta(minutes=10)).timestamp())
    order_sim.state.set_faults({"arrivals_per_page": 3, "fault_seed": 5})
    cron.tick()
    work(app)
    order_sim.state.set_faults({"arrivals_per_page": 0})
    first_count = order_count(store.id)
    make_due(connected)
    cron.tick(utcnow() + timedelta(minutes=1))
    work(app)
    query = OrderQuery(order_type=4, sync=False, date_start=since, date_end=since + 86400)
    with order_sim.state.lock:
        expected = {o["order_id"] for o in _all_pages(order_sim, query)}
    stored = set(db.session.scalars(select(Order.source_id).where(Order.store_id == store.id)))
    assert stored == expected and duplicate_source_ids(store.id) == 0
    assert len(stored) > first_count  # the arrivals the first poll could not see


def _all_pages(order_sim, query):
    from dataclasses import replace

    start = 0
    while True:
        page = order_sim.state.book.query(replace(query, start_from=start, count=100))
        yield from page["orders"]
        start += 100
        if start >= page["total"]:
            return


def test_a_run_left_running_by_a_dead_worker_is_enqueued_again_and_finished(
    app, store, order_sim, connected
):
    make_due(connected, utcnow() + timedelta(hours=1))  # only the recovery runs
    run = runs.create_run(db.session, store.id, "poll", _window(connected))
    runs.start_run(db.session, run, job_id="poll-1-1")  # that job no longer exists in RQ
    dead_lock = StoreLock(app.extensions["redis"], store.id, run.id)
    assert dead_lock.acquire()
    later = utcnow() + runs.STALE_AFTER + timedelta(seconds=1)
    assert cron.tick(later)["recovered"] == [run.id]
    assert lock_holder(app.extensions["redis"], store.id) is None
    assert cron.tick(later)["recovered"] == []  # already queued: never twice
    work(app)
    run = fresh_run(run.id)
    assert run.status == "succeeded" and run.attempts == 2
    db.session.refresh(connected)
    assert connected.watermark.isoformat() == run.params["until"]


def test_an_import_whose_queued_job_redis_lost_is_enqueued_again_and_finished(
    app, store, order_sim, connected
):
    make_due(connected, utcnow() + timedelta(hours=1))  # only the recovery runs
    run = order_enqueue.enqueue_manual_import(store.id, date.today() - timedelta(days=10)).run
    assert cron.tick(utcnow() + timedelta(minutes=1))["recovered"] == []  # just queued
    app.extensions["redis"].flushdb()  # a Redis restart without persistence
    later = utcnow() + runs.QUEUED_PATIENCE + timedelta(seconds=1)
    assert cron.tick(later)["recovered"] == [run.id]
    assert cron.tick(later)["recovered"] == []  # queued again: never twice
    work(app)
    run = fresh_run(run.id)
    assert run.status == "succeeded" and run.counts == {"imported": window_total(order_sim)}
    assert order_count(store.id) == window_total(order_sim)


def test_a_queued_import_whose_job_waits_its_turn_is_left_alone(app, store, order_sim, connected):
    make_due(connected, utcnow() + timedelta(hours=1))
    run = order_enqueue.enqueue_manual_import(store.id, date.today() - timedelta(days=10)).run
    later = utcnow() + runs.QUEUED_PATIENCE + timedelta(minutes=1)
    assert cron.tick(later)["recovered"] == []
    assert fresh_run(run.id).status == "queued"


def test_an_import_that_keeps_stopping_its_worker_is_given_up_in_words(app, store, connected):
    make_due(connected, utcnow() + timedelta(hours=1))
    run = runs.create_run(db.session, store.id, "manual", {"since": "2026-01-01"})
    for _ in range(cron.MAX_ATTEMPTS):
        runs.start_run(db.session, run, job_id="import-gone")  # each attempt died
    later = utcnow() + runs.STALE_AFTER + timedelta(seconds=1)
    assert cron.tick(later)["recovered"] == [run.id]
    run = fresh_run(run.id)
    assert run.status == "failed" and f"started {cron.MAX_ATTEMPTS} times" in run.error
    assert not [job for job in queue(DEFAULT).job_ids if job.startswith("import-")]


def test_a_run_with_a_fresh_heartbeat_is_left_alone(app, store, connected):
    run = runs.create_run(db.session, store.id, "manual", {"since": "2026-01-01"})
    runs.start_run(db.session, run, job_id="import-404")
    assert cron.tick()["recovered"] == []
    assert fresh_run(run.id).status == "running"


def _window(conn):
    now = utcnow()
    return {"since": (now - timedelta(days=7)).isoformat(), "until": now.isoformat()}


def test_the_daily_full_push_is_enqueued_for_stores_that_sync_inventory(
    app, store, connected, monkeypatch
):

    pushed, asked = [], []

    def enqueue(store_id, **kwargs):
        pushed.append(store_id)
        asked.append((kwargs["created_by"], kwargs["trigger"]))

    monkeypatch.setattr(cron, "enqueue_full_push", enqueue)
    connected.sync_inventory = True
    connected.last_full_push_at = utcnow() - timedelta(hours=25)
    db.session.commit()
    assert cron.tick()["full_pushes"] == [store.id]
    assert asked == [("daily full push", cron.DAILY_FULL_PUSH)]
    assert cron.tick()["full_pushes"] == []  # this minute's claim is taken
    # The push has not succeeded yet (JOOR down, say): the next try waits an hour, not a tick.
    assert cron.enqueue_full_pushes(utcnow() + timedelta(minutes=5)) == []
    release(full_push_attempt(store.id))  # the hour is over
    assert cron.enqueue_full_pushes(utcnow() + timedelta(minutes=61)) == [store.id]
    connected.last_full_push_at = utcnow() - timedelta(hours=1)
    db.session.commit()
    db.session.expire_all()
    assert cron.enqueue_full_pushes(utcnow() + timedelta(minutes=2)) == []
    assert pushed == [store.id, store.id]


def test_the_first_full_push_says_it_is_the_first_not_the_daily_one(
    app, store, connected, monkeypatch
):

    asked = []
    monkeypatch.setattr(cron, "enqueue_full_push", lambda store_id, **kwargs: asked.append(kwargs))
    connected.sync_inventory = True  # just turned on: no full push has reached JOOR yet
    db.session.commit()
    assert cron.enqueue_full_pushes(utcnow()) == [store.id]
    assert asked == [{"created_by": "automatic", "trigger": cron.FIRST_FULL_PUSH}]


def test_a_push_left_running_by_a_dead_worker_is_cancelled_in_words_and_pushed_again(
    app, store, connected
):
    connected.sync_inventory = True
    db.session.commit()
    run = runs.create_run(db.session, store.id, "inventory", {"trigger": "stock changed"})
    runs.start_run(db.session, run, job_id="push-404")  # its job is gone from RQ
    later = utcnow() + runs.STALE_AFTER + timedelta(seconds=1)
    assert cron.tick(later)["recovered"] == [run.id]
    run = fresh_run(run.id)
    assert run.status == "cancelled" and "stopped before it finished" in run.error
    assert fetch_job(f"push-{store.id}").get_status() == "scheduled"
    assert cron.tick(later)["recovered"] == []  # finished: never twice


def test_a_queued_push_whose_job_redis_lost_is_cancelled_in_words_and_pushed_again(
    app, store, connected
):
    from webapp.sync.push.enqueue import enqueue_full_push

    connected.sync_inventory, connected.warehouse = True, "Default"
    db.session.commit()
    run = enqueue_full_push(store.id).run
    later = utcnow() + runs.QUEUED_PATIENCE + timedelta(seconds=1)
    assert cron.tick(later)["recovered"] == []  # its job waits its turn
    app.extensions["redis"].flushdb()  # a Redis restart without persistence
    assert cron.tick(later)["recovered"] == [run.id]
    run = fresh_run(run.id)
    assert run.status == "cancelled" and "its job was lost" in run.error
    assert fetch_job(f"push-{store.id}").get_status() == "scheduled"


def test_a_push_whose_job_is_still_started_is_left_alone(app, store, connected, monkeypatch):
    run = runs.create_run(db.session, store.id, "inventory", {})
    runs.start_run(db.session, run, job_id="push-1")

    class Started:
        def get_status(self, refresh=True):
            return "started"

    monkeypatch.setattr(cron, "fetch_job", lambda job_id: Started())
    assert cron.tick(utcnow() + timedelta(hours=1))["recovered"] == []
    assert fresh_run(run.id).status == "running"


def test_two_clocks_either_side_of_a_minute_boundary_enqueue_one_poll(app, store, connected):
    due = utcnow() - timedelta(seconds=1)
    make_due(connected, due)
    boundary = utcnow().replace(second=59, microsecond=900_000)
    first = cron.tick(boundary)
    make_due(connected, due)
    second = cron.tick(boundary + timedelta(seconds=1))
    assert first["polls"] == [store.id] and second["polls"] == []
    assert queue(POLLING).count == 1


def test_an_overwrite_waiting_for_a_yes_is_asked_again_daily_not_hourly(
    app, store, connected, monkeypatch
):

    from webapp.sync.push.service import create_push_run

    asked = []
    monkeypatch.setattr(cron, "enqueue_full_push", lambda store_id, **_: asked.append(store_id))
    connected.sync_inventory, connected.inventory_mode = True, "overwrite"
    run = create_push_run(db.session, store.id, trigger="full push", full=True)
    runs.finish_run(
        db.session, run, error="Nothing was sent: this would be the first Overwrite",
        status="awaiting_confirmation",
    )  # fmt: skip

    assert cron.enqueue_full_pushes(utcnow() + timedelta(hours=2)) == []
    assert cron.enqueue_full_pushes(utcnow() + timedelta(hours=25)) == [store.id]
    release(full_push_attempt(store.id))  # the hour is over
    connected.inventory_mode = "update"  # nothing to confirm any more: pushed at once
    db.session.commit()
    assert cron.enqueue_full_pushes(utcnow() + timedelta(hours=2)) == [store.id]
