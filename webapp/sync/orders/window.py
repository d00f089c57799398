"""Import one modified-date window of JOOR orders into a store, in committed batches, exactly once.

Pages are fetched and prepared one ahead in a thread (`order_pages`) while the last one is
stored (`order_store`). Pages commit together in a batch: at once when JOOR has not sent
the next page yet (the usual pace, one page a second), else every 500 orders or 2 seconds,
which spares a bulk import most of the commits. A crash loses at most the batch in flight; a
retried run re-reads the window and finds what it already imported.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Protocol

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from webapp.joor import MAX_PAGE_SIZE, JoorClient, JoorError
from webapp.models import SyncRun
from webapp.sync import runs
from webapp.sync.orders.cancelling import ImportCancelled
from webapp.sync.orders.pages import NOT_FOUND, NOT_LISTED, ImportPlan, not_listed
from webapp.sync.orders.reads import FETCH, read_pages
from webapp.sync.orders.store import PageBatch
from webapp.sync.prefetch import Prefetcher

log = logging.getLogger(__name__)

# While a page is awaited (JOOR slow, its limit waited out), the run's heartbeat and store
# lock are refreshed this often: well inside the lock's 90 s and the clock's stale limit.
KEEPALIVE_SECONDS = 20


class PageHook(Protocol):
    """Called after each committed page (the store lock's refresh)."""

    def extend(self) -> None: ...


def import_window(
    session: Session,
    client: JoorClient,
    run: SyncRun,
    plan: ImportPlan,
    *,
    lock: PageHook | None = None,
    page_size: int = MAX_PAGE_SIZE,
    keepalive_seconds: float | None = None,
    cancelled: Callable[[], str | None] | None = None,
) -> None:
    """Page through the window, storing each page as one committed batch on the run.

    `cancelled` names who asked to stop: then the pages stored so far are committed and
    ImportCancelled is raised.
    """
    batch = PageBatch(session, run, plan)

    def keep_alive() -> None:
        # JOOR is slow or its request limit is being waited out: the run is alive, and the
        # store stays locked for it, however long that takes.
        batch.commit()
        if lock is not None:
            lock.extend()
        who = cancelled() if cancelled is not None else None
        if who:  # stopped while JOOR keeps it waiting: no need to wait for the next page
            raise ImportCancelled(who)

    every = keepalive_seconds or KEEPALIVE_SECONDS
    source = Prefetcher(read_pages(client, plan, page_size=page_size), idle=keep_alive, every=every)
    done = 0
    found: set[str] = set()
    try:
        for page in source:
            if plan.only_ids is not None:
                found.update(page.mapped, page.rereads, (e["subject"] for e in page.events))
            done += page.size
            total = len(plan.only_ids) if plan.only_ids is not None else page.total
            # Without JOOR's total the run shows what it has done, not a share of it.
            batch.add(page, done=done, total=None if total is None else max(total, done))
            if batch.due() or not source.waiting():
                batch.commit()
            if lock is not None:
                lock.extend()
            who = cancelled() if cancelled is not None else None
            if who:
                batch.commit()
                raise ImportCancelled(who)
    except JoorError:
        # JOOR failed for good mid-window: the pages stored so far are sound, so they stay.
        # The run still ends with JOOR's error should this commit fail as well.
        try:
            batch.commit()
        except SQLAlchemyError:
            log.exception("run %s: could not keep the pages stored before JOOR failed", run.id)
        raise
    if plan.only_ids is not None and plan.only_ids - found:
        # A retry of failed orders that JOOR no longer lists: say so rather than nothing.
        reason = NOT_FOUND if plan.kind == FETCH else NOT_LISTED
        missing = not_listed(sorted(plan.only_ids - found), reason)
        done += missing.size
        batch.add(missing, done=done, total=done)
    batch.commit()
    runs.set_progress(run, total=run.done)  # with the orders a broad read found here
