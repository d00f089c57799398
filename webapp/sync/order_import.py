"""Import one modified-date window of JOOR orders into a store, page by page, exactly once.

Each page is one batch and one transaction: the ids already here are looked up in one query,
new orders and their items go in with bulk inserts guarded by the unique (store, source)
key (INSERT ... ON CONFLICT DO NOTHING, so a second worker racing on the same orders just
loses and counts them as already present), events and progress are written, and the page
commits. A crash loses at most the page in flight; a retried run re-reads the window and
finds what it already imported.
"""

from __future__ import annotations

import contextlib
import logging
import queue
import threading
import time
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol, TypeVar

from sqlalchemy import insert, select
from sqlalchemy.exc import DataError, IntegrityError, OperationalError
from sqlalchemy.orm import Session

from webapp.joor import MAX_PAGE_SIZE, PAGE_OVERLAP, JoorClient, order_type_code
from webapp.models import Order, OrderItem, SyncRun
from webapp.models.base import utcnow
from webapp.sync import runs
from webapp.sync.order_mapping import (
    SOURCE_NAME,
    MappedOrder,
    MappingError,
    map_order,
    skip_reason,
)
from webapp.sync.order_rows import RowEncoder

log = logging.getLogger(__name__)

IMPORTED = "imported"
ALREADY_PRESENT = "already_present"
SKIPPED = "skipped"
FAILED = "failed"
OUTCOMES = (IMPORTED, ALREADY_PRESENT, SKIPPED, FAILED)
PAGE_ATTEMPTS = 8
T = TypeVar("T")
_END = object()
_ORDERS = Order.__table__
_ITEMS = OrderItem.__table__


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


def import_window(
    session: Session,
    client: JoorClient,
    run: SyncRun,
    plan: ImportPlan,
    *,
    lock: PageHook | None = None,
    page_size: int = MAX_PAGE_SIZE,
) -> None:
    """Page through the window, storing each page as one committed batch on the run."""
    pages = client.iter_order_pages(
        plan.since,
        plan.until,
        order_type_code(plan.order_type),
        page_size=page_size,
        overlap=PAGE_OVERLAP,
    )
    previous: set[str] = set()
    done = 0
    for page in prefetched(pages):
        # Only the previous page can be re-read (the client's overlap), so memory stays flat.
        orders = [o for o in page.orders if str(o["order_id"]) not in previous]
        previous = {str(o["order_id"]) for o in page.orders}
        if plan.only_ids is not None:
            orders = [o for o in orders if str(o["order_id"]) in plan.only_ids]
        done += len(orders)
        total = len(plan.only_ids) if plan.only_ids is not None else page.total
        _commit_page(session, run, plan, orders, done=done, total=max(total, done))
        if lock is not None:
            lock.extend()
    runs.set_progress(run, done=done, total=done)


def prefetched(pages: Iterator[T]) -> Iterator[T]:
    """Fetch the next page in a thread while this one is stored (at most two pages in memory).

    JOOR's answer time and our database work then overlap instead of adding up; the client
    and its HTTP session are only ever used from the fetching thread.
    """
    handoff: queue.Queue = queue.Queue(maxsize=1)
    stop = threading.Event()

    def fetch() -> None:
        try:
            for page in pages:
                if stop.is_set():
                    return
                handoff.put((page, None))
            handoff.put((_END, None))
        except BaseException as exc:  # noqa: BLE001 - handed to the consumer, raised there
            handoff.put((None, exc))

    thread = threading.Thread(target=fetch, name="joor-page-prefetch", daemon=True)
    thread.start()
    try:
        while True:
            page, error = handoff.get()
            if error is not None:
                raise error
            if page is _END:
                return
            yield page
    finally:
        stop.set()
        with contextlib.suppress(queue.Empty):
            handoff.get_nowait()  # unblock a fetcher waiting to hand over


def _commit_page(
    session: Session, run: SyncRun, plan: ImportPlan, orders: list, *, done: int, total: int
) -> None:
    """Store one page and commit it with the progress; retry when the database is busy."""
    for attempt in range(1, PAGE_ATTEMPTS + 1):
        try:
            store_page(session, run, plan, orders)
            run.credits_used = (run.credits_used or 0) + 1
            runs.set_progress(run, done=done, total=total)
            session.commit()
            return
        except OperationalError:
            # SQLite answers "database is locked" when two writers meet; nothing of the page
            # was kept, so it is safe to roll back and store it again.
            session.rollback()
            if attempt == PAGE_ATTEMPTS:
                raise
            log.info("run %s: database busy, storing the page again (try %s)", run.id, attempt)
            time.sleep(0.05 * attempt)


