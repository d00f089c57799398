"""`joor probe`: at most three GET calls that say which form of JOOR's API an account speaks.

1. Two orders, ``start_from=0`` on the known (or first) orders path; on a 404, the other path.
2. Unless the answer names its next position: ``start_from=1``, whose orders tell offsets (the
   second and third orders) from page numbers counted from 1 (the first page again) or from 0
   (the third and fourth).
3. If a call is left: a window in the year 2000, which shows how JOOR answers "no orders"
   and whether it takes the plain date form.

Nothing here is retried, and no value of an order, nor the token, is reported: keys, types,
statuses, times and the rate-limit headers only.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode

from webapp.joor.client import JoorClient, format_utc, with_fraction
from webapp.joor.dialect import (
    FRACTION_DATES,
    NEXT_KEY,
    OFFSET,
    PAGES,
    PAGES_FROM_0,
    PAGING_WORDS,
    PLAIN_DATES,
)
from webapp.joor.errors import JoorMalformedResponseError
from webapp.joor.payloads import NEXT_KEYS, OrdersPage, order_key, parse_orders_page, shape_of
from webapp.joor.transport import Exchange

MAX_CALLS = 3
PROBE_QUERY = {"sync": 0, "count": 2, "start_from": 0, "order_type": 8, "export_status": 1}
EMPTY_WINDOW = ("2000-01-01T00:00:00Z", "2000-01-02T00:00:00Z")
_RATE_HEADER = re.compile(r"rate|throttl|retry-after|credit", re.I)
MAX_FIELDS = 80


def wrapper_words(code: str) -> str:
    """How an orders answer held its orders, in words."""
    if code.startswith("key:"):
        return f'an object with the orders under "{code[4:]}"'
    if code.startswith("orders."):
        return f'the orders under "orders" > "{code[7:]}"'
    return {
        "orders": 'an object with the orders under "orders"',
        "bare-list": "a bare list of orders",
        "orders:null": '"orders": null (no orders)',
        "null": "null (no orders)",
        "no-list": "an object without a list (no orders)",
    }.get(code, code)


class _Probe:
    """The calls made so far and what they showed."""

    def __init__(self, client: JoorClient) -> None:
        self.client = client
        self.calls: list[Exchange] = []
        self.queries: list[str] = []
        self.found: dict[str, Any] = {"problems": []}

    def get(self, path: str, params: dict[str, Any]) -> Exchange:
        exchange = self.client.transport.exchange("GET", path, params)
        self.calls.append(exchange)
        self.queries.append(urlencode(params))
        return exchange

    def left(self) -> int:
        return MAX_CALLS - len(self.calls)

    def problem(self, words: str) -> None:
        self.found["problems"].append(words)


def probe(client: JoorClient) -> dict[str, Any]:
    """Run the probe and return its findings; the client's dialect learns what was found."""
    run = _Probe(client)
    first = _find_path(run)
    page = _read(run, first, 0) if first is not None else None
    if page is not None:
        _describe_answer(run, first, page)
        _find_paging(run, page)
        if run.left():
            _check_empty_window(run)
    return _report(run)


def _find_path(run: _Probe) -> Exchange | None:
    """Ask the known (or first) orders path; on a 404 the other one."""
    dialect = run.client.dialect
    path = dialect.orders_path or "/orders"
    answer = run.get(path, PROBE_QUERY)
    if answer.status == 404:
        answer = run.get(dialect.other_path(path), PROBE_QUERY)
    if answer.error is not None:
        run.found["orders_path"] = None
        run.problem(answer.error.user_message)
        return None
    run.found["orders_path"] = dialect.orders_path = answer.path
    return answer


def _read(run: _Probe, answer: Exchange, start: int) -> OrdersPage | None:
    """The answer as an orders page, or None with the problem noted."""
    try:
        return parse_orders_page(answer.body, start)
    except JoorMalformedResponseError as exc:
        run.problem(f"JOOR's answer could not be read as orders: {exc}")
        run.found["shape"] = shape_of(answer.body)
        return None


