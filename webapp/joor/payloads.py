"""The shapes JOOR answers with, checked before anyone downstream relies on them."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from webapp.joor.errors import JoorMalformedResponseError


@dataclass(frozen=True)
class OrdersPage:
    """One page of GET /orders: the window's total (None if JOOR left it out), offset, orders."""

    total: int | None
    start_from: int
    orders: list[dict[str, Any]]


@dataclass(frozen=True)
class SkuVerdict:
    """JOOR's verdict on one SKU of a bulk-inventory push."""

    sku: str
    status: str
    message: str
    log_id: str | None

    @property
    def passed(self) -> bool:
        """Return True when JOOR accepted this SKU."""
        return self.status == "pass"


@dataclass(frozen=True)
class InventoryResult:
    """JOOR's answer to one bulk-inventory push: per-SKU verdicts, in no promised order."""

    sku_count: int
    verdicts: list[SkuVerdict]


def malformed(what: str, detail: str) -> JoorMalformedResponseError:
    """Build the error for a 200 whose JSON has the wrong shape."""
    return JoorMalformedResponseError(f"JOOR sent a malformed {what}: {detail}", status=200)


def _count(value: Any, what: str, field: str) -> int:
    """Read a non-negative count that JOOR may send as a number or a numeric string."""
    if isinstance(value, bool):
        raise malformed(what, f"{field} is not a number")
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value)
    if not isinstance(value, int) or value < 0:
        raise malformed(what, f"{field} is not a non-negative integer")
    return value


def parse_orders_page(body: Any, start_from: int) -> OrdersPage:
    """Check one GET /orders answer and return it as a page."""
    what = f"orders page (start_from={start_from})"
    if not isinstance(body, dict):
        raise malformed(what, "the answer is not a JSON object")
    orders = body.get("orders")
    if not isinstance(orders, list):
        raise malformed(what, "'orders' is missing or not a list")
    for position, order in enumerate(orders):
        if not isinstance(order, dict):
            raise malformed(what, f"order at position {position} is not an object")
        # An order without its order_id is the import's to fail on its own, in words:
        # refusing the page would block every order of the window behind it.
    total = body.get("total")
    total = None if total is None else _count(total, what, "total")
    return OrdersPage(total=total, start_from=start_from, orders=orders)


def order_key(order: dict[str, Any]) -> str:
    """What tells one order of a window from another: its order_id, else its whole JSON."""
    order_id = order.get("order_id")
    if order_id in (None, ""):
        return json.dumps(order, sort_keys=True, default=str)
    return str(order_id)


def _verdict(entry: Any, position: int) -> SkuVerdict:
    what = "bulk-inventory answer"
    if not isinstance(entry, dict):
        raise malformed(what, f"inventory_log entry {position} is not an object")
    status = entry.get("status")
    if not isinstance(status, str) or not status:
        raise malformed(what, f"inventory_log entry {position} has no status")
    log_id = entry.get("inventory_log_id")
    return SkuVerdict(
        sku="" if entry.get("sku") is None else str(entry["sku"]),
        status=status.strip().lower(),
        message="" if entry.get("message") is None else str(entry["message"]),
        log_id=None if log_id in (None, "") else str(log_id),
    )


def parse_inventory_result(body: Any) -> InventoryResult:
    """Check one POST /bulk-inventory answer and return its per-SKU verdicts."""
    what = "bulk-inventory answer"
    if not isinstance(body, dict):
        raise malformed(what, "the answer is not a JSON object")
    log = body.get("inventory_log")
    if not isinstance(log, list):
        raise malformed(what, "'inventory_log' is missing or not a list")
    verdicts = [_verdict(entry, position) for position, entry in enumerate(log)]
    sku_count = _count(body.get("sku_count", len(verdicts)), what, "sku_count")
    return InventoryResult(sku_count=sku_count, verdicts=verdicts)