def store_page(
    session: Session, run: SyncRun, plan: ImportPlan, orders: list[dict[str, Any]]
) -> Counter:
    """Store one page's orders (not committed); return and record the outcome counts."""
    events: list[dict[str, Any]] = []
    candidates: dict[str, MappedOrder] = {}
    for payload in orders:
        source_id = str(payload["order_id"])
        reason = skip_reason(payload, plan.order_type)
        if reason:
            events.append(_event(source_id, SKIPPED, reason))
            continue
        try:
            candidates[source_id] = map_order(payload, plan.identifier)
        except MappingError as exc:
            events.append(_event(source_id, FAILED, str(exc)))
    events.extend(_insert_new(session, run, plan, candidates))
    runs.add_events(session, run, events)
    counts = Counter(e["outcome"] for e in events)
    runs.add_counts(run, counts)
    return counts


def _insert_new(
    session: Session, run: SyncRun, plan: ImportPlan, candidates: dict[str, MappedOrder]
) -> list[dict[str, Any]]:
    """Insert the orders not here yet; return their events (already present ones too)."""
    events = []
    for source_id, imported_by in _existing(session, plan.store_id, candidates):
        del candidates[source_id]
        # An earlier attempt of this same run imported it: its event is already recorded.
        if imported_by != run.id:
            events.append(_event(source_id, ALREADY_PRESENT, "already imported"))
    if not candidates:
        return events
    failures: dict[str, str] = {}
    try:
        with session.begin_nested():
            ids = _bulk_insert(session, run, plan, candidates.values())
    except (IntegrityError, DataError):
        log.warning("run %s: bulk insert failed; saving the page one order at a time", run.id)
        ids, failures = _insert_one_by_one(session, run, plan, candidates)
    for source_id in candidates:
        if source_id in ids:
            events.append(_event(source_id, IMPORTED, "", order_id=ids[source_id]))
        elif source_id in failures:
            events.append(_event(source_id, FAILED, failures[source_id]))
        else:
            events.append(_event(source_id, ALREADY_PRESENT, "imported meanwhile by another run"))
    return events


def _existing(session: Session, store_id: int, source_ids: Iterable[str]) -> list[tuple]:
    """Return (source_id, imported_run_id) of the given JOOR orders already in the store."""
    wanted = list(source_ids)
    if not wanted:
        return []
    return list(
        session.execute(
            select(Order.source_id, Order.imported_run_id).where(
                Order.store_id == store_id,
                Order.source_name == SOURCE_NAME,
                Order.source_id.in_(wanted),
            )
        )
    )


def _bulk_insert(
    session: Session, run: SyncRun, plan: ImportPlan, orders: Iterable[MappedOrder]
) -> dict[str, int]:
    """Insert orders and items in bulk; return source_id -> order id of the rows inserted."""
    now = utcnow()
    extra = {"store_id": plan.store_id, "folder_id": plan.folder_id}
    extra |= {"imported_run_id": run.id, "created_at": now}
    rows = [o.order | extra for o in orders]
    if not rows:
        return {}
    dialect = session.get_bind().dialect
    encoded = RowEncoder.for_dialect(dialect)
    table = _ORDERS if encoded is None else encoded.orders
    if encoded is not None:
        rows = [encoded.order_row(row) for row in rows]
    stmt = _insert_ignoring_duplicates(dialect.name, table).returning(table.c.source_id, table.c.id)
    ids = dict(session.execute(stmt, rows).all())
    items = [
        {**item, "order_id": ids[o.source_id]}
        for o in orders
        if o.source_id in ids
        for item in o.items
    ]
    if not items:
        return ids
    if encoded is None:
        session.execute(insert(_ITEMS), items)
    else:
        session.connection().exec_driver_sql(encoded.items_sql, list(map(encoded.item_row, items)))
    return ids


def _insert_ignoring_duplicates(dialect: str, table: Any):
    """INSERT that skips rows whose (store, source) key exists, where the dialect allows it."""
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as dialect_insert
    elif dialect == "sqlite":
        from sqlalchemy.dialects.sqlite import insert as dialect_insert
    else:
        return insert(table)
    return dialect_insert(table).on_conflict_do_nothing(
        index_elements=["store_id", "source_name", "source_id"]
    )


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
