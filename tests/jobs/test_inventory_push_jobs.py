"""The push jobs on a real Redis: the debounced trigger, full pushes on demand, JSON-only args."""

from __future__ import annotations

import json
import time
from datetime import timedelta

from rq.registry import ScheduledJobRegistry
from sqlalchemy import select

from tests.factories import make_item
from tests.jobs.inventory_push_support import (
    configure,
    push,
    release_scheduled,
    runs,
    set_faults,
    sim_pushes,
    sim_stock,
    work,
)
from webapp.extensions import db
from webapp.models import SyncEvent, SyncRun
from webapp.sync.connection.state import get_connection
from webapp.sync.push.enqueue import (
    enqueue_full_push,
    enqueue_push_inventory,
    full_push_job_id,
    push_job_id,
)
from webapp.sync.push.service import NO_WAREHOUSE, SYNC_OFF
from webapp.sync.queues import DEFAULT, fetch_job, queue


def test_many_stock_changes_make_one_push(push_sim, push_skus, joor_app, joor_store):
    items = [make_item(joor_store, sku["upc"], stock=1) for sku in push_skus[:3]]
    jobs = []
    for n, item in enumerate(items):
        item.stock = 10 + n
        db.session.commit()
        jobs.append(enqueue_push_inventory(joor_store.id))

    assert {job.id for job in jobs} == {push_job_id(joor_store.id)}
    assert release_scheduled(joor_app) == 1
    work(joor_app)

    assert len(sim_pushes(push_sim)) == 1
    assert sim_stock(push_sim) == {sku["upc"]: 10 + n for n, sku in enumerate(push_skus[:3])}
    [run] = runs(joor_store)
    assert (run.kind, run.status, run.params["trigger"]) == (
        "inventory",
        "succeeded",
        "stock changed",
    )
    assert run.job_id == push_job_id(joor_store.id)


def test_a_push_of_several_changes_names_them_all(push_sim, push_skus, joor_app, joor_store):
    items = [make_item(joor_store, sku["upc"], stock=1) for sku in push_skus[:4]]
    for item in items:
        enqueue_push_inventory(joor_store.id, reason=f"stock of {item.code} edited")
    enqueue_push_inventory(joor_store.id, reason=f"stock of {items[0].code} edited")

    assert release_scheduled(joor_app) == 1
    work(joor_app)

    [run] = runs(joor_store)
    assert run.params["trigger"] == (
        f"5 changes: stock of {items[0].code} edited; stock of {items[1].code} edited and 2 more"
    )


def test_an_update_push_names_only_the_skipped_items_among_the_ones_edited(
    push_sim, push_skus, joor_app, joor_store
):
    edited = make_item(joor_store, push_skus[0]["upc"], stock=1)
    left_out = make_item(joor_store, push_skus[1]["upc"], stock=1, metadata={"skip_push": "1"})
    make_item(joor_store, push_skus[2]["upc"], stock=1, metadata={"skip_joor": "1"})
    push(joor_store, full=True)  # the first full push names every item it leaves out
    assert runs(joor_store)[-1].counts["skipped"] == 2

    def push_after(*changed):
        for item in changed:
            item.stock += 1
            db.session.commit()
            enqueue_push_inventory(joor_store.id, reason=f"stock of {item.code} edited",
                                   items=[item.code])  # fmt: skip
        assert release_scheduled(joor_app) == 1
        work(joor_app)
        run = runs(joor_store)[-1]
        events = db.session.scalars(select(SyncEvent).where(SyncEvent.run_id == run.id))
        return run, [(e.subject, e.outcome) for e in events]

    run, events = push_after(edited)  # the other items were skipped before as now: no news
    assert (run.counts["passed"], run.counts["skipped"]) == (1, 0)
    assert events == [(edited.code, "passed")]

    run, events = push_after(edited, left_out)  # why the edit to a skipped item went nowhere
    assert (run.counts["passed"], run.counts["skipped"]) == (1, 1)
    assert sorted(events) == [(edited.code, "passed"), (left_out.code, "skipped")]

    # A change that names no item (a setting, a reconnect) may concern any: all are named.
    enqueue_push_inventory(joor_store.id, reason="settings changed: Size")
    assert release_scheduled(joor_app) == 1
    work(joor_app)
    assert runs(joor_store)[-1].counts["skipped"] == 2


