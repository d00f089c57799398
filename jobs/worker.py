"""`python -m jobs.worker`: an RQ worker on the polling and default queues."""

from __future__ import annotations

import logging
import os

from rq import Worker

from jobs.runtime import QUEUES, SERIALIZER, get_app

# RQ marks a worker dead when its heartbeat key expires; 60 s lets the clock recover a
# killed worker's run inside the two minutes a merchant would wait (108 s measured, with a
# minute's tick and the maintenance below).
WORKER_TTL = int(os.environ.get("WORKER_TTL", "60"))


class ReregisteringWorker(Worker):
    """An RQ worker that registers again when Redis comes back empty (restarted without data).

    RQ registers a worker once, at start: after such a restart the worker goes on working,
    but /healthz (and any dashboard) would see no worker at all.
    """

    def heartbeat(self, timeout: int | None = None, pipeline=None) -> None:
        """Refresh the worker's key; register anew first if Redis has forgotten it."""
        if pipeline is None and not self.connection.exists(self.key):
            self.log.warning("Worker %s: Redis no longer knows this worker; registering again",
                             self.name)  # fmt: skip
            self.register_birth()
        super().heartbeat(timeout, pipeline)


def main() -> None:
    """Start the worker with the app's Redis connection and JSON serializer."""
    app = get_app()
    logging.getLogger("rq.worker").setLevel(logging.INFO)
    worker = ReregisteringWorker(
        list(QUEUES),
        connection=app.extensions["redis"],
        serializer=SERIALIZER,
        worker_ttl=WORKER_TTL,
        job_monitoring_interval=10,
        # RQ settles abandoned jobs and takes over a dead worker's scheduler lock only during
        # maintenance (every 10 min by default); 30 s keeps recovery inside two minutes.
        maintenance_interval=30,
    )
    worker.work(with_scheduler=True, logging_level="INFO")


if __name__ == "__main__":
    main()
