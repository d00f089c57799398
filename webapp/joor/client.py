"""The JOOR v2 API client: token check, order paging and bulk inventory, tolerant of the forms
JOOR's public reference leaves open (see ``dialect``, ``payloads`` and ``paging``)."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import quote

from webapp.joor.budget import BudgetUsage, CreditBudget, MemoryCreditBudget
from webapp.joor.dialect import FRACTION_DATES, ORDERS_PATHS, PLAIN_DATES, Dialect
from webapp.joor.environments import EXPORT_STATUS_ALL, INVENTORY_PATH, MAX_PAGE_SIZE, ORDER_PATH
from webapp.joor.errors import (
    JoorBadRequestError,
    both_paths_unknown,
    field_refusal,
    names_date,
)
from webapp.joor.options import ClientOptions
from webapp.joor.paging import Pager
from webapp.joor.payloads import (
    InventoryResult,
    OrdersPage,
    order_key,
    parse_inventory_result,
    parse_one_order,
    parse_orders_page,
)
from webapp.joor.transport import Transport

logger = logging.getLogger(__name__)

# Re-read this many orders of the previous page: when an order leaves the window while we page
# (modified again in JOOR), later orders shift back and would otherwise fall between two pages.
PAGE_OVERLAP = 5
DATE_PARAMS = ("date_start", "date_end")
# The reference's spelling of style_identifier: a refusal may name it though we never send it.
REFERENCE_SPELLINGS = ("style_identifer",)


def format_utc(moment: datetime, *, round_up: bool = False) -> str:
    """Format a datetime as JOOR's ISO 8601 UTC with Z; naive datetimes are taken as UTC."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    moment = moment.astimezone(UTC)
    if round_up and moment.microsecond:
        # JOOR takes whole seconds; rounding the end up keeps the window at least as wide.
        moment += timedelta(seconds=1)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def with_fraction(params: dict[str, Any]) -> dict[str, Any]:
    """The same query with its dates in JOOR's documented form, fractional seconds included."""
    dated = dict(params)
    for name in DATE_PARAMS:
        if isinstance(dated.get(name), str) and dated[name].endswith("Z"):
            dated[name] = dated[name][:-1] + ".000Z"
    return dated


