"""The shapes JOOR answers with, checked before anyone downstream relies on them.

JOOR documents neither the orders answer's wrapper nor the inventory answer's container
(JOOR_API.md, "Confirmed or guessed"), so each plausible form is read, and the form met is
named; any other shape is malformed, and its message gives the shape (keys and types, never
values, so never an order's data or a token).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlsplit

from webapp.joor.errors import JoorMalformedResponseError

ORDERS_KEY = "orders"
# Keys that may name where the next page starts ("the response includes ... the next page's
# starting position", JOOR's reference, without the key's name).
NEXT_KEYS = ("next_start_from", "next_start", "next_position", "next_offset", "next_page", "next")
# Words an answer without orders may carry; any other text or object could be orders unread.
TEXT_KEYS = frozenset({"message", "status", "success", "result"})
LOG_KEY = "inventory_log"


@dataclass(frozen=True)
class OrdersPage:
    """One page of GET /orders: the window's total (None if JOOR left it out), where it was
    asked from, its orders, and the next position JOOR named (``has_next`` when it named one,
    even null)."""

    total: int | None
    start_from: int | str
    orders: list[dict[str, Any]]
    wrapper: str = ORDERS_KEY
    has_next: bool = False
    next_start: int | str | None = None
    # What reading it cost: every attempt since the page before (retries, paging checks).
    credits: int = field(default=1, compare=False)


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
    container: str = field(default=LOG_KEY, compare=False)


def shape_of(value: Any, depth: int = 0) -> Any:
    """The answer's shape for a log line: keys and value types, never a value."""
    if isinstance(value, dict):
        if depth >= 2:
            return f"object of {len(value)} keys"
        return {str(key)[:40]: shape_of(item, depth + 1) for key, item in list(value.items())[:20]}
    if isinstance(value, list):
        kinds = sorted({_type_name(item) for item in value[:50]})
        return f"list of {len(value)} ({', '.join(kinds)})" if value else "empty list"
    return _type_name(value)


def _type_name(value: Any) -> str:
    if value is None:
        return "null"
    return {bool: "boolean", int: "number", float: "number", str: "text", dict: "object",
            list: "list"}.get(type(value), type(value).__name__)  # fmt: skip


def malformed(what: str, detail: str, body: Any = None) -> JoorMalformedResponseError:
    """Build the error for a 200 whose JSON has the wrong shape, naming the shape met."""
    shape = json.dumps(shape_of(body), sort_keys=True)[:400]
    return JoorMalformedResponseError(
        f"JOOR sent a malformed {what}: {detail}; its shape: {shape}", status=200
    )


def _count(value: Any, what: str, name: str, body: Any) -> int:
    """Read a non-negative count that JOOR may send as a number or a numeric string."""
    if isinstance(value, bool):
        raise malformed(what, f"{name} is not a number", body)
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value)
    if not isinstance(value, int) or value < 0:
        raise malformed(what, f"{name} is not a non-negative integer", body)
    return value


def _single_list(container: dict[str, Any], what: str, body: Any) -> tuple[str, list] | None:
    """The one list-valued key of an object, or None when it has none."""
    lists = [key for key, value in container.items() if isinstance(value, list)]
    if len(lists) > 1:
        raise malformed(what, f"several lists ({', '.join(map(str, lists))})", body)
    return (lists[0], container[lists[0]]) if lists else None


def _orders_in(body: dict[str, Any], what: str) -> tuple[list[Any], str]:
    """The orders of an object answer and the name of the wrapper they came in."""
    if ORDERS_KEY in body:
        value = body[ORDERS_KEY]
        if value is None:
            return [], "orders:null"
        if isinstance(value, list):
            return value, ORDERS_KEY
        found = _single_list(value, what, body) if isinstance(value, dict) else None
        if found is None:
            raise malformed(what, "'orders' is not a list", body)
        return found[1], f"orders.{found[0]}"
    found = _single_list(body, what, body)
    if found is not None:
        return found[1], f"key:{found[0]}"
    # No list at all: no orders, unless something else could have held them.
    odd = [key for key, value in body.items() if isinstance(value, dict | str)
           and key not in NEXT_KEYS and key not in TEXT_KEYS]  # fmt: skip
    if odd:
        raise malformed(what, "no list of orders, and 'orders' is missing", body)
    return [], "no-list"


