"""An import kept waiting by JOOR keeps its run alive and its store locked, pages committed."""

from __future__ import annotations

import threading
from datetime import date, timedelta

from sqlalchemy import func, select

from tests.jobs.order_support import fresh_run, order_count
from webapp.extensions import db
from webapp.joor import MAX_PAGE_SIZE, PAGE_OVERLAP
from webapp.models import Order
from webapp.models.base import utcnow
from webapp.sync.connection.clients import factory_from_app
from webapp.sync.locks import StoreLock, lock_holder
from webapp.sync.orders.importing import create_manual_run, plan_for_run
from webapp.sync.orders.reads import CANCELLED_TYPE
from webapp.sync.orders.window import import_window
from webapp.sync.runs import start_run

SINCE = date.today() - timedelta(days=10)
# A short lock keeps the slow-page test quick; refreshed ten times as often as it expires, as
# production's 20 s keepalive is well inside its 90 s lock. Per page, the keepalive runs until
# more than the lock's whole life has passed since the page was asked for.
LOCK_TTL = 0.5
KEEPALIVE = LOCK_TTL / 10
KEEPALIVES_PER_PAGE = 12


class KeptLock:
    """The store lock, counting its refreshes so a slow JOOR can wait for them."""

    def __init__(self, lock) -> None:
        self._lock = lock
        self._extends = 0
        self._changed = threading.Condition()

    def acquire(self) -> bool:
        return self._lock.acquire()

    def release(self) -> None:
        self._lock.release()

    def extend(self) -> None:
        self._lock.extend()
        with self._changed:
            self._extends += 1
            self._changed.notify_all()

    def wait_for_extends(self, count: int, deadline: float = 30) -> None:
        """Wait until the lock has been refreshed `count` more times (by the keepalive)."""
        with self._changed:
            start = self._extends
            if not self._changed.wait_for(lambda: self._extends >= start + count, deadline):
                done = self._extends - start
                raise AssertionError(f"the lock was refreshed {done} of {count} times meanwhile")


def test_a_page_slower_than_the_lock_expiry_keeps_the_run_alive_and_the_store_locked(
    app, store, order_sim, connected
):
    """JOOR slow, or its request limit waited out: heartbeat and lock are kept while we wait."""
    redis = app.extensions["redis"]
    run = create_manual_run(db.session, store.id, SINCE)
    start_run(db.session, run)
    lock = KeptLock(StoreLock(redis, store.id, run.id, timeout=LOCK_TTL))
    assert lock.acquire()
    real = factory_from_app(app).for_connection(connected)

    engine = db.engine
    committed = []

    class SlowJoor:
        """The real client, answering each of three pages after longer than the lock lasts."""

        def iter_order_pages(self, since, until, order_type, **kwargs):
            if order_type == CANCELLED_TYPE:  # the pass looking for cancellations: not timed here
                yield from real.iter_order_pages(since, until, order_type, **kwargs)
                return
            for n, page in enumerate(real.iter_order_pages(since, until, order_type, **kwargs)):
                if n == 3:
                    return
                # The page comes once the keepalive has outlasted the lock's expiry (each
                # keepalive waits KEEPALIVE first): waited for, with a deadline, not slept.
                lock.wait_for_extends(KEEPALIVES_PER_PAGE)
                with engine.connect() as other:  # what the panel can read meanwhile
                    committed.append(other.scalar(select(func.count(Order.id))))
                yield page

    import_window(db.session, SlowJoor(), run, plan_for_run(db.session, run), lock=lock,
                  keepalive_seconds=KEEPALIVE)  # fmt: skip
    assert lock_holder(redis, store.id) == run.id
    run = fresh_run(run.id)
    assert (utcnow() - run.heartbeat_at).total_seconds() < 1
    assert run.counts["imported"] == order_count(store.id) > 200
    # While the next page is awaited, the pages before it are committed, not held back.
    assert committed == [0, MAX_PAGE_SIZE, 2 * MAX_PAGE_SIZE - PAGE_OVERLAP]
    lock.release()
