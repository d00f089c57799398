"""`python -m jobs.worker`: an RQ worker on the polling and default queues that outlives Redis.

RQ's own worker exits with a traceback when Redis goes away mid-job (and under `make run`,
honcho then stops every process). This one keeps its job running while Redis is away, waits
for Redis with backoff, and carries on when it is back; what Redis forgot meanwhile (a job, a
scheduled retry) the clock rebuilds from the database (jobs.retries, jobs.cron).
"""

from __future__ import annotations

import logging
import os
import signal
import time

from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError
from rq import Worker

from jobs.runtime import get_app
from webapp.sync.queues import QUEUES, SERIALIZER

# RQ marks a worker dead when its heartbeat key expires; 60 s lets the clock recover a
# killed worker's run inside the two minutes a merchant would wait (108 s measured, with a
# minute's tick and the maintenance below).
WORKER_TTL = int(os.environ.get("WORKER_TTL", "60"))
REDIS_DOWN = (RedisConnectionError, RedisTimeoutError)
# Redis is asked again after 1, 2, 4 s, then every 5 s: back within seconds of its return.
RECONNECT_CAP_SECONDS = 5.0
log = logging.getLogger("jobs.worker")


class ReregisteringWorker(Worker):
    """An RQ worker that rides out a Redis outage and registers again when Redis forgot it.

    RQ registers a worker once, at start: after Redis restarts without its data the worker
    would go on working, but /healthz (and any dashboard) would see no worker at all.
    """

    max_connection_wait_time = RECONNECT_CAP_SECONDS

    def heartbeat(self, timeout: int | None = None, pipeline=None) -> None:
        """Refresh the worker's key; register anew first if Redis has forgotten it."""
        if pipeline is not None:
            super().heartbeat(timeout, pipeline)
            return
        try:
            if not self.connection.exists(self.key):
                self.log.warning("Worker %s: Redis no longer knows this worker; registering "
                                 "again", self.name)  # fmt: skip
                self.register_birth()
            super().heartbeat(timeout)
        except REDIS_DOWN as exc:  # the next dequeue waits for Redis, with backoff
            self._redis_away("heartbeat", exc)

    def set_state(self, state: str, pipeline=None) -> None:
        """Note the worker's state (shown by dashboards only); kept locally while Redis is away."""
        try:
            super().set_state(state, pipeline)
        except REDIS_DOWN as exc:
            self._redis_away(f"setting its state to {state}", exc)

    def maintain_heartbeats(self, job, execution) -> None:
        """Keep the running job's heartbeats; while Redis is away, let the job run on."""
        try:
            super().maintain_heartbeats(job, execution)
        except REDIS_DOWN as exc:
            self._redis_away(f"job {job.id}", exc)

    def execute_job(self, job, queue) -> None:
        """Run the job; if Redis went away meanwhile, its run's state is in the database."""
        try:
            super().execute_job(job, queue)
        except REDIS_DOWN as exc:
            self._redis_away(f"the end of job {job.id}", exc)

    def check_for_suspension(self, burst: bool) -> None:
        """Honour `rq suspend`, unless Redis cannot be asked (then the dequeue waits for it)."""
        try:
            super().check_for_suspension(burst)
        except REDIS_DOWN as exc:
            self._redis_away("the suspension check", exc)

    def run_maintenance_tasks(self) -> None:
        """Clean RQ's registries; skipped while Redis is away (the next round does it)."""
        try:
            super().run_maintenance_tasks()
        except REDIS_DOWN as exc:
            self._redis_away("maintenance", exc)

    def _redis_away(self, during: str, exc: Exception) -> None:
        self.log.warning("Worker %s: Redis unreachable during %s (%s); carrying on", self.name,
                         during, exc)  # fmt: skip


def build_worker(app) -> ReregisteringWorker:
    """A worker on the app's Redis, with the JSON serializer and quick recovery settings."""
    return ReregisteringWorker(
        list(QUEUES),
        connection=app.extensions["redis"],
        serializer=SERIALIZER,
        worker_ttl=WORKER_TTL,
        job_monitoring_interval=10,
        # RQ settles abandoned jobs and takes over a dead worker's scheduler lock only during
        # maintenance (every 10 min by default); 30 s keeps recovery inside two minutes.
        maintenance_interval=30,
    )


def main() -> None:
    """Work until SIGTERM or SIGINT; should Redis be away at start or stop the loop, wait."""
    app = get_app()
    logging.getLogger("rq.worker").setLevel(logging.INFO)
    stopping: list[bool] = []
    wait = 1.0
    while not stopping:
        worker = None
        try:
            worker = build_worker(app)  # RQ names its connection: Redis must answer
            worker.work(with_scheduler=True, logging_level="INFO")
        except REDIS_DOWN as exc:  # at start, or RQ's farewell to a Redis that is gone
            log.warning("worker: Redis unreachable (%s); trying again in %.0f s", exc, wait)
        if worker is not None and (worker._stop_requested or _signalled(worker)):
            break
        for signum in (signal.SIGTERM, signal.SIGINT):  # RQ's handlers left with its loop
            signal.signal(signum, lambda *_: stopping.append(True))
        _sleep(wait, stopping)
        wait = min(wait * 2, RECONNECT_CAP_SECONDS)
    log.info("worker stopped")


def _signalled(worker: ReregisteringWorker) -> bool:
    """Tell whether the work loop ended because it was asked to stop (SIGTERM, SIGINT)."""
    return worker._shutdown_requested_date is not None


def _sleep(seconds: float, stopping: list[bool]) -> None:
    """Sleep, waking at once when a stop is asked for."""
    deadline = time.monotonic() + seconds
    while not stopping and time.monotonic() < deadline:
        time.sleep(0.2)


if __name__ == "__main__":
    main()
