"""Import one modified-date window of JOOR orders into a store, in committed batches, exactly once.

Each page's orders go in with one bulk insert guarded by the unique (store, source) key
(INSERT ... ON CONFLICT DO NOTHING RETURNING, so an order already here, or one a second
worker racing on the same window inserted first, is counted as already present), then their
items, events and progress. Pages commit together in a batch: at once when JOOR has not sent
the next page yet (the usual pace, one page a second), else every 500 orders or 2 seconds,
which spares a bulk import most of the commits. A crash loses at most the batch in flight; a
retried run re-reads the window and finds what it already imported.
"""

from __future__ import annotations

import logging
import time
from collections import Counter, deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from sqlalchemy import select
from sqlalchemy.exc import DataError, IntegrityError, OperationalError, SQLAlchemyError
from sqlalchemy.orm import Session

from webapp.joor import (
    MAX_PAGE_SIZE,
    PAGE_OVERLAP,
    JoorClient,
    JoorError,
    OrdersPage,
    order_type_code,
)
from webapp.models import Order, SyncRun
from webapp.models.base import utcnow
from webapp.sync import runs
from webapp.sync.dbapi import insert_many, insert_returning, insert_sql, timestamp_text
from webapp.sync.order_mapping import (
    ITEM_COLUMNS,
    ORDER_COLUMNS,
    SOURCE_NAME,
    MappedOrder,
    MappingError,
    map_order,
    skip_reason,
    source_id_of,
)
from webapp.sync.prefetch import Prefetcher

log = logging.getLogger(__name__)

IMPORTED = "imported"
ALREADY_PRESENT = "already_present"
SKIPPED = "skipped"
FAILED = "failed"
OUTCOMES = (IMPORTED, ALREADY_PRESENT, SKIPPED, FAILED)
PAGE_ATTEMPTS = 8
RECENT_PAGES = 10  # pages whose order ids are remembered, to import each order once
NOT_LISTED = (
    "JOOR no longer lists this order among those the store downloads (deleted, cancelled or "
    "moved to another order type), so there is nothing to import."
)
# A batch commits when JOOR's next page is not here yet, or at the first of these.
BATCH_ORDERS = 500
BATCH_SECONDS = 2.0
# While a page is awaited (JOOR slow, its limit waited out), the run's heartbeat and store
# lock are refreshed this often: well inside the lock's 90 s and the clock's stale limit.
KEEPALIVE_SECONDS = 20
ORDER_INSERT_COLUMNS = (*ORDER_COLUMNS, "store_id", "folder_id", "imported_run_id", "created_at")
ITEM_INSERT_COLUMNS = ("order_id", *ITEM_COLUMNS)
# The exactly-once guard: a second worker racing on the same orders just loses.
ON_CONFLICT_SKIP = " ON CONFLICT (store_id, source_name, source_id) DO NOTHING"


class PageHook(Protocol):
    """Called after each committed page (the store lock's refresh)."""

    def extend(self) -> None: ...


@dataclass(frozen=True)
class ImportPlan:
    """What one run imports: the window, the store's settings, and optionally only some ids."""

    store_id: int
    folder_id: int
    order_type: str
    identifier: str
    since: datetime
    until: datetime
    only_ids: frozenset[str] | None = None


@dataclass(frozen=True)
class PreparedPage:
    """One page ready to store: its mapped orders and the events of those skipped or failed."""

    total: int | None
    size: int
    mapped: dict[str, MappedOrder]
    events: list[dict[str, Any]]
    credits: int = 1  # the JOOR request that fetched it


def import_window(
    session: Session,
    client: JoorClient,
    run: SyncRun,
    plan: ImportPlan,
    *,
    lock: PageHook | None = None,
    page_size: int = MAX_PAGE_SIZE,
    keepalive_seconds: float | None = None,
) -> None:
    """Page through the window, storing each page as one committed batch on the run."""
    pages = client.iter_order_pages(
        plan.since,
        plan.until,
        order_type_code(plan.order_type),
        page_size=page_size,
        overlap=PAGE_OVERLAP,
    )
    batch = PageBatch(session, run, plan)

    def keep_alive() -> None:
        # JOOR is slow or its request limit is being waited out: the run is alive, and the
        # store stays locked for it, however long that takes.
        batch.commit()
        if lock is not None:
            lock.extend()

    every = keepalive_seconds or KEEPALIVE_SECONDS
    source = Prefetcher(prepare_pages(pages, plan), idle=keep_alive, every=every)
    done = 0
    found: set[str] = set()
    try:
        for page in source:
            if plan.only_ids is not None:
                found.update(page.mapped, (event["subject"] for event in page.events))
            done += page.size
            total = len(plan.only_ids) if plan.only_ids is not None else page.total
            # Without JOOR's total the run shows what it has done, not a share of it.
            batch.add(page, done=done, total=None if total is None else max(total, done))
            if batch.due() or not source.waiting():
                batch.commit()
            if lock is not None:
                lock.extend()
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
        missing = _not_listed(sorted(plan.only_ids - found))
        done += missing.size
        batch.add(missing, done=done, total=done)
    batch.commit()
    runs.set_progress(run, done=done, total=done)


