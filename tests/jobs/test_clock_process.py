"""The clock as the Procfile runs it: a real process that ticks and stops on SIGTERM."""

from __future__ import annotations

import signal
import subprocess
import sys
import time

import pytest
from rq.job import Job

from webapp import ROOT
from webapp.sync.queues import POLLING, queue


@pytest.mark.slow
def test_the_clock_process_enqueues_a_due_poll_and_stops_on_sigterm(
    app, store, connected, service_env
):
    from webapp.extensions import db
    from webapp.models.base import utcnow

    connected.next_poll_at = utcnow()  # due now (a first connection waits a few minutes)
    db.session.commit()
    env = {**service_env, "CLOCK_TICK_SECONDS": "1", "JOOR_LOCAL_URL": app.config["JOOR_LOCAL_URL"]}
    clock = subprocess.Popen(  # noqa: S603 - our own module
        [sys.executable, "-m", "jobs.clock"], cwd=ROOT, env=env, stderr=subprocess.PIPE
    )
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and not queue(POLLING).job_ids:
            time.sleep(0.2)
        job_ids = queue(POLLING).job_ids
    finally:
        clock.send_signal(signal.SIGTERM)
        _, stderr = clock.communicate(timeout=20)
    assert len(job_ids) == 1, stderr.decode()
    job = Job.fetch(
        job_ids[0], connection=app.extensions["redis"], serializer=queue(POLLING).serializer
    )
    assert job.func_name == "jobs.orders.poll_orders"
    assert job.args == [store.id] or job.args == (store.id,)
    assert clock.returncode == 0
    assert b"clock started: a tick every 1s" in stderr and b"clock stopped" in stderr
