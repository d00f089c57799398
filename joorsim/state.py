"""SimState: everything the simulator knows, behind one lock so a threaded server is safe.

``SimState(orders=200, seed=1, tokens="demo-token", rate_limit=True, credit_limit=300,
window_seconds=300, days=30, lines_per_order=None, clock=time.time, anchor=None,
warehouses=("Default", "Secondary"), initial_stock=False, faults=None, styles=40,
dialect="reference")``

``clock`` returns epoch seconds and drives the credit windows and the dates of orders added
later; ``anchor`` (epoch seconds, default ``clock()`` at construction) is the "now" the seeded
orders' dates count back from, so the same seed and anchor give byte-identical orders.
``reset()`` returns to the state right after construction (same anchor, same dialect).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable
from typing import Any

from joorsim.budget import CreditBudget
from joorsim.catalog import Catalog
from joorsim.dialects import Dialect, dialect_named
from joorsim.faults import Faults
from joorsim.inventory import DEFAULT_WAREHOUSES, InventoryBook
from joorsim.orderbook import OrderBook, OrderQuery

DEFAULT_TOKEN = "demo-token"  # noqa: S105 - the public demo token JOOR_API.md names


def _token_list(tokens: str | Iterable[str]) -> tuple[str, ...]:
    """Tokens from a comma-separated string or an iterable, blanks removed."""
    items = tokens.split(",") if isinstance(tokens, str) else list(tokens)
    return tuple(t.strip() for t in items if t.strip())


class SimState:
    """Thread-safe in-memory state of one simulated JOOR account set."""

    def __init__(
        self,
        orders: int = 200,
        seed: int = 1,
        tokens: str | Iterable[str] = DEFAULT_TOKEN,
        rate_limit: bool = True,
        credit_limit: int = 300,
        window_seconds: float = 300,
        days: int = 30,
        lines_per_order: int | None = None,
        clock: Callable[[], float] | None = None,
        anchor: float | None = None,
        warehouses: Iterable[str] = DEFAULT_WAREHOUSES,
        initial_stock: bool = False,
        faults: dict[str, Any] | None = None,
        styles: int = 40,
        dialect: str = "reference",
    ) -> None:
        self.lock = threading.RLock()
        self.clock = clock or time.time
        self.tokens = _token_list(tokens)
        self.rate_limit = rate_limit
        self.options = {
            "orders": orders,
            "seed": seed,
            "days": days,
            "lines": lines_per_order,
            "credit_limit": credit_limit,
            "window_seconds": window_seconds,
            "warehouses": tuple(warehouses),
            "initial_stock": initial_stock,
            "faults": dict(faults or {}),
            "dialect": dialect_named(dialect),
        }
        self.anchor = int(anchor if anchor is not None else self.clock())
        self.catalog = Catalog(seed, styles)
        self.reset()

    def reset(self) -> None:
        """Back to the initial orders, marks, inventory, pushes, faults and budget."""
        o = self.options
        with self.lock:
            self.book = OrderBook(
                self.catalog, o["seed"], o["orders"], self.anchor, o["days"], o["lines"]
            )
            self.inventory = InventoryBook(self.catalog, o["warehouses"], o["initial_stock"])
            self.budget = CreditBudget(o["credit_limit"], o["window_seconds"], self.clock)
            self.faults = Faults()
            self.faults.update(o["faults"])
            self.dialect: Dialect = o["dialect"]

    def now(self) -> int:
        """The clock as whole epoch seconds."""
        return int(self.clock())

    def token_ok(self, token: str) -> bool:
        """Whether a token is accepted (known and not revoked)."""
        with self.lock:
            return token in self.tokens and token not in self.faults.revoke_tokens

    def charge(self, token: str, cost: int) -> int | None:
        """Charge the token's account; None when allowed, else Retry-After seconds."""
        if not self.rate_limit:
            return None
        with self.lock:
            return self.budget.charge(token, cost)

    def orders_page(self, query: OrderQuery) -> dict[str, Any]:
        """One /orders page; new orders arrive afterwards when that fault is on."""
        with self.lock:
            page = self.book.query(query)
            self._arrive(query)
            return page

    def orders_page_json(self, query: OrderQuery) -> bytes:
        """The same page as `orders_page`, as the JSON body the endpoint sends."""
        with self.lock:
            body = self.book.query_json(query, self.dialect)
            self._arrive(query)
            return body

    def _arrive(self, query: OrderQuery) -> None:
        """Add the orders that arrive after each page while that fault is on."""
        arrivals = self.faults.arrivals_per_page
        if arrivals:
            low, high = self._arrival_window(query)
            self.book.add_generated(self.faults.rng, arrivals, low, high, query)

    def _arrival_window(self, query: OrderQuery) -> tuple[int, int]:
        """Where arriving orders' date_modified falls: inside the query's window, not after now."""
        now = self.now()
        if query.date_start is None or query.date_end is None:
            return now, now + 1
        high = min(query.date_end, now + 1)
        return query.date_start, max(high, query.date_start + 1)

    def push_inventory(
        self, items: list[Any], overwrite: bool = False, dec_pending: bool = False
    ) -> dict[str, Any]:
        """Apply a bulk-inventory call and return its verdicts."""
        with self.lock:
            account = self.dialect.account_overwrite
            return self.inventory.apply(items, overwrite, dec_pending, account=account)

    def read_inventory(self, warehouse: str) -> list[dict[str, Any]]:
        """SKUs holding a quantity in the warehouse, with their identifiers."""
        with self.lock:
            return self.inventory.read(warehouse)

    def pushes(self) -> list[dict[str, Any]]:
        """Every bulk-inventory call received: overwrite flag, items and verdicts."""
        with self.lock:
            return list(self.inventory.pushes)

    def catalog_skus(self) -> list[dict[str, Any]]:
        """Every catalogue SKU with its identifiers, name, colour and price."""
        return [
            {**s.identifiers(), "name": s.name, "color": s.color, "price": s.price}
            for s in self.catalog.skus
        ]

    def set_dialect(self, name: str) -> Dialect:
        """Answer in another dialect from now on (ValueError for an unknown name)."""
        with self.lock:
            self.dialect = dialect_named(name)
            return self.dialect

    def set_faults(self, settings: dict[str, Any]) -> dict[str, Any]:
        """Change fault settings (FaultError when invalid) and return them all."""
        with self.lock:
            self.faults.update(settings)
            return self.faults.as_dict()

    def get_faults(self) -> dict[str, Any]:
        """Current fault settings."""
        with self.lock:
            return self.faults.as_dict()

    def add_orders(self, count: int = 0, orders: list[dict[str, Any]] | None = None) -> list[str]:
        """Add `count` generated orders modified now, and/or explicit payloads; their ids."""
        with self.lock:
            now = self.now()
            rng = self.faults.rng
            ids = self.book.add_generated(rng, count, now, now + 1) if count else []
            return ids + [self.book.add_explicit(o, now) for o in orders or []]

    def order(self, order_id: int) -> dict[str, Any] | None:
        """One order by its id, or None."""
        with self.lock:
            return self.book.order(order_id)

    def patch_order(self, order_id: int, fields: dict[str, Any]) -> dict[str, Any] | None:
        """Change an order's fields, modified now; its new payload, or None when unknown."""
        with self.lock:
            return self.book.patch(order_id, fields, self.now())

    def touch_order(self, order_id: int) -> bool:
        """Mark an order modified now (so 'modified since export' sees it)."""
        with self.lock:
            return self.book.touch(order_id, self.now())

    def credits(self, token: str) -> dict[str, Any]:
        """The token's credit usage in its current window."""
        with self.lock:
            return {"rate_limit": self.rate_limit, **self.budget.usage(token)}
