"""JOOR order field values as this store keeps them: trimmed text, money, quantities, dates.

Numbers may come as strings ("12.50"); nulls and empty strings become empty values. Values
come out as `webapp.sync.dbapi` stores them (text, integers and None), because these run for
every field of every line of every imported order. A value that cannot be kept raises
MappingError, whose message says why in words.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from webapp.sync.dbapi import date_text, timestamp_text

# Money as JOOR usually sends it, already exact at the column's two decimals: kept as is.
_PLAIN_MONEY = re.compile(r"-?\d{1,12}(?:\.\d{1,2})?")
_CENT = Decimal("0.01")
MONEY_LIMIT = Decimal(10) ** 12  # the money columns are NUMERIC(14, 2)
MAX_QUANTITY = 2**31 - 1  # an INTEGER column on PostgreSQL


class MappingError(ValueError):
    """The payload cannot become an order; the message says why, in words."""


def field_text(value: Any, limit: int | None = None) -> str:
    """Text from a JOOR field: None becomes "", numbers become their digits; trimmed."""
    if value.__class__ is str:
        text = value.strip()
    elif value is None:
        return ""
    else:
        text = str(value).strip()
    return text[:limit] if limit else text


def field_money(value: Any, label: str) -> str | None:
    """A money amount (number or numeric string) as decimal text at cents; empty is unknown."""
    if value.__class__ is str and _PLAIN_MONEY.fullmatch(value):
        return value  # the common case, "12.50": exact at the column's scale already
    if value is None or value == "":
        return None
    not_a_number = MappingError(f"{label} {shown(value)} is not a number")
    if isinstance(value, bool):
        raise not_a_number
    try:
        amount = Decimal(str(value).strip())
    except InvalidOperation:
        raise not_a_number from None
    if not amount.is_finite():
        raise not_a_number
    if abs(amount) >= MONEY_LIMIT:
        raise MappingError(f"{label} {shown(value)} is larger than an order here can hold "
                           "(999,999,999,999.99 at most)")  # fmt: skip
    return str(amount.quantize(_CENT))


def field_quantity(value: Any) -> int:
    """A line quantity: a whole, non-negative number (JOOR sends "6" or 6)."""
    if value.__class__ is int and 0 <= value <= MAX_QUANTITY:
        return value
    if value.__class__ is str and value.isascii() and value.isdigit() and len(value) < 10:
        return int(value)  # the common case, "6"
    try:
        amount = Decimal(str(value).strip()) if not isinstance(value, bool) else None
    except (InvalidOperation, ValueError):
        amount = None
    if amount is None or not amount.is_finite() or amount != amount.to_integral() or amount < 0:
        raise MappingError(f"the quantity {shown(value)} is not a whole number of 0 or more")
    if amount > MAX_QUANTITY:
        raise MappingError(f"the quantity {shown(value)} is larger than a line here can hold "
                           f"({MAX_QUANTITY:,} at most)")  # fmt: skip
    return int(amount)


def parse_moment(value: Any, label: str) -> datetime | None:
    """An ISO 8601 moment (Z or offset; naive means UTC) as aware UTC; empty means unknown."""
    if value is None or value == "":
        return None
    try:
        moment = datetime.fromisoformat(str(value).strip())
    except ValueError:
        raise MappingError(f"{label} {shown(value)} is not a date") from None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def field_moment(value: Any, label: str) -> str | None:
    """A UTC timestamp column's value from an ISO 8601 field."""
    if _is_utc_second(value):
        # JOOR's usual "2026-11-01T09:30:00Z" is already UTC: its text is rearranged, not
        # formatted again (formatting a datetime costs more than mapping the rest of a line).
        parse_moment(value, label)  # still refuses "2026-13-45T99:00:00Z"
        return f"{value[:10]} {value[11:19]}.000000"
    moment = parse_moment(value, label)
    return timestamp_text(moment) if moment else None


def field_day(value: Any, label: str) -> str | None:
    """A date column's value: the calendar date of an ISO 8601 field (ship windows are days)."""
    moment = parse_moment(value, label)
    if moment and _is_utc_second(value):
        return value[:10]
    return date_text(moment) if moment else None


def _is_utc_second(value: Any) -> bool:
    """True for text shaped like "2026-11-01T09:30:00Z" (not whether it is a real moment)."""
    return value.__class__ is str and len(value) == 20 and value[10] == "T" and value[19] == "Z"


def shown(value: Any) -> str:
    """A field's value as an error quotes it: text in quotes, a missing one as "(empty)"."""
    if value is None or value == "":
        return "(empty)"
    if isinstance(value, bool):
        return "true" if value else "false"  # as JOOR's JSON wrote it
    text = repr(value) if isinstance(value, str) else str(value)
    return text if len(text) <= 100 else text[:97] + "…"