class JoorClient:
    """Talks to one JOOR account; use one client per job or thread (sessions are not shared).

    ``dialect`` is what earlier calls learned of this account (path, paging, dates); the
    client updates it as it learns more, for the caller to keep.
    """

    def __init__(
        self,
        token: str,
        base_url: str,
        options: ClientOptions | None = None,
        *,
        dialect: Dialect | None = None,
    ) -> None:
        options = options or ClientOptions()
        if options.budget is None:
            options = replace(options, budget=MemoryCreditBudget(sleep=options.sleep))
        self.options = options
        self.budget: CreditBudget = options.budget  # type: ignore[assignment]
        self.dialect = dialect if dialect is not None else Dialect()
        self._transport = Transport(token, base_url, options)

    @property
    def base_url(self) -> str:
        """Return the base URL requests go to."""
        return self._transport.base_url

    @property
    def transport(self) -> Transport:
        """The transport (for `joor probe`, which reports each call as it went)."""
        return self._transport

    def __repr__(self) -> str:
        return f"JoorClient(base_url={self.base_url!r})"

    def credits_used(self) -> BudgetUsage:
        """Return the account's credit usage in the current window."""
        return self.budget.usage()

    def check_connection(self) -> OrdersPage:
        """Read one order without marking anything exported, in one call (two when the
        orders path is not known yet and the first answers 404); raise a JoorError if JOOR
        refuses. A person waits on it, so nothing is tried again."""
        return self._orders_call({"sync": 0, "count": 1, "start_from": 0}, 0, attempts=1)

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
        pager = Pager(self.dialect.paging, page_size, overlap)
        start: int | str | None = pager.first()
        spent = self._transport.credits_spent
        while start is not None:
            page = self._orders_call({**params, "start_from": start}, start)
            step = pager.after(page)
            if pager.checked and pager.scheme and pager.scheme != self.dialect.paging:
                logger.info("JOOR pages this account %s", pager.scheme)
                self.dialect.paging = pager.scheme
            logger.info(
                "JOOR orders page start_from=%s got %s of total %s (%s)",
                start,
                len(page.orders),
                page.total,
                page.wrapper,
            )
            if step.keep:
                now_spent = self._transport.credits_spent
                yield replace(page, credits=now_spent - spent)
                spent = now_spent
            start = step.next_start

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

    def get_order(self, order_id: str) -> dict[str, Any] | None:
        """Read one order by its JOOR id (one credit), whatever its type; None on JOOR's 404."""
        path = ORDER_PATH.format(order_id=quote(order_id, safe=""))
        try:
            return self._transport.request(
                "GET", path, read=lambda body: parse_one_order(body, order_id)
            )
        except JoorBadRequestError as exc:
            if exc.status == 404:
                return None
            raise

    def push_inventory(
        self, items: list[dict[str, Any]], *, overwrite: bool, dec_pending: bool = False
    ) -> InventoryResult:
        """Send absolute stock counts; overwrite replaces the account's inventory in JOOR."""
        if not items:
            return InventoryResult(sku_count=0, verdicts=[])
        params = {}
        if overwrite:
            params["overwrite"] = 1
        if dec_pending:
            params["dec_pending"] = 1
        try:
            result = self._transport.request(
                "POST",
                INVENTORY_PATH,
                params=params or None,
                body={"inventory_items": list(items)},
                read=parse_inventory_result,
            )
        except JoorBadRequestError as exc:
            sent = {name for item in items for name in item}
            raise field_refusal(exc, [*sent, *REFERENCE_SPELLINGS]) from None
        self.dialect.inventory_answer = result.container
        passed = sum(verdict.passed for verdict in result.verdicts)
        logger.info(
            "JOOR bulk-inventory overwrite=%s sent %s, passed %s, failed %s (%s)",
            overwrite,
            len(items),
            passed,
            len(result.verdicts) - passed,
            result.container,
        )
        return result

    def _orders_call(
        self, params: dict[str, Any], start: int | str, attempts: int | None = None
    ) -> OrdersPage:
        """One orders page from the path JOOR answers on: the known one, else each in turn."""
        path = self.dialect.orders_path or ORDERS_PATHS[0]
        try:
            page = self._dated_call(path, params, start, attempts)
        except JoorBadRequestError as exc:
            if exc.status != 404:
                raise
            other = self.dialect.other_path(path)
            logger.warning("JOOR answered 404 on %s; trying %s", path, other)
            try:
                page = self._dated_call(other, params, start, attempts)
            except JoorBadRequestError as again:
                raise (
                    both_paths_unknown(again, ORDERS_PATHS) if again.status == 404 else again
                ) from None
            path = other
        if path != self.dialect.orders_path:
            logger.info("JOOR answers orders on %s", path)
            self.dialect.orders_path = path
        return page

    def _dated_call(
        self, path: str, params: dict[str, Any], start: int | str, attempts: int | None
    ) -> OrdersPage:
        """Send the orders query; a 400 naming the date sends the dates' fractional form once."""
        dated = "date_start" in params
        fraction = self.dialect.date_form == FRACTION_DATES

        def read(body: Any) -> OrdersPage:
            return parse_orders_page(body, start)

        request = self._transport.request
        try:
            page = request(
                "GET",
                path,
                params=with_fraction(params) if fraction else params,
                read=read,
                attempts=attempts,
            )
        except JoorBadRequestError as exc:
            if not (dated and not fraction and exc.status == 400 and names_date(exc)):
                raise
            logger.warning("JOOR refused the plain date form (400); sending fractional seconds")
            page = request("GET", path, params=with_fraction(params), read=read, attempts=attempts)
            self.dialect.date_form = FRACTION_DATES
        if dated and self.dialect.date_form is None:
            self.dialect.date_form = PLAIN_DATES
        return page

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
