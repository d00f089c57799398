"""`python -m jobs.clock`: once a minute, run jobs.cron.tick() to enqueue what is due.

RQ 3.0's `rq cron` enqueues with the default pickle serializer, which our JSON-only workers
refuse; so the clock runs the tick itself. The tick only enqueues, with deterministic job
ids, so a second clock started by mistake creates no duplicate work.

Between ticks the clock also wakes when a run's retry falls due (to rebuild it should Redis
have lost it), ticks again within seconds after a failed tick (Redis or the database away),
and at once when Redis comes back without its data (a marker key it left there is gone).
"""

from __future__ import annotations

import logging
import os
import signal
import time
from datetime import timedelta

from redis.exceptions import RedisError

from jobs.runtime import app_context, get_app, redis_connection

TICK_SECONDS = int(os.environ.get("CLOCK_TICK_SECONDS", "60"))
AFTER_FAILED_TICK_SECONDS = 5
MARKER = "joorsync:clock:redis-marker"
log = logging.getLogger("jobs.clock")


def main() -> None:
    """Tick until SIGTERM or SIGINT (honcho and PaaS stops send these)."""
    get_app()  # its logging set-up comes first, or the line below would go unseen
    stopping = []
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stopping.append(True))
    log.info("clock started: a tick every %ss", TICK_SECONDS)
    redis_forgot()  # leaves the marker: from now on, its absence means Redis lost its data
    while not stopping:
        started = time.monotonic()
        wait = _tick_once()
        while time.monotonic() - started < wait and not stopping:
            time.sleep(1.0)
            if redis_forgot():
                log.warning("clock: Redis came back without its data; recovering now")
                break
    log.info("clock stopped")


def _tick_once() -> float:
    """Run one tick; return how long to wait before the next."""
    from jobs.cron import tick
    from jobs.retries import next_retry_due
    from webapp.clock import utcnow
    from webapp.sync.push.upcoming import note_next_tick

    try:
        with app_context():
            tick()
            now = utcnow()
            due = next_retry_due(now)
            wait = float(TICK_SECONDS)
            if due is not None and due - now < timedelta(seconds=TICK_SECONDS):
                wait = max(1.0, (due - now).total_seconds())
            note_next_tick(now + timedelta(seconds=wait))
            return wait
    except Exception:  # a failed tick (database restart, Redis blip) must not stop the clock
        log.exception("clock tick failed; trying again in %ss", AFTER_FAILED_TICK_SECONDS)
        return min(TICK_SECONDS, AFTER_FAILED_TICK_SECONDS)


def redis_forgot() -> bool:
    """True once when Redis answers without the marker this clock left (restarted empty)."""
    try:
        with app_context():
            return bool(redis_connection().set(MARKER, "1", nx=True))
    except RedisError:
        return False  # away: a tick would fail too; the marker says when it is back


if __name__ == "__main__":
    main()
