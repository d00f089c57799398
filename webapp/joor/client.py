"""The JOOR v2 API client: connection check, order paging and bulk inventory."""

from __future__ import annotations

import json
import logging
import random
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import requests

from webapp.joor.budget import BudgetUsage, CreditBudget, MemoryCreditBudget
from webapp.joor.environments import (
    EXPORT_STATUS_ALL,
    INVENTORY_PATH,
    MAX_PAGE_SIZE,
    ORDERS_PATH,
)
from webapp.joor.payloads import (
    InventoryResult,
    OrdersPage,
    order_key,
    parse_inventory_result,
    parse_orders_page,
)
from webapp.joor.transport import RetryHook, Transport

logger = logging.getLogger(__name__)

# Re-read this many orders of the previous page: when an order leaves the window while we page
# (modified again in JOOR), later orders shift back and would otherwise fall between two pages.
PAGE_OVERLAP = 5


def format_utc(moment: datetime, *, round_up: bool = False) -> str:
    """Format a datetime as JOOR's ISO 8601 UTC with Z; naive datetimes are taken as UTC."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    moment = moment.astimezone(UTC)
    if round_up and moment.microsecond:
        # JOOR takes whole seconds; rounding the end up keeps the window at least as wide.
        moment += timedelta(seconds=1)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


class JoorClient:
    """Talks to one JOOR account; use one client per job or thread (sessions are not shared)."""

    def __init__(
        self,
        token: str,
        base_url: str,
        *,
        budget: CreditBudget | None = None,
        session: requests.Session | None = None,
        timeout: float = 30,
        max_retries: int = 5,
        backoff_base: float = 1.0,
        backoff_cap: float = 60,
        sleep: Callable[[float], None] = time.sleep,
        rng: Callable[[], float] = random.random,
        # Answers are decoded with this; the app hands in a faster decoder (orjson), which
        # keeps this package to the standard library and requests.
        decode_json: Callable[[bytes], Any] = json.loads,
        on_retry: RetryHook | None = None,
    ) -> None:
        self.budget: CreditBudget = (
            budget if budget is not None else MemoryCreditBudget(sleep=sleep)
        )
        self._transport = Transport(
            token,
            base_url,
            budget=self.budget,
            session=session,
            timeout=timeout,
            max_retries=max_retries,
            backoff_base=backoff_base,
            backoff_cap=backoff_cap,
            sleep=sleep,
            rng=rng,
            decode_json=decode_json,
            on_retry=on_retry,
        )
        self._request = self._transport.request

    @property
    def base_url(self) -> str:
        """Return the base URL requests go to."""
        return self._transport.base_url

    def __repr__(self) -> str:
        return f"JoorClient(base_url={self.base_url!r})"

    def credits_used(self) -> BudgetUsage:
        """Return the account's credit usage in the current window."""
        return self.budget.usage()

    def check_connection(self) -> None:
        """Read one order without marking anything exported; raise a JoorError if that fails."""
        body = self._request("GET", ORDERS_PATH, params={"sync": 0, "count": 1, "start_from": 0})
        parse_orders_page(body, 0)

    def iter_order_pages(
        self,
        date_start: datetime,
        date_end: datetime,
        order_type: int,
        *,
        page_size: int = MAX_PAGE_SIZE,
        overlap: int = 0,
    ) -> Iterator[OrdersPage]:
        """Yield pages of orders modified in [date_start, date_end), one page in memory at once."""
        params = self._orders_params(date_start, date_end, order_type, page_size, overlap)
        start, total = 0, None
        while True:
            body = self._request("GET", ORDERS_PATH, params={**params, "start_from": start})
            page = parse_orders_page(body, start)
            logger.info(
                "JOOR orders page start_from=%s got %s of total %s",
                start,
                len(page.orders),
                page.total,
            )
            yield page
            seen_to = start + len(page.orders)
            # Without a total (JOOR's wrapper keys are not documented) only an empty page ends
            # the window: a short one may just be JOOR capping the page size.
            if not page.orders or (page.total is not None and seen_to >= page.total):
                return
            left = total - page.total if total is not None and page.total is not None else 0
            total = page.total
            if left > 0:
                # Orders already read left the window (modified again in JOOR) since the last
                # page, so every later one moved back as many places: some may now sit before
                # this page. Read on from that far back; what is read twice is known already.
                start = max(0, start - left)
            else:
                start = seen_to - overlap if len(page.orders) > overlap else seen_to

    def iter_orders(
        self,
        date_start: datetime,
        date_end: datetime,
        order_type: int,
        *,
        page_size: int = MAX_PAGE_SIZE,
        overlap: int = PAGE_OVERLAP,
        on_page: Callable[[OrdersPage], None] | None = None,
    ) -> Iterator[dict[str, Any]]:
        """Yield each order of the window once (by order_id); on_page sees every page first."""
        seen: set[str] = set()
        pages = self.iter_order_pages(
            date_start, date_end, order_type, page_size=page_size, overlap=overlap
        )
        for page in pages:
            if on_page is not None:
                on_page(page)
            for order in page.orders:
                key = order_key(order)
                if key not in seen:
                    seen.add(key)
                    yield order

    def push_inventory(
        self, items: list[dict[str, Any]], *, overwrite: bool, dec_pending: bool = False
    ) -> InventoryResult:
        """Send absolute stock counts; overwrite replaces the warehouses' inventory in JOOR."""
        if not items:
            return InventoryResult(sku_count=0, verdicts=[])
        params = {}
        if overwrite:
            params["overwrite"] = 1
        if dec_pending:
            params["dec_pending"] = 1
        body = self._request(
            "POST", INVENTORY_PATH, params=params or None, body={"inventory_items": list(items)}
        )
        result = parse_inventory_result(body)
        passed = sum(verdict.passed for verdict in result.verdicts)
        logger.info(
            "JOOR bulk-inventory overwrite=%s sent %s, passed %s, failed %s",
            overwrite,
            len(items),
            passed,
            len(result.verdicts) - passed,
        )
        return result

    def _orders_params(
        self,
        date_start: datetime,
        date_end: datetime,
        order_type: int,
        page_size: int,
        overlap: int,
    ) -> dict[str, Any]:
        if not 1 <= page_size <= MAX_PAGE_SIZE:
            raise ValueError(f"page_size must be 1..{MAX_PAGE_SIZE}, got {page_size}")
        if not 0 <= overlap < page_size:
            raise ValueError(f"overlap must be 0..{page_size - 1}, got {overlap}")
        if not 1 <= order_type <= 8:
            raise ValueError(f"JOOR order_type must be 1..8, got {order_type}")
        start, end = format_utc(date_start), format_utc(date_end, round_up=True)
        if start > end:
            raise ValueError(f"date_start {start} is after date_end {end}")
        return {
            "order_type": order_type,
            "export_status": EXPORT_STATUS_ALL,
            "sync": 0,
            "date_start": start,
            "date_end": end,
            "count": page_size,
        }
