"""A worker stays visible (to /healthz) after Redis restarts without its data."""

from __future__ import annotations

from rq import Worker

from jobs.worker import ReregisteringWorker
from webapp.sync.queues import QUEUES, SERIALIZER


def test_a_worker_registers_again_at_its_next_heartbeat_after_redis_forgot_it(app):
    redis = app.extensions["redis"]
    worker = ReregisteringWorker(list(QUEUES), connection=redis, serializer=SERIALIZER)
    worker.register_birth()
    assert [w.name for w in Worker.all(connection=redis)] == [worker.name]

    redis.flushdb()  # Redis restarted empty: RQ's registry of workers is gone
    assert Worker.all(connection=redis) == []
    worker.heartbeat()  # the idle worker's next heartbeat

    assert [w.name for w in Worker.all(connection=redis)] == [worker.name]
    assert {q.name for q in Worker.all(connection=redis)[0].queues} == set(QUEUES)
    worker.heartbeat()  # and an ordinary heartbeat does not register it twice
    assert len(Worker.all(connection=redis)) == 1
    worker.register_death()
