"""Old run logs go once a day; the latest run of each kind, unfinished runs and orders stay."""

from __future__ import annotations

from datetime import timedelta

from rq import SimpleWorker
from sqlalchemy import func, select

from jobs import cron
from tests.factories import make_store
from tests.web.order_factories import make_order
from webapp.extensions import db
from webapp.models import Order, SyncEvent, SyncRun
from webapp.models.base import utcnow
from webapp.sync import runs
from webapp.sync.queues import DEFAULT, SERIALIZER, queue
from webapp.sync.retention import prune_run_logs


def old_run(store, kind: str, days_ago: int, *, status: str = "succeeded", events: int = 3):
    """A run of `kind` with its events, finished (or left running) `days_ago` days ago."""
    run = runs.create_run(db.session, store.id, kind, {})
    runs.start_run(db.session, run)
    events = [{"subject": f"S{n}", "outcome": "imported", "reason": ""} for n in range(events)]
    runs.add_events(db.session, run, events)
    if status != "running":
        runs.finish_run(db.session, run, error="" if status == "succeeded" else "JOOR was down")
        run.finished_at = utcnow() - timedelta(days=days_ago)
    run.created_at = utcnow() - timedelta(days=days_ago)
    db.session.commit()
    return run.id


def left() -> tuple[set[int], int]:
    """The runs still here, and how many events."""
    ids = set(db.session.scalars(select(SyncRun.id)))
    return ids, db.session.scalar(select(func.count(SyncEvent.id)))


def test_runs_older_than_the_limit_go_with_their_events_and_the_rest_stays(app, store):
    other = make_store("other")
    order = make_order(store)
    expired = [old_run(store, "poll", 200), old_run(store, "inventory", 95, status="failed")]
    kept = [
        old_run(store, "poll", 100),  # the store's latest poll, however old: the panel shows it
        old_run(store, "inventory", 91),  # the latest push
        old_run(store, "manual", 120, status="running"),  # not finished: never touched
        old_run(store, "manual", 10),  # recent
        old_run(other, "poll", 300),  # the other store's only poll
    ]

    assert prune_run_logs(db.session, utcnow(), 90) == len(expired)

    assert left() == (set(kept), 3 * len(kept))
    assert db.session.get(Order, order.id) is not None  # the orders a run imported stay


def test_a_limit_of_zero_keeps_every_run(app, store):
    ids = {old_run(store, "poll", 400), old_run(store, "poll", 300)}
    assert prune_run_logs(db.session, utcnow(), 0) == 0
    assert left()[0] == ids


def test_the_clock_has_a_worker_prune_once_a_day(app, store):
    app.config["RUN_LOG_DAYS"] = 30
    gone, latest = old_run(store, "poll", 60), old_run(store, "poll", 45)
    now = utcnow()
    assert cron.tick(now)["housekeeping"] == [f"prune-logs-{now:%Y%m%d}"]
    assert cron.tick(now + timedelta(minutes=1))["housekeeping"] == []  # asked every minute

    redis = app.extensions["redis"]
    SimpleWorker([queue(DEFAULT, redis)], connection=redis, serializer=SERIALIZER).work(burst=True)

    assert gone not in left()[0] and latest in left()[0]
    assert cron.tick(now + timedelta(days=1))["housekeeping"] != []  # and the next day again