def _not_listed(source_ids: list[str]) -> PreparedPage:
    """The failed events of orders asked for by id that the window no longer holds."""
    events = [_event(source_id, FAILED, NOT_LISTED) for source_id in source_ids]
    return PreparedPage(total=0, size=len(events), mapped={}, events=events, credits=0)


def prepare_pages(pages: Iterable[OrdersPage], plan: ImportPlan) -> Iterator[PreparedPage]:
    """Map each page's orders not seen on the last few pages (the client re-reads some)."""
    # The client's overlap re-reads the page before; a step back after orders left the
    # window re-reads a few more. Only so many pages are remembered, so memory stays flat.
    recent: deque[set[str]] = deque(maxlen=RECENT_PAGES)
    for page in pages:
        ids = [_key(order) for order in page.orders]
        fresh = [
            pair
            for pair in zip(ids, page.orders, strict=True)
            if not any(pair[0] in seen for seen in recent)
        ]
        recent.append(set(ids))
        if plan.only_ids is not None:
            fresh = [pair for pair in fresh if pair[0] in plan.only_ids]
        yield prepare_page(fresh, plan, total=page.total)


def _key(order: dict[str, Any]) -> str:
    """The order's id here; an id that cannot be one keeps its text, for its failed event."""
    try:
        return source_id_of(order)
    except MappingError:
        return str(order.get("order_id"))[:600]


def prepare_page(
    orders: list[tuple[str, dict[str, Any]]], plan: ImportPlan, *, total: int | None
) -> PreparedPage:
    """Map (source id, payload) pairs; the ones skipped or unusable become events."""
    mapped: dict[str, MappedOrder] = {}
    events: list[dict[str, Any]] = []
    for source_id, payload in orders:
        reason = skip_reason(payload, plan.order_type)
        if reason:
            events.append(_event(source_id, SKIPPED, reason))
            continue
        try:
            mapped[source_id] = map_order(payload, plan.identifier)
        except MappingError as exc:
            events.append(_event(source_id, FAILED, str(exc)))
    return PreparedPage(total=total, size=len(orders), mapped=mapped, events=events)


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
                    self._store(page, done=done, total=total)
                if commit:
                    self.session.commit()
                return
            except OperationalError:
                self.session.rollback()
                if attempt == PAGE_ATTEMPTS:
                    raise
                log.info("run %s: database busy, storing %s pages again (try %s)", self.run.id,
                         len(self._pending), attempt)  # fmt: skip
                time.sleep(0.05 * attempt)
                pages = self._pending  # the rollback took every page since the last commit

    def _store(self, page: PreparedPage, *, done: int, total: int | None) -> None:
        run = self.run
        run.credits_used = (run.credits_used or 0) + page.credits
        runs.set_progress(run, done=done, total=total)
        # The run's row is written first: on SQLite that UPDATE opens the transaction, so the
        # bulk insert's savepoint nests in it instead of committing on its own.
        self.session.flush()
        store_page(self.session, run, self.plan, page)


def store_page(session: Session, run: SyncRun, plan: ImportPlan, page: PreparedPage) -> Counter:
    """Store one prepared page (not committed); return and record the outcome counts."""
    events = [*page.events, *_insert_new(session, run, plan, dict(page.mapped))]
    runs.add_events(session, run, events)
    counts = Counter(e["outcome"] for e in events)
    runs.add_counts(run, counts)
    return counts


def _insert_new(
    session: Session, run: SyncRun, plan: ImportPlan, candidates: dict[str, MappedOrder]
) -> list[dict[str, Any]]:
    """Insert the orders not here yet; return their events (already present ones too)."""
    failures: dict[str, str] = {}
    try:
        with session.begin_nested():
            ids = _bulk_insert(session, run, plan, list(candidates.values()))
    except (IntegrityError, DataError):
        log.warning("run %s: bulk insert failed; saving the page one order at a time", run.id)
        ids, failures = _insert_one_by_one(session, run, plan, candidates)
    present = stored_orders(session, plan.store_id, [s for s in candidates if s not in ids])
    events = []
    for source_id in candidates:
        if source_id in ids:
            events.append(_event(source_id, IMPORTED, "", order_id=ids[source_id]))
        elif source_id in failures:
            events.append(_event(source_id, FAILED, failures[source_id]))
        else:
            importer, order_id = present.get(source_id, (None, None))
            if importer != run.id:
                # Linked to the order here, so the run's page opens the one already imported.
                events.append(_event(source_id, ALREADY_PRESENT, "already imported", order_id))
            # else an earlier attempt of this same run imported it: its event is recorded.
    return events


def stored_orders(
    session: Session, store_id: int, source_ids: list[str]
) -> dict[str, tuple[int | None, int]]:
    """Return source_id -> (the run that imported it, its order id) for those in the store."""
    if not source_ids:
        return {}
    query = select(Order.source_id, Order.imported_run_id, Order.id).where(
        Order.store_id == store_id,
        Order.source_name == SOURCE_NAME,
        Order.source_id.in_(source_ids),
    )
    return {source_id: (run_id, order_id) for source_id, run_id, order_id in session.execute(query)}


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


def _event(subject: str, outcome: str, reason: str, order_id: int | None = None) -> dict:
    """One SyncEvent row's fields."""
    return {"subject": subject, "outcome": outcome, "reason": reason, "order_id": order_id}
