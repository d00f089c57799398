"""The JOOR reads an import makes, and their pages, prepared to store.

A store downloads some order types only (Approved by default: JOOR's order_type 6), yet must
see an order it imported being cancelled, which drops it out of that type. What costs fewest
credits (measured by `bench.import_orders`' change figures, issue 18):

- a scheduled poll reads every type at once (order_type 8) and passes over the orders of types
  the store does not download, unless they are here: a poll's window is short, so one page
  holds it and a quiet poll still costs one credit (reading the store's type and then the
  cancelled orders would cost two);
- a manual import reads the store's type, then the window's cancelled orders (order_type 5),
  passing over those not here: over a long window the other types would fill pages of their
  own, so two reads cost less than every type at once;
- a retry of failed orders reads the store's type only: those orders are not here to change;
  so does an import into a store that holds no JOOR order yet (its first): none to cancel;
- "Fetch again" reads one order by its JOOR id (one credit, whatever its type).

Re-reading every imported order by id instead would cost a credit per order per poll.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace

from webapp.joor import MAX_PAGE_SIZE, PAGE_OVERLAP, JoorClient, OrdersPage, order_type_code
from webapp.models.sync import KIND_FETCH, KIND_POLL
from webapp.sync.orders.pages import ImportPlan, PreparedPage, prepare_pages

EVERY_TYPE = 8  # JOOR's order_type for all orders
CANCELLED_TYPE = 5
POLL, FETCH = KIND_POLL, KIND_FETCH


@dataclass(frozen=True)
class Read:
    """One pass over the window: JOOR's order_type, and whether it reads beyond the store's."""

    order_type: int
    broad: bool


def plan_reads(plan: ImportPlan) -> list[Read]:
    """The passes a window import makes, as chosen above."""
    if plan.kind == POLL:
        return [Read(EVERY_TYPE, broad=True)]
    own = Read(order_type_code(plan.order_type), broad=False)
    if plan.only_ids is not None or not plan.orders_here:
        return [own]
    return [own, Read(CANCELLED_TYPE, broad=True)]


def read_pages(
    client: JoorClient, plan: ImportPlan, *, page_size: int = MAX_PAGE_SIZE
) -> Iterator[PreparedPage]:
    """Read the plan's orders from JOOR, pass after pass, and prepare each page."""
    if plan.kind == FETCH:
        (source_id,) = plan.only_ids or ()
        spent = client.transport.credits_spent
        order = client.get_order(source_id)
        orders = [] if order is None else [order]
        credits = client.transport.credits_spent - spent  # one, unless JOOR made us try again
        page = OrdersPage(total=1, start_from=0, orders=orders, credits=credits)
        yield from prepare_pages([page], plan)
        return
    before = 0  # orders of the passes already read: a later pass's total counts on from them
    for read in plan_reads(plan):
        pages = client.iter_order_pages(
            plan.since, plan.until, read.order_type, page_size=page_size, overlap=PAGE_OVERLAP
        )
        offset = before
        for page in prepare_pages(pages, plan, broad=read.broad):
            yield replace(page, total=None if page.total is None else offset + page.total)
            before += page.size
