"""A real `rq` worker process killed mid-import: the clock and a second worker finish the job."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path

import pytest

from jobs import cron
from joorsim.testing import running_simulator
from tests.jobs.order_support import (
    SIM_OPTIONS,
    connect_store,
    duplicate_source_ids,
    fresh_run,
    order_count,
    use_simulator,
    window_total,
)
from webapp.extensions import db
from webapp.models.base import utcnow
from webapp.sync import runs
from webapp.sync.locks import lock_holder
from webapp.sync.orders.enqueue import enqueue_manual_import

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.slow


def start_worker(service_env, sim, log_path: Path) -> subprocess.Popen:
    """Start `python -m jobs.worker` in its own session (so its work horse dies with it)."""
    return start_module("jobs.worker", {**service_env, "JOOR_LOCAL_URL": sim.base_url}, log_path)


def start_module(module: str, env: dict, log_path: Path) -> subprocess.Popen:
    """Start `python -m <module>` (a worker, the clock) in its own session, logging to a file."""
    return subprocess.Popen(  # noqa: S603 - our own interpreter and module
        [sys.executable, "-m", module],
        cwd=ROOT,
        env=env,
        stdout=log_path.open("wb"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def wait_for(predicate, timeout: float, what: str):
    """Poll the database until predicate() is truthy (a bound, not a timing assertion)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        db.session.rollback()  # release SQLite's read lock so the worker can write
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"gave up waiting for {what}")


def family(pid: int) -> list[int]:
    """Return pid and all its descendants (RQ puts its work horse in a process group of its own)."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            parent = int(stat.read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        children.setdefault(parent, []).append(int(stat.parent.name))
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        todo.extend(children.get(current, []))
    return found


def queue_manual_import(app, store, sim) -> tuple[int, int]:
    """Connect the store to the simulator and queue one manual import, with nothing else due.

    Returns the run's id and how many orders it should bring in.
    """
    use_simulator(app, sim)
    conn = connect_store(app, store)
    conn.poll_minutes, conn.next_poll_at = 0, None  # only the manual import runs
    db.session.commit()
    expected = window_total(sim)
    return enqueue_manual_import(store.id, date.today() - timedelta(days=10)).run.id, expected


def stop(proc: subprocess.Popen, sig: int) -> None:
    """Signal the worker, its work horse and its scheduler, then reap the worker."""
    for pid in reversed(family(proc.pid)):
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, sig)
    proc.wait(30)


def finish_with_a_second_worker(service_env, sim, tmp_path: Path, run_id: int):
    """Start a worker (JOOR quick again) to finish the run the clock handed on; the run then."""
    sim.state.set_faults({"latency_ms": 0})
    second = start_worker(service_env, sim, tmp_path / "worker2.log")
    try:
        wait_for(lambda: fresh_run(run_id).is_finished, 120, "the retried import to finish")
    finally:
        stop(second, signal.SIGTERM)
    return fresh_run(run_id)


def test_a_worker_killed_mid_import_is_recovered_and_every_order_lands_once(
    app, store, service_env, tmp_path
):
    with running_simulator(**SIM_OPTIONS, faults={"latency_ms": 250}) as sim:
        run_id, expected = queue_manual_import(app, store, sim)

        worker = start_worker(service_env, sim, tmp_path / "worker1.log")
        try:
            wait_for(lambda: 0 < fresh_run(run_id).done < expected, 60, "the import to start")
        finally:
            stop(worker, signal.SIGKILL)
        assert fresh_run(run_id).status == "running"
        assert 0 < order_count(store.id) < expected
        db.session.rollback()

        # The clock, once the worker's heartbeats are overdue: RQ retries the abandoned job
        # and the dead run's store lock is freed.
        cron.tick(utcnow() + runs.STALE_AFTER + timedelta(minutes=2))
        assert lock_holder(app.extensions["redis"], store.id) is None

        run = finish_with_a_second_worker(service_env, sim, tmp_path, run_id)
        assert run.status == "succeeded", run.error
        assert run.attempts == 2 and run.counts == {"imported": expected}
        assert order_count(store.id) == expected and duplicate_source_ids(store.id) == 0
