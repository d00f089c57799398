"""Storing prepared pages of JOOR orders exactly once, in batches committed together.

Each page's orders go in with one bulk insert guarded by the unique (store, source) key
(INSERT ... ON CONFLICT DO NOTHING RETURNING, so an order already here, or one a second
worker racing on the same window inserted first, is not inserted again), then their items,
events and progress. An order already here is compared with what JOOR sends now
(`order_changes`): unchanged, it is already present; changed, the change is applied by the
store's rule. When the database is busy the batch is stored again.
"""

from __future__ import annotations

import logging
import time
from collections import Counter

from sqlalchemy.exc import DataError, IntegrityError, OperationalError
from sqlalchemy.orm import Session

from webapp.clock import utcnow
from webapp.models import SyncRun
from webapp.sync import runs
from webapp.sync.dbapi import insert_many, insert_returning, insert_sql, timestamp_text
from webapp.sync.orders.changes import follow_changes, present_orders
from webapp.sync.orders.mapping import ITEM_COLUMNS, ORDER_COLUMNS, MappedOrder
from webapp.sync.orders.pages import FAILED, IMPORTED, ImportPlan, PreparedPage, outcome_event

log = logging.getLogger(__name__)

PAGE_ATTEMPTS = 8
# A batch commits when JOOR's next page is not here yet, or at the first of these.
BATCH_ORDERS = 500
BATCH_SECONDS = 2.0
ORDER_INSERT_COLUMNS = (*ORDER_COLUMNS, "store_id", "folder_id", "imported_run_id", "created_at")
ITEM_INSERT_COLUMNS = ("order_id", *ITEM_COLUMNS)
# The exactly-once guard: a second worker racing on the same orders just loses.
ON_CONFLICT_SKIP = " ON CONFLICT (store_id, source_name, source_id) DO NOTHING"


_Stored = tuple[PreparedPage, int, int | None]  # a page, and the run's done and total with it


class PageBatch:
    """Pages stored in the open transaction, kept until it commits.

    When the database is busy (SQLite's "database is locked" as two writers meet), the
    transaction is rolled back and every page since the last commit is stored again.
    """

    def __init__(self, session: Session, run: SyncRun, plan: ImportPlan) -> None:
        self.session, self.run, self.plan = session, run, plan
        self._pending: list[_Stored] = []
        self._orders = 0
        self._started = 0.0
        # Orders a broad read passed over that turned out to be here (so the run read them):
        # in the pages committed, and in those stored since (counted again after a rollback).
        self._found = self._found_open = 0

    def add(self, page: PreparedPage, *, done: int, total: int | None) -> None:
        """Store one page in the open transaction, with the run's progress."""
        if not self._pending:
            self._started = time.monotonic()
        self._pending.append((page, done, total))
        self._orders += page.size
        self._write(self._pending[-1:])

    def due(self) -> bool:
        """True when the batch is as large or as old as a batch may get."""
        return self._orders >= BATCH_ORDERS or time.monotonic() - self._started >= BATCH_SECONDS

    def commit(self) -> None:
        """Commit the pages stored (and the heartbeat, also when there are none)."""
        if not self._pending:
            runs.set_progress(self.run)
        self._write([], commit=True)
        self._pending.clear()
        self._orders = 0

    def _write(self, pages: list[_Stored], *, commit: bool = False) -> None:
        for attempt in range(1, PAGE_ATTEMPTS + 1):
            try:
                for page, done, total in pages:
                    before = self._found + self._found_open
                    self._found_open += self._store(page, done=done + before, total=total)
                if commit:
                    self.session.commit()
                    self._found, self._found_open = self._found + self._found_open, 0
                return
            except OperationalError:
                self.session.rollback()
                self._found_open = 0
                if attempt == PAGE_ATTEMPTS:
                    raise
                log.info("run %s: database busy, storing %s pages again (try %s)", self.run.id,
                         len(self._pending), attempt)  # fmt: skip
                time.sleep(0.05 * attempt)
                pages = self._pending  # the rollback took every page since the last commit

    def _store(self, page: PreparedPage, *, done: int, total: int | None) -> int:
        run = self.run
        run.credits_used = (run.credits_used or 0) + page.credits
        runs.set_progress(run, done=done, total=total)
        # The run's row is written first: on SQLite that UPDATE opens the transaction, so the
        # bulk insert's savepoint nests in it instead of committing on its own.
        self.session.flush()
        found = store_page(self.session, run, self.plan, page)
        if found:
            runs.set_progress(run, done=done + found, total=total and max(total, done + found))
        return found


