"""`python -m jobs.clock`: once a minute, run jobs.cron.tick() to enqueue what is due.

RQ 3.0's `rq cron` enqueues with the default pickle serializer, which our JSON-only workers
refuse; so the clock runs the tick itself. The tick only enqueues, with deterministic job
ids, so a second clock started by mistake creates no duplicate work.
"""

from __future__ import annotations

import logging
import os
import signal
import time

from jobs.runtime import app_context, get_app

TICK_SECONDS = int(os.environ.get("CLOCK_TICK_SECONDS", "60"))
log = logging.getLogger("jobs.clock")


def main() -> None:
    """Tick until SIGTERM or SIGINT (honcho and PaaS stops send these)."""
    from jobs.cron import tick

    get_app()  # its logging set-up comes first, or the line below would go unseen
    stopping = []
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stopping.append(True))
    log.info("clock started: a tick every %ss", TICK_SECONDS)
    while not stopping:
        started = time.monotonic()
        try:
            with app_context():
                tick()
        except Exception:  # a failed tick (database restart, Redis blip) must not stop the clock
            log.exception("clock tick failed; trying again next tick")
        remaining = TICK_SECONDS - (time.monotonic() - started)
        while remaining > 0 and not stopping:
            time.sleep(min(1.0, remaining))
            remaining -= 1.0
    log.info("clock stopped")


if __name__ == "__main__":
    main()