def test_a_setting_that_decides_what_joor_holds_pushes_at_once(
    push_sim, push_skus, joor_app, joor_store
):
    make_item(joor_store, push_skus[0]["upc"], stock=3)
    configure_args = ["joor", "configure", "--store", "acme", "--set"]
    runner = joor_app.test_cli_runner()
    assert runner.invoke(args=[*configure_args, "warehouse=Secondary"]).exit_code == 0
    # No full push has reached JOOR yet: the clock's first one comes anyway, so none here.
    assert release_scheduled(joor_app) == 0
    push(joor_store, full=True)
    assert runner.invoke(args=[*configure_args, "poll_minutes=60"]).exit_code == 0
    assert release_scheduled(joor_app) == 0  # polling: nothing JOOR holds changes

    assert runner.invoke(args=[*configure_args, "warehouse=Default"]).exit_code == 0
    assert release_scheduled(joor_app) == 1
    work(joor_app)

    assert runs(joor_store)[-1].params["trigger"] == "settings changed: Default Warehouse"
    assert sim_stock(push_sim, "Default") == {push_skus[0]["upc"]: 3}


def test_a_store_without_sync_inventory_gets_no_scheduled_push(joor_app, joor_store):
    configure(joor_store, sync_inventory="off")

    assert enqueue_push_inventory(joor_store.id) is None
    assert release_scheduled(joor_app) == 0


def test_full_push_on_demand_runs_once_and_notes_the_time(
    push_sim, push_skus, joor_app, joor_store
):
    make_item(joor_store, push_skus[0]["upc"], stock=6)

    first = enqueue_full_push(joor_store.id, created_by="owner@example.com").run
    again = enqueue_full_push(joor_store.id).run

    assert again.id == first.id and first.status == "queued"
    job = fetch_job(full_push_job_id(joor_store.id))
    json.dumps(job.args), json.dumps(job.kwargs)  # ids and plain values only
    work(joor_app)
    run = db.session.get(SyncRun, first.id)
    db.session.refresh(run)
    assert (run.status, run.counts["passed"], run.created_by) == (
        "succeeded",
        1,
        "owner@example.com",
    )
    assert sim_stock(push_sim) == {push_skus[0]["upc"]: 6}
    assert get_connection(db.session, joor_store.id).last_full_push_at is not None
    assert enqueue_full_push(joor_store.id).run.id != first.id


def test_a_full_push_repeats_what_joor_already_has(push_sim, push_skus, joor_app, joor_store):
    make_item(joor_store, push_skus[0]["upc"], stock=6)
    enqueue_full_push(joor_store.id)
    work(joor_app)

    enqueue_full_push(joor_store.id)
    work(joor_app)

    assert [len(p["items"]) for p in sim_pushes(push_sim)] == [1, 1]


def test_full_push_with_sync_off_fails_at_once_in_words(push_sim, joor_app, joor_store):
    configure(joor_store, sync_inventory="off")

    run = enqueue_full_push(joor_store.id).run

    assert (run.status, run.error) == ("failed", SYNC_OFF)
    assert fetch_job(full_push_job_id(joor_store.id)) is None


def test_full_push_without_a_warehouse_fails_at_once_in_words(push_sim, joor_app, joor_store):
    get_connection(db.session, joor_store.id).warehouse = ""
    db.session.commit()

    run = enqueue_full_push(joor_store.id).run

    assert (run.status, run.error) == ("failed", NO_WAREHOUSE)


def test_a_confirmed_full_push_passes_the_confirmation_to_the_job(
    push_sim, push_skus, joor_app, joor_store
):
    items = [make_item(joor_store, sku["upc"], stock=2) for sku in push_skus[:3]]
    enqueue_full_push(joor_store.id)
    work(joor_app)
    db.session.delete(items[0])
    db.session.commit()
    configure(joor_store, inventory_mode="overwrite")

    refused = enqueue_full_push(joor_store.id).run
    work(joor_app)
    confirmed = enqueue_full_push(joor_store.id, confirmed=True).run
    work(joor_app)

    db.session.expire_all()
    assert "Confirm it with Push inventory now" in db.session.get(SyncRun, refused.id).error
    assert db.session.get(SyncRun, confirmed.id).status == "succeeded"
    assert set(sim_stock(push_sim)) == {push_skus[1]["upc"], push_skus[2]["upc"]}