def _describe_answer(run: _Probe, answer: Exchange, page: OrdersPage) -> None:
    body = answer.body
    run.found.update(
        wrapper=page.wrapper,
        wrapper_words=wrapper_words(page.wrapper),
        total="present" if page.total is not None else "absent",
        next_key=next((k for k in NEXT_KEYS if isinstance(body, dict) and k in body), None),
        shape=shape_of(body),
        order_fields=sorted({key for order in page.orders for key in order})[:MAX_FIELDS],
        orders_seen=len(page.orders),
    )


def _find_paging(run: _Probe, page: OrdersPage) -> None:
    """Name the paging scheme: a next key, or what start_from=1 brings back."""
    if page.has_next:
        return _set_paging(run, NEXT_KEY)
    if len(page.orders) < 2 or not run.left():
        why = "JOOR lists fewer than 2 orders" if len(page.orders) < 2 else "no call was left"
        run.found["paging"] = None
        run.found["paging_words"] = f"not known yet ({why}); the first import finds it out"
        return None
    answer = run.get(run.found["orders_path"], {**PROBE_QUERY, "start_from": 1})
    second = _read(run, answer, 1) if answer.error is None else None
    if second is None:
        if answer.error is not None:
            run.problem(answer.error.user_message)
        return None
    first_ids = [order_key(order) for order in page.orders]
    ids = [order_key(order) for order in second.orders]
    if ids == first_ids:
        scheme = PAGES
    elif ids and ids[0] == first_ids[1]:
        scheme = OFFSET
    else:
        scheme = PAGES_FROM_0
    return _set_paging(run, scheme)


def _set_paging(run: _Probe, scheme: str) -> None:
    run.found["paging"] = run.client.dialect.paging = scheme
    run.found["paging_words"] = PAGING_WORDS[scheme]


def _check_empty_window(run: _Probe) -> None:
    """A window with no orders: how JOOR says "none", and whether it takes the plain date form."""
    start, end = EMPTY_WINDOW
    fraction = run.client.dialect.date_form == FRACTION_DATES  # JOOR refused the plain form
    query = {**PROBE_QUERY, "date_start": start, "date_end": end}
    answer = run.get(run.found["orders_path"], with_fraction(query) if fraction else query)
    if answer.error is not None:
        if not fraction and answer.status == 400 and "date" in answer.error.body_excerpt.lower():
            _set_dates(run, FRACTION_DATES, "JOOR refused the plain date form (400)")
        else:
            run.problem(answer.error.user_message)
        return
    if fraction:
        _set_dates(run, FRACTION_DATES, "JOOR took the fractional form (it refused the plain one)")
    else:
        _set_dates(run, PLAIN_DATES, f"JOOR takes the plain date form ({format_utc_example()})")
    page = _read(run, answer, 0)
    if page is not None:
        run.found["empty_answer"] = page.wrapper
        run.found["empty_answer_words"] = wrapper_words(page.wrapper)
        if page.orders:
            run.problem("JOOR listed orders for a window in the year 2000: the date filter "
                        "may not be applied")  # fmt: skip


def _set_dates(run: _Probe, form: str, words: str) -> None:
    run.found["date_form"] = run.client.dialect.date_form = form
    tail = "; dates go with fractional seconds" if form == FRACTION_DATES else ""
    run.found["date_form_words"] = words + tail


def format_utc_example() -> str:
    """The plain form as sent, for the report."""
    return format_utc(datetime(2026, 11, 1, 9, 30, tzinfo=UTC))


def _report(run: _Probe) -> dict[str, Any]:
    """The findings, the calls and the rate-limit headers, ready to print as JSON."""
    transport = run.client.transport
    headers: dict[str, str] = {}
    for call in run.calls:
        for name, value in call.headers.items():
            if _RATE_HEADER.search(name):
                headers[name] = transport.redact(str(value))[:120]
    calls = [
        {"path": call.path, "query": query, "status": call.status, "ms": call.ms}
        for call, query in zip(run.calls, run.queries, strict=True)
    ]
    return {
        "base_url": run.client.base_url,
        "calls": calls,
        **run.found,
        "rate_limit_headers": headers,
        "credits": len(run.calls),  # a GET costs 1 credit (JOOR_API.md)
    }
