"""Dialects: each a plausible form of JOOR's v2 answers that its public reference leaves open.

``python -m joorsim --dialect NAME`` serves one; ``POST /_sim/dialect {"dialect": NAME}``
switches at run time (``GET`` names the current one and lists them all).

- ``reference``: today's wire (``/orders``; ``{"total", "start_from", "count", "orders"}``;
  ``start_from`` an offset; ``inventory_log`` a list; an Overwrite drops per warehouse).
- ``order-path``: orders on ``/order/`` only; ``/orders`` answers 404.
- ``bare-list``: the orders answer is a bare list (no total).
- ``page-number``: ``start_from`` counts pages from 1 (0 reads as 1), ``count`` per page.
- ``next-key``: each answer names the next position (``next``, null on the last page); no
  total.
- ``inventory-container``: ``inventory_log`` is ``{"inventory_item": [...]}`` and verdicts
  that pass carry no message.
- ``empty-null``: a page with no orders answers ``{"orders": null}``.
- ``account-overwrite``: an Overwrite drops every SKU of every warehouse of the account that
  the call leaves out, not only in the warehouses it names.
- ``fraction-dates``: dates answer with fractional seconds and an offset (ship dates as days),
  and a date filter without fractional seconds is refused with a 400 naming it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

ORDERS, ORDER = "orders", "order"


@dataclass(frozen=True)
class Dialect:
    """One form of JOOR's answers."""

    name: str
    orders_paths: tuple[str, ...] = (ORDERS,)
    bare_list: bool = False
    paging: str = "offset"  # "offset", "page" (from 1) or "next"
    total: bool = True
    empty_null: bool = False
    inventory_container: bool = False
    account_overwrite: bool = False
    fraction_dates: bool = False


DIALECTS: dict[str, Dialect] = {
    d.name: d
    for d in (
        Dialect("reference"),
        Dialect("order-path", orders_paths=(ORDER,)),
        Dialect("bare-list", bare_list=True, total=False),
        Dialect("page-number", paging="page"),
        Dialect("next-key", paging="next", total=False),
        Dialect("inventory-container", inventory_container=True),
        Dialect("empty-null", empty_null=True),
        Dialect("account-overwrite", account_overwrite=True),
        Dialect("fraction-dates", fraction_dates=True),
    )
}
REFERENCE = DIALECTS["reference"]

_MOMENT = re.compile(rb'"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)Z"')
_SHIP_DAY = re.compile(rb'"(date_ship_(?:start|end))":"(\d{4}-\d\d-\d\d)T[^"]*"')
FRACTION_REFUSAL = "{name} must be in the form YYYY-MM-DDThh:mm:ss.sTZD, got {value!r}"


def dialect_named(name: str) -> Dialect:
    """The dialect of that name; ValueError naming the known ones otherwise."""
    try:
        return DIALECTS[name]
    except KeyError:
        raise ValueError(f"unknown dialect {name!r}; known: {', '.join(DIALECTS)}") from None


def offset_of(dialect: Dialect, start_from: int, count: int) -> int:
    """Which order a page starts at: start_from itself, or its page number's first order."""
    if dialect.paging == "page":
        return (max(start_from, 1) - 1) * count
    return start_from


def date_refusal(dialect: Dialect, args: Any) -> str | None:
    """Why a date filter is refused in this dialect (the plain form), or None."""
    if not dialect.fraction_dates:
        return None
    for name in ("date_start", "date_end"):
        value = args.get(name)
        if value and "." not in value:
            return FRACTION_REFUSAL.format(name=name, value=value)
    return None


def orders_body(
    dialect: Dialect, total: int, start_from: int, count: int, orders: list[bytes]
) -> bytes:
    """The /orders answer in the dialect, from each order's cached JSON."""
    listed = b"[" + b",".join(orders) + b"]"
    if dialect.fraction_dates:
        listed = _SHIP_DAY.sub(rb'"\1":"\2"', listed)
        listed = _MOMENT.sub(rb'"\1.250+00:00"', listed)
    if dialect.bare_list:
        return listed + b"\n"
    if dialect.empty_null and not orders:
        listed = b"null"
    head = []
    if dialect.total:
        head.append(f'"total":{total}')
    head += [f'"start_from":{start_from}', f'"count":{len(orders)}']
    if dialect.paging == "next":
        after = start_from + count
        head.append(f'"next":{after if after < total else "null"}')
    return ("{" + ",".join(head) + ',"orders":').encode() + listed + b"}\n"


def inventory_body(dialect: Dialect, answer: dict[str, Any]) -> dict[str, Any]:
    """The bulk-inventory answer in the dialect."""
    if not dialect.inventory_container:
        return answer
    entries = [
        {k: v for k, v in entry.items() if k != "message" or entry["status"] != "pass"}
        for entry in answer["inventory_log"]
    ]
    return {**answer, "inventory_log": {"inventory_item": entries}}
