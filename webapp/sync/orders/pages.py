"""JOOR order pages made ready to store: each order once, mapped to rows or to an event.

The client re-reads a little of the page before (its overlap), and steps further back when
orders already read leave the window; the ids of the last few pages keep each order from
being prepared twice. An order is mapped, or becomes an event: skipped (with the reason the
store's settings give) or failed (with what is wrong with it, in words). Either event is
provisional: should the order be imported here already, JOOR has changed it since, and the
store stage compares it instead (`order_changes`). A broad read (every type, to see
cancellations) passes over the orders of types the store does not download, unless they are
here already.
"""

from __future__ import annotations

import hashlib
import logging
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from webapp.joor import OrdersPage, order_key
from webapp.sync.orders.fields import MappingError, field_text
from webapp.sync.orders.mapping import (
    MappedOrder,
    id_missing,
    map_order,
    skip_reason,
    source_id_of,
    type_reason,
)

log = logging.getLogger(__name__)
IMPORTED = "imported"
ALREADY_PRESENT = "already_present"
SKIPPED = "skipped"
FAILED = "failed"
UNREADABLE = (
    "JOOR sent a value in this order that the import could not read, so it was not imported. "
    "The worker's log has the details; retry once JOOR has corrected the order."
)
NO_ID_SUBJECT = "(no order id)"  # how the subject of an order JOOR sent without one starts
RECENT_PAGES = 10  # pages whose order ids are remembered, to import each order once
NOT_LISTED = (
    "JOOR no longer lists this order among those the store downloads (deleted, cancelled or "
    "moved to another order type), so there is nothing to import."
)
NOT_FOUND = (
    "JOOR answered that it has no order with this id (404), so nothing was changed here. "
    "If the order still exists in JOOR, the next scheduled import reads it."
)


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
    kind: str = "manual"  # or "poll"; "fetch" reads the one order of only_ids by its id
    on_change: str = "update_new"  # the store's rule for orders JOOR changes after import
    cancelled_folder_id: int | None = None  # None: "Cancelled in JOOR", made on first use
    orders_here: bool = True  # False: the store held no JOOR order when the run began


@dataclass(frozen=True)
class Reread:
    """An order not to import, unless it is here already: then JOOR has changed it since."""

    event: dict[str, Any] | None  # what the run records when it is not here (None: nothing)
    payload: dict[str, Any]


@dataclass(frozen=True)
class PreparedPage:
    """One page ready to store: its mapped orders and the events of those skipped or failed."""

    total: int | None
    size: int  # the orders the run records whatever the store holds (not those passed over)
    mapped: dict[str, MappedOrder]
    events: list[dict[str, Any]]
    credits: int = 1  # the JOOR requests that fetched it (retries and paging checks too)
    rereads: dict[str, Reread] = field(default_factory=dict)


def not_listed(source_ids: list[str], reason: str = NOT_LISTED) -> PreparedPage:
    """The failed events of orders asked for by id that the window no longer holds."""
    events = [outcome_event(source_id, FAILED, reason) for source_id in source_ids]
    return PreparedPage(total=0, size=len(events), mapped={}, events=events, credits=0)


def prepare_pages(
    pages: Iterable[OrdersPage], plan: ImportPlan, *, broad: bool = False
) -> Iterator[PreparedPage]:
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
        yield prepare_page(fresh, plan, total=page.total, credits=page.credits, broad=broad)


def _key(order: dict[str, Any]) -> str:
    """The order's id here; an id that cannot be one keeps its text, for its failed event."""
    try:
        return source_id_of(order)
    except MappingError:
        raw = order.get("order_id")
        return unnamed_subject(order) if id_missing(raw) else str(raw)[:600]


def unnamed_subject(order: dict[str, Any]) -> str:
    """How a run names an order JOOR sent without its id: PO, customer and a fingerprint.

    The fingerprint (of the whole payload) keeps two such orders apart, and the same one
    read twice on overlapping pages together.
    """
    digest = hashlib.sha1(order_key(order).encode(), usedforsecurity=False).hexdigest()[:8]
    fields = (("PO", "customer_purchase_order"), ("customer", "customer_name"))
    values = ((label, field_text(order.get(field))) for label, field in fields)
    named = [f"{label} {value}" for label, value in values if value]
    return f"{NO_ID_SUBJECT} {', '.join([*named, f'#{digest}'])}"[:600]


def prepare_page(
    orders: list[tuple[str, dict[str, Any]]],
    plan: ImportPlan,
    *,
    total: int | None,
    credits: int = 1,
    broad: bool = False,
) -> PreparedPage:
    """Map (source id, payload) pairs; the ones skipped or unusable become events."""
    mapped: dict[str, MappedOrder] = {}
    events: list[dict[str, Any]] = []
    rereads: dict[str, Reread] = {}
    passed_over = 0
    for source_id, payload in orders:
        reason = skip_reason(payload, plan.order_type)
        if reason is None:
            problem = map_problem(source_id, payload, plan, into=mapped)
            if not problem:
                continue
            event: dict[str, Any] | None = outcome_event(source_id, FAILED, problem)
        elif broad and type_reason(payload, plan.order_type):
            event = None
        else:
            event = outcome_event(source_id, SKIPPED, reason)
        passed_over += event is None
        if _unkeyable(source_id, payload):  # so it cannot be here: its event stands
            events.extend([event] if event else [])
        else:
            rereads[source_id] = Reread(event, payload)
    size = len(orders) - passed_over
    return PreparedPage(total, size, mapped, events, credits, rereads)


def map_problem(
    source_id: str,
    payload: dict[str, Any],
    plan: ImportPlan,
    *,
    into: dict[str, MappedOrder] | None = None,
) -> str:
    """Map one order (into `into` when given); return what is wrong with it in words, or ""."""
    try:
        mapped = map_order(payload, plan.identifier)
    except MappingError as exc:
        return str(exc)
    except Exception:  # noqa: BLE001 - one unreadable order must not stop the window
        log.exception("order %s could not be mapped", source_id)
        return UNREADABLE
    if into is not None:
        into[source_id] = mapped
    return ""


def _unkeyable(source_id: str, payload: dict[str, Any]) -> bool:
    """True when the order cannot be stored under its id, so it cannot be here already."""
    try:
        return source_id_of(payload) != source_id
    except MappingError:
        return True


def outcome_event(subject: str, outcome: str, reason: str, order_id: int | None = None) -> dict:
    """One SyncEvent row's fields."""
    return {"subject": subject, "outcome": outcome, "reason": reason, "order_id": order_id}
