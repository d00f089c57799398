"""Drill: Redis killed mid-import and brought back empty; worker and clock carry on by themselves.

A real redis-server (its own, on a private socket) serves a real `python -m jobs.worker` and
`python -m jobs.clock`. Redis is SIGKILLed while the import pages, then started again with
none of its data: the job, its scheduled retry, the store lock and the credit budget are gone.
Nobody starts anything by hand, and the import must finish within a minute of Redis coming
back, with every order exactly once.
"""

from __future__ import annotations

import json
import signal
import time

import pytest
import redis

from joorsim.testing import running_simulator
from tests.jobs.order_support import (
    duplicate_source_ids,
    fresh_run,
    order_count,
)
from tests.jobs.test_order_killed_worker import (
    queue_manual_import,
    start_module,
    start_worker,
    stop,
    wait_for,
)
from tests.services import RedisServer
from webapp.sync.queues import DEFAULT, queue

SIM = {"orders": 3000, "seed": 7, "lines_per_order": 3, "days": 5}
RECOVERY_LIMIT = 60  # seconds from Redis back to the import finished (issue 21, item 5)
pytestmark = pytest.mark.slow


@pytest.fixture
def lost_redis():
    """A Redis of the drill's own, which it may kill and start again."""
    server = RedisServer()
    yield server
    if server.process.poll() is None:
        server.stop()


def test_an_import_outlives_redis_lost_and_restarted_empty(
    app, store, service_env, lost_redis, tmp_path
):
    app.extensions["redis"] = redis.Redis.from_url(lost_redis.url, socket_timeout=10)
    env = {**service_env, "REDIS_URL": lost_redis.url, "PYTHONUNBUFFERED": "1"}
    with running_simulator(**SIM, faults={"latency_ms": 300}) as sim:
        run_id, expected = queue_manual_import(app, store, sim)
        worker = start_worker(env, sim, tmp_path / "worker.log")
        clock_env = {**env, "JOOR_LOCAL_URL": sim.base_url}
        clock = start_module("jobs.clock", clock_env, tmp_path / "clock.log")
        try:
            wait_for(lambda: 0 < fresh_run(run_id).done < expected, 60, "the import to start")
            lost_redis.kill()
            wait_for(lambda: fresh_run(run_id).status != "running", 60, "the import to stop")
            # It stopped for now, and says when it tries again: that is all Redis will not hold.
            assert fresh_run(run_id).status == "retrying" and fresh_run(run_id).next_attempt_at
            sim.state.set_faults({"latency_ms": 0})
            lost_redis.start()
            back = time.monotonic()
            finished = lambda: fresh_run(run_id).is_finished  # noqa: E731
            wait_for(finished, RECOVERY_LIMIT, "the import to finish within a minute of Redis")
            seconds = round(time.monotonic() - back, 1)
            alive = {"worker": worker.poll() is None, "clock": clock.poll() is None}
        finally:
            stop(worker, signal.SIGTERM)
            stop(clock, signal.SIGTERM)
            for log in tmp_path.glob("*.log"):  # shown by pytest when the drill fails
                print(f"--- {log.name}\n{log.read_text()[-4000:]}")

    print(json.dumps({"drill": "redis_loss", "redis_back_to_import_finished_s": seconds}))
    run = fresh_run(run_id)
    assert alive == {"worker": True, "clock": True}
    assert run.status == "succeeded", run.error
    assert order_count(store.id) == expected and duplicate_source_ids(store.id) == 0
    assert run.counts.get("imported") == expected and run.attempts == 2


def test_a_worker_started_before_redis_waits_for_it_then_works(
    app, service_env, lost_redis, tmp_path
):
    # As under `make run` or a PaaS restart: the worker comes up first; exiting would make
    # honcho stop every process.
    lost_redis.kill()
    log = tmp_path / "worker.log"
    env = {**service_env, "REDIS_URL": lost_redis.url, "PYTHONUNBUFFERED": "1"}
    worker = start_module("jobs.worker", env, log)
    try:
        waited = lambda: "Redis unreachable" in log.read_text()  # noqa: E731
        wait_for(waited, 60, "the worker to find Redis away")
        lost_redis.start()
        connection = redis.Redis.from_url(lost_redis.url)
        job = queue(DEFAULT, connection).enqueue("jobs.housekeeping.prune_logs")
        done = lambda: job.get_status(refresh=True) == "finished"  # noqa: E731
        wait_for(done, 60, "the worker to run a job once Redis is up")
        alive = worker.poll() is None
    finally:
        stop(worker, signal.SIGTERM)
        print(log.read_text()[-3000:])
    assert alive