def store_page(session: Session, run: SyncRun, plan: ImportPlan, page: PreparedPage) -> int:
    """Store one prepared page (not committed) with its events and counts.

    Returns how many orders the page's broad read passed over turned out to be here.
    """
    candidates = page.mapped
    ids, failures = _insert_new(session, run, plan, candidates)
    events = [*page.events]
    for source_id, order_id in ids.items():
        events.append(outcome_event(source_id, IMPORTED, "", order_id=order_id))
    events += [outcome_event(source_id, FAILED, why) for source_id, why in failures.items()]
    again = {s: m for s, m in candidates.items() if s not in ids and s not in failures}
    # A store's first import (none here when it began) spares the look-up of the orders it
    # skips: only one this very run imported could be here, and a run reads each order once.
    maybe_here = [*again, *page.rereads] if plan.orders_here or again else []
    present = present_orders(session, plan.store_id, maybe_here)
    events += follow_changes(session, run, plan, present, again, page.rereads)
    runs.add_events(session, run, events)
    runs.add_counts(run, Counter(e["outcome"] for e in events))
    return sum(1 for s, reread in page.rereads.items() if reread.event is None and s in present)


def _insert_new(
    session: Session, run: SyncRun, plan: ImportPlan, candidates: dict[str, MappedOrder]
) -> tuple[dict[str, int], dict[str, str]]:
    """Insert the orders not here yet: source_id -> order id, and -> why the database refused."""
    if not candidates:
        return {}, {}
    try:
        with session.begin_nested():
            return _bulk_insert(session, run, plan, list(candidates.values())), {}
    except (IntegrityError, DataError):
        log.warning("run %s: bulk insert failed; saving the page one order at a time", run.id)
        return _insert_one_by_one(session, run, plan, candidates)


def _bulk_insert(
    session: Session, run: SyncRun, plan: ImportPlan, orders: list[MappedOrder]
) -> dict[str, int]:
    """Insert orders and items in bulk; return source_id -> order id of the rows inserted.

    Orders already here (from an earlier run, or another worker a moment ago) are skipped by
    the unique key; RETURNING names the rows that went in.
    """
    extra = (plan.store_id, plan.folder_id, run.id, timestamp_text(utcnow()))
    ids = dict(
        insert_returning(
            session,
            "orders",
            ORDER_INSERT_COLUMNS,
            [order.row + extra for order in orders],
            suffix=ON_CONFLICT_SKIP + " RETURNING source_id, id",
        )
    )
    items = [
        (ids[order.source_id], *item)
        for order in orders
        if order.source_id in ids
        for item in order.items
    ]
    insert_many(session, insert_sql(session, "order_items", ITEM_INSERT_COLUMNS), items)
    return ids


def _insert_one_by_one(
    session: Session, run: SyncRun, plan: ImportPlan, candidates: dict[str, MappedOrder]
) -> tuple[dict[str, int], dict[str, str]]:
    """Save each order in its own savepoint, so one the database refuses fails alone."""
    ids: dict[str, int] = {}
    failures: dict[str, str] = {}
    for source_id, mapped in candidates.items():
        try:
            with session.begin_nested():
                ids.update(_bulk_insert(session, run, plan, [mapped]))
        except (IntegrityError, DataError) as exc:
            failures[source_id] = f"the database refused the order: {str(exc.orig)[:300]}"
    return ids, failures
