"""Whole numbers from URLs and query strings, bounded so the database can hold them.

Ids are PostgreSQL `integer` columns: a larger number in a query raises "integer out of
range" there, and one of 2^63 or more cannot even be bound on SQLite (OverflowError).
"""

from __future__ import annotations

from flask import request
from werkzeug.routing import IntegerConverter

MAX_ID = 2**31 - 1


def at_most(limit: int) -> str:
    """A regular expression matching the whole numbers from 0 to `limit` (leading zeros aside)."""
    digits = str(limit)
    options = [f"[0-9]{{1,{len(digits) - 1}}}"] if len(digits) > 1 else []
    for i, digit in enumerate(digits):
        if digit != "0":  # the same digits up to i, a smaller one at i, then any
            options.append(f"{digits[:i]}[0-{int(digit) - 1}][0-9]{{{len(digits) - i - 1}}}")
    return "(?:" + "|".join([*options, digits]) + ")"


class IdConverter(IntegerConverter):
    """`<int:...>` in every route: a number no row can have matches no route (404).

    Refused by its pattern, not by a range check: werkzeug ends matching at a failed
    conversion, so the API's catch-all would never answer it in JSON.
    """

    regex = at_most(MAX_ID)


def record_id(value: object) -> int:
    """A form's id as a number (the `coerce` of id choices); ValueError when no row can have it."""
    number = value if isinstance(value, int) else whole_number(str(value), low=1)
    if number is None or not 1 <= number <= MAX_ID:
        raise ValueError(f"{value!r} is not an id")
    return number


def whole_number(raw: str | None, *, low: int = 0, high: int = MAX_ID) -> int | None:
    """Return `raw` as a number from `low` to `high`, or None when it is anything else."""
    # isdigit() alone lets through "²" (which int() refuses) and 10,000-digit numbers.
    if not raw or not raw.isascii() or not raw.isdigit() or len(raw) > len(str(high)):
        return None
    value = int(raw)
    return value if low <= value <= high else None


def int_arg(name: str, *, low: int = 0, high: int = MAX_ID) -> int | None:
    """Return the query string's `name` as a bounded whole number, or None."""
    return whole_number(request.args.get(name), low=low, high=high)