def _next_position(body: dict[str, Any], what: str) -> tuple[bool, int | str | None]:
    """Whether JOOR named a next position, and which (a number, text, or null at the end).

    A next page named by its address gives only its start_from: the client never calls an
    address JOOR sends, so no answer can send a request (and the token) to another host.
    """
    for key in NEXT_KEYS:
        if key in body and not isinstance(body[key], dict | list | bool | float):
            value = body[key]
            if isinstance(value, str) and ("?" in value or "/" in value):
                found = parse_qs(urlsplit(value).query).get("start_from")
                if not found:
                    raise malformed(what, f"'{key}' is an address without start_from", body)
                value = found[0]
            if isinstance(value, str):
                value = int(value.strip()) if value.strip().isdigit() else value.strip()
            return True, value if value != "" else None
    return False, None


def parse_orders_page(body: Any, start_from: int | str) -> OrdersPage:
    """Check one GET /orders answer and return it as a page.

    Accepted: ``{"orders": [...]}``, a bare list, an object whose single list-valued key holds
    the orders; ``null``, ``{"orders": null}`` or no list at all mean no orders.
    """
    what = f"orders page (start_from={start_from})"
    meta: dict[str, Any] = {}
    if body is None:
        orders, wrapper = [], "null"
    elif isinstance(body, list):
        orders, wrapper = body, "bare-list"
    elif isinstance(body, dict):
        meta = body
        orders, wrapper = _orders_in(body, what)
    else:
        raise malformed(what, "the answer is neither a JSON object nor a list", body)
    for position, order in enumerate(orders):
        if not isinstance(order, dict):
            raise malformed(what, f"order at position {position} is not an object", body)
        # An order without its order_id is the import's to fail on its own, in words:
        # refusing the page would block every order of the window behind it.
    total = meta.get("total")
    total = None if total is None else _count(total, what, "total", body)
    has_next, next_start = _next_position(meta, what)
    return OrdersPage(total, start_from, orders, wrapper, has_next, next_start)


def parse_one_order(body: Any, order_id: str) -> dict[str, Any]:
    """Check a GET /order/{id} answer: the order itself, or one wrapper key holding it."""
    what = f"answer for order {order_id}"
    order = body
    if isinstance(body, dict) and "order_id" not in body and len(body) == 1:
        (order,) = body.values()  # {"order": {...}} or {"orders": [{...}]}: not documented
        if isinstance(order, list) and len(order) == 1:
            (order,) = order
    if not isinstance(order, dict):
        raise malformed(what, "it holds no order object")
    if str(order.get("order_id", "")).strip() != order_id:
        raise malformed(what, "it holds another order")
    return order


def order_key(order: dict[str, Any]) -> str:
    """What tells one order of a window from another: its order_id, else its whole JSON."""
    order_id = order.get("order_id")
    if order_id in (None, ""):
        return json.dumps(order, sort_keys=True, default=str)
    return str(order_id)


def _verdict(entry: Any, position: int, body: Any) -> SkuVerdict:
    what = "bulk-inventory answer"
    if not isinstance(entry, dict):
        raise malformed(what, f"inventory_log entry {position} is not an object", body)
    status = entry.get("status")
    if not isinstance(status, str) or not status:
        raise malformed(what, f"inventory_log entry {position} has no status", body)
    log_id = entry.get("inventory_log_id")
    return SkuVerdict(
        sku="" if entry.get("sku") is None else str(entry["sku"]),
        status=status.strip().lower(),
        # JOOR documents no message; a verdict without one is no less a verdict.
        message="" if entry.get("message") is None else str(entry["message"]),
        log_id=None if log_id in (None, "") else str(log_id),
    )


def _log_entries(body: dict[str, Any]) -> tuple[list[Any], str]:
    """The verdicts of an inventory answer: a list, or a container holding one (or one entry)."""
    what = "bulk-inventory answer"
    log = body.get(LOG_KEY)
    if isinstance(log, list):
        return log, LOG_KEY
    if isinstance(log, dict):
        found = _single_list(log, what, body)
        if found is not None:
            return found[1], f"{LOG_KEY}.{found[0]}"
        # JOOR's reference gives an XML tree; converted, one child comes out as an object.
        inner = [(key, value) for key, value in log.items() if isinstance(value, dict)]
        if "status" in log:
            return [log], LOG_KEY
        if len(inner) == 1:
            return [inner[0][1]], f"{LOG_KEY}.{inner[0][0]}"
    raise malformed(what, "'inventory_log' is missing or holds no list", body)


def parse_inventory_result(body: Any) -> InventoryResult:
    """Check one POST /bulk-inventory answer and return its per-SKU verdicts."""
    what = "bulk-inventory answer"
    if not isinstance(body, dict):
        raise malformed(what, "the answer is not a JSON object", body)
    entries, container = _log_entries(body)
    verdicts = [_verdict(entry, position, body) for position, entry in enumerate(entries)]
    sku_count = _count(body.get("sku_count", len(verdicts)), what, "sku_count", body)
    return InventoryResult(sku_count=sku_count, verdicts=verdicts, container=container)
