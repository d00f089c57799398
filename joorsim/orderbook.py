"""The simulator's orders: JOOR's filters, paging, the ``sync`` flag's marking, new arrivals.

Filter semantics (JOOR's codes; the "ours" parts follow the shared wire decisions):

- ``order_type`` (default 2): 1 Notes, 2 Approved+Shipped, 3 Pending, 4 all but Cancelled
  (Approved, Shipped, Pending), 5 Cancelled, 6 Approved, 7 Shipped, 8 everything.
- ``export_status`` (default 1): 1 all, 2 never exported, 3 exported and unchanged since,
  4 modified since export, 5 = 2 or 4.
- ``sync`` (default 1): additionally hides orders exported and unchanged since, then marks the
  returned page exported. ``sync=0`` reads without marking.
- ``date_start``/``date_end`` bound ``date_modified``: start inclusive, end exclusive; each
  requires the other. ``count`` defaults to 50 and is clamped to 100; ``start_from`` is 0-based
(the dialect may count pages instead, and shapes the answer: see ``dialects``).
"""

from __future__ import annotations

import bisect
import json
import random
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from joorsim.catalog import Catalog
from joorsim.dialects import REFERENCE, Dialect, offset_of, orders_body
from joorsim.orders import (
    FIRST_ORDER_ID,
    ORDER_TYPES,
    OrderHeader,
    build_order,
    generate_headers,
    make_header,
)
from joorsim.people import CUSTOMERS

DEFAULT_COUNT = 50
MAX_COUNT = 100


class QueryError(ValueError):
    """A bad /orders query: the endpoint answers 400 with this message."""


@dataclass(frozen=True, slots=True)
class OrderQuery:
    """A parsed GET /orders query."""

    order_type: int = 2
    export_status: int = 1
    date_start: int | None = None
    date_end: int | None = None
    sync: bool = True
    start_from: int = 0
    count: int = DEFAULT_COUNT
    customer_code: str | None = None


def parse_date(raw: str, name: str) -> int:
    """ISO 8601 (naive means UTC) to epoch seconds, or QueryError."""
    try:
        parsed = datetime.fromisoformat(raw.strip())
    except ValueError:
        raise QueryError(f"{name} is not an ISO 8601 date: {raw!r}") from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return int(parsed.timestamp())


def _int_arg(args: Any, name: str, default: int, low: int, high: int | None = None) -> int:
    """An integer query argument within [low, high], or QueryError."""
    raw = args.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise QueryError(f"{name} must be an integer, got {raw!r}") from None
    if value < low or (high is not None and value > high):
        raise QueryError(f"{name} out of range: {value}")
    return value


def parse_query(args: Any) -> OrderQuery:
    """Validate /orders query arguments (a mapping of strings) into an OrderQuery."""
    start, end = args.get("date_start"), args.get("date_end")
    if bool(start) != bool(end):
        raise QueryError("date_start and date_end must be given together")
    return OrderQuery(
        order_type=_int_arg(args, "order_type", 2, 1, 8),
        export_status=_int_arg(args, "export_status", 1, 1, 5),
        date_start=parse_date(start, "date_start") if start else None,
        date_end=parse_date(end, "date_end") if end else None,
        sync=bool(_int_arg(args, "sync", 1, 0, 1)),
        start_from=_int_arg(args, "start_from", 0, 0),
        count=min(_int_arg(args, "count", DEFAULT_COUNT, 1), MAX_COUNT),
        customer_code=args.get("customer_code") or None,
    )


def _export_ok(header: OrderHeader, status: int) -> bool:
    """Whether the header passes an export_status filter."""
    never = header.exported_modified is None
    changed = not never and header.modified > (header.exported_modified or 0)
    return {1: True, 2: never, 3: not never and not changed, 4: changed, 5: never or changed}[
        status
    ]


