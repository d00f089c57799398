"""`python -m jobs.worker`: an RQ worker on the polling and default queues."""

from __future__ import annotations

import logging
import os

from rq import Worker

from jobs.runtime import QUEUES, SERIALIZER, get_app

# RQ marks a worker dead when its heartbeat key expires; 60 s lets the clock recover a
# killed worker's run well inside the two minutes a merchant would wait.
WORKER_TTL = int(os.environ.get("WORKER_TTL", "60"))


def main() -> None:
    """Start the worker with the app's Redis connection and JSON serializer."""
    app = get_app()
    logging.getLogger("rq.worker").setLevel(logging.INFO)
    worker = Worker(
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