def test_debounce_window_comes_from_config(joor_app, joor_store, time_machine):
    joor_app.config["PUSH_DEBOUNCE_SECONDS"] = 30
    before = int(time.time())
    time_machine.move_to(before, tick=False)  # held on a whole second, as RQ's schedule is kept

    job = enqueue_push_inventory(joor_store.id)

    registry = ScheduledJobRegistry(queue=queue(DEFAULT, joor_app.extensions["redis"]))
    assert registry.get_scheduled_time(job.id).timestamp() == before + 30


def test_a_push_failing_on_joor_is_retried_on_the_same_run(
    push_sim, push_skus, joor_app, joor_store
):
    make_item(joor_store, push_skus[0]["upc"], stock=8)
    set_faults(push_sim, error_rate=1.0)
    enqueue_push_inventory(joor_store.id)
    release_scheduled(joor_app)

    work(joor_app)

    [run] = runs(joor_store)
    # Not "failed" with a finish time, to turn "succeeded" later: it says it tries again, when.
    assert run.status == "retrying" and "JOOR is having trouble" in run.error
    assert run.finished_at is None and run.next_attempt_at > run.heartbeat_at
    set_faults(push_sim, error_rate=0.0)
    assert release_scheduled(joor_app) == 1  # RQ's retry, waiting its interval
    work(joor_app)
    [run] = runs(joor_store)
    assert (run.status, run.attempts) == ("succeeded", 2)
    assert sim_stock(push_sim) == {push_skus[0]["upc"]: 8}


def test_a_full_push_retry_keeps_its_run(push_sim, push_skus, joor_app, joor_store):
    make_item(joor_store, push_skus[0]["upc"], stock=8)
    set_faults(push_sim, error_rate=1.0)
    run = enqueue_full_push(joor_store.id).run
    work(joor_app)
    set_faults(push_sim, error_rate=0.0)

    release_scheduled(joor_app)
    work(joor_app)

    [only] = runs(joor_store)
    assert (only.id, only.status, only.attempts) == (run.id, "succeeded", 2)


def test_an_overwrite_push_counts_the_panels_warning_ahead(
    push_sim, push_skus, joor_app, joor_store, monkeypatch
):
    import webapp.sync.push.overwrite_preview as preview
    from webapp.rules import IdentifierSettings

    for sku in push_skus[:3]:
        make_item(joor_store, sku["upc"], stock=2)
    configure(joor_store, inventory_mode="overwrite")
    enqueue_full_push(joor_store.id, confirmed=True)
    work(joor_app)

    def no_planning(*_args, **_kwargs):
        raise AssertionError("the panel planned though the push had counted")

    monkeypatch.setattr(preview, "plan_push", no_planning)
    summary = preview.overwrite_summary(
        db.session,
        joor_app.extensions["redis"],
        joor_store.id,
        IdentifierSettings("upc"),
        "Default",
    )
    assert (summary.sent_skus, summary.dropped_styles, summary.known_styles) == (3, 0, 3)


def test_a_push_finding_another_one_sending_follows_it_on_the_same_run(
    push_sim, push_skus, joor_app, joor_store, monkeypatch
):
    import functools

    import webapp.sync.push.service as inventory_push
    from jobs import cron
    from jobs import inventory as inventory_jobs
    from webapp.models.base import utcnow
    from webapp.sync.push.service import BUSY, store_push_lock
    from webapp.sync.runs import QUEUED_PATIENCE

    monkeypatch.setattr(inventory_jobs, "run_push",
                        functools.partial(inventory_push.run_push, lock_wait=0.1))  # fmt: skip
    monkeypatch.setattr(inventory_jobs, "BUSY_RETRY_SECONDS", 1)
    make_item(joor_store, push_skus[0]["upc"], stock=9)
    redis = joor_app.extensions["redis"]
    with store_push_lock(redis, joor_store.id):  # a long full push is sending
        enqueue_push_inventory(joor_store.id)
        for _ in range(4):  # however often it comes back while the other push sends
            assert release_scheduled(joor_app) == 1
            work(joor_app)
            (run,) = runs(joor_store)
            assert (run.status, run.error) == ("queued", BUSY)
            # The job it waits on is on the run: the clock does not take it for lost.
            later = utcnow() + QUEUED_PATIENCE + timedelta(minutes=1)
            assert run.job_id.startswith(f"push-{joor_store.id}-wait-{run.id}-")
            assert cron.recover_abandoned_runs(later) == []
    assert release_scheduled(joor_app) == 1  # the long push is done
    work(joor_app)
    (run,) = runs(joor_store)
    assert run.status == "succeeded" and run.error == ""
    assert sim_stock(push_sim) == {push_skus[0]["upc"]: 9}