class OrderBook:
    """All orders, sorted by (date_modified, order_id); not thread-safe (SimState locks)."""

    def __init__(
        self, catalog: Catalog, seed: int, count: int, anchor: int, days: int, lines: int | None
    ) -> None:
        self.catalog, self.seed, self.lines = catalog, seed, lines
        self.headers = generate_headers(seed, count, anchor, days, lines)
        self.by_id = {h.order_id: h for h in self.headers}
        self.next_index = count
        # Paging re-runs one filter many times; keep its result until anything changes.
        self._selection: tuple[tuple, list[OrderHeader]] | None = None
        # Each payload's JSON, built once (by order_id): real JOOR serves stored orders, and
        # rebuilding ~170 us per order per request made the simulator the slowest party.
        self._json: dict[int, bytes] = {}

    def matches(self, h: OrderHeader, q: OrderQuery) -> bool:
        """Whether one order passes every filter of the query."""
        types = ORDER_TYPES[q.order_type]
        return (
            (types is None or h.type_name in types)
            and _export_ok(h, q.export_status)
            and (not q.sync or _export_ok(h, 5))
            and (q.date_start is None or q.date_start <= h.modified)
            and (q.date_end is None or h.modified < q.date_end)
            and (q.customer_code is None or h.customer_code == q.customer_code)
        )

    def query(self, q: OrderQuery) -> dict[str, Any]:
        """One page of the response, marking it exported when sync is on."""
        total, page = self._page(q)
        orders = [build_order(h, self.catalog, self.seed) for h in page]
        return {"total": total, "start_from": q.start_from, "count": len(orders), "orders": orders}

    def query_json(self, q: OrderQuery, dialect: Dialect = REFERENCE) -> bytes:
        """The same page as `query`, as the JSON body the dialect sends (cached parts)."""
        total, page = self._page(q, offset_of(dialect, q.start_from, q.count))
        orders = [self._order_json(header) for header in page]
        return orders_body(dialect, total, q.start_from, q.count, orders)

    def _page(self, q: OrderQuery, offset: int | None = None) -> tuple[int, list[OrderHeader]]:
        """(total selected, the page's headers), marking the page exported when sync is on."""
        selected = self._select(q)
        offset = q.start_from if offset is None else offset
        page = selected[offset : offset + q.count]
        if q.sync and page:
            for h in page:
                h.exported_modified = h.modified
            self._selection = None
        return len(selected), page

    def _order_json(self, header: OrderHeader) -> bytes:
        """One order's payload as compact UTF-8 JSON, built on first use."""
        body = self._json.get(header.order_id)
        if body is None:
            payload = build_order(header, self.catalog, self.seed)
            text = json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
            body = self._json[header.order_id] = text.encode()
        return body

    def _select(self, q: OrderQuery) -> list[OrderHeader]:
        """The sorted headers passing q's filters, reused while nothing has changed."""
        key = (q.order_type, q.export_status, q.date_start, q.date_end, q.sync, q.customer_code)
        if self._selection is None or self._selection[0] != key:
            self._selection = (key, [h for h in self.headers if self.matches(h, q)])
        return self._selection[1]

    def _insert(self, header: OrderHeader) -> str:
        """Add a header in sort order and return its id as a string."""
        if not header.order_id:
            header.order_id = max(self.by_id, default=FIRST_ORDER_ID - 1) + 1
        bisect.insort(self.headers, header, key=OrderHeader.sort_key)
        self.by_id[header.order_id] = header
        self._json.pop(header.order_id, None)
        self._selection = None
        return str(header.order_id)

    def add_generated(
        self, rng: random.Random, count: int, low: int, high: int, q: OrderQuery | None = None
    ) -> list[str]:
        """`count` new generated orders modified in [low, high), matching q's type/customer."""
        types = ORDER_TYPES[q.order_type] if q else None
        type_name = ("Approved" if "Approved" in types else sorted(types)[0]) if types else None
        ids = []
        for _ in range(count):
            modified = rng.randrange(low, max(low + 1, high))
            header = make_header(rng, self.next_index, modified, self.lines, type_name)
            if q and q.customer_code:
                header.customer_code = q.customer_code
            self.next_index += 1
            ids.append(self._insert(header))
        return ids

    def add_explicit(self, order: dict[str, Any], now: int) -> str:
        """Store a caller-supplied order payload; fills id, status and dates when absent."""
        raw_id = order.get("order_id")
        order_id = int(raw_id) if raw_id not in (None, "") else 0
        if order_id in self.by_id:
            raise ValueError(f"order_id {order_id} already exists")
        modified = (
            parse_date(order["date_modified"], "date_modified")
            if order.get("date_modified")
            else now
        )
        code = order.get("customer_code")
        idx = next((i for i, c in enumerate(CUSTOMERS) if c.code == code), 0)
        header = OrderHeader(
            self.next_index,
            order_id,
            modified,
            modified,
            order.get("order_type_name") or "Approved",
            idx,
            code,
            len(order.get("line_items") or []),
            explicit=dict(order),
        )
        self.next_index += 1
        return self._insert(header)

    def order(self, order_id: int) -> dict[str, Any] | None:
        """One order's payload as JOOR serves it, or None when unknown."""
        header = self.by_id.get(order_id)
        return None if header is None else build_order(header, self.catalog, self.seed)

    def patch(self, order_id: int, fields: dict[str, Any], now: int) -> dict[str, Any] | None:
        """Change an order's fields as a buyer or rep would in JOOR; None when unknown.

        Top-level fields replace the payload's (``order_type_name`` moves it to that type);
        ``line_items`` as a list replaces every line, as an object ``{"2": {...}}`` changes the
        fields of the lines at those 1-based positions (``null`` removes one). The order's
        date_modified moves to now, as JOOR's does on every edit.
        """
        payload = self.order(order_id)
        if payload is None:
            return None
        changed = {**payload, **{k: v for k, v in fields.items() if k != "line_items"}}
        if "line_items" in fields:
            changed["line_items"] = patched_lines(
                payload.get("line_items") or [], fields["line_items"]
            )
        header = self.by_id[order_id]
        header.explicit = changed
        header.type_name = str(changed.get("order_type_name") or header.type_name)
        header.line_count = len(changed["line_items"] or [])
        self.touch(order_id, now)
        return build_order(header, self.catalog, self.seed)

    def touch(self, order_id: int, now: int) -> bool:
        """Move an order's date_modified to now (a buyer edited it); False when unknown."""
        header = self.by_id.get(order_id)
        if header is None:
            return False
        self.headers.remove(header)
        header.modified = max(now, header.modified + 1)
        bisect.insort(self.headers, header, key=OrderHeader.sort_key)
        self._json.pop(order_id, None)  # its date_modified changed
        self._selection = None
        return True


def patched_lines(lines: list[dict[str, Any]], change: Any) -> list[dict[str, Any]]:
    """Lines after a PATCH: a list replaces them all; {"2": {...} or null} changes some."""
    if isinstance(change, list):
        if not all(isinstance(line, dict) for line in change):
            raise ValueError("line_items must be a list of objects")
        return [dict(line) for line in change]
    if not isinstance(change, dict):
        raise ValueError(
            'line_items must be a list, or an object like {"2": {"item_quantity": "6"}}'
        )
    result: list[dict[str, Any] | None] = [dict(line) for line in lines]
    for key, fields in change.items():
        position = int(key) if str(key).isdigit() else 0
        if not 1 <= position <= len(lines):
            raise ValueError(f"the order has no line {key} (it has {len(lines)})")
        if fields is not None and not isinstance(fields, dict):
            raise ValueError(f"line {key} must be an object of fields, or null to remove it")
        current = result[position - 1]
        result[position - 1] = None if fields is None else {**(current or {}), **fields}
    return [line for line in result if line is not None]
