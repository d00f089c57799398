"""JOOR order payload -> rows for `orders` and `order_items` (plain dicts for bulk inserts).

Item code: the line's UPC when the store's Item Identifier is "upc"; otherwise the style
number, colour code and size joined with "-" (empty parts left out). Either way the other
form is the fallback, so a line missing its UPC still imports; a line with neither fails the
order. Numbers may come as strings ("12.50"); nulls and empty strings become empty values.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

SOURCE_NAME = "Joor"
CANCELLED = "Cancelled"
# The order_type_name values each "Orders to download" setting admits (JOOR's own names).
KNOWN_TYPE_NAMES = frozenset({"Approved", "Shipped", "Pending", "Cancelled", "Notes"})
ADMITTED_TYPES: dict[str, frozenset[str]] = {
    "approved": frozenset({"Approved"}),
    "approved_shipped": frozenset({"Approved", "Shipped"}),
    "shipped": frozenset({"Shipped"}),
    "pending": frozenset({"Pending"}),
    "all_but_cancelled": frozenset({"Approved", "Shipped", "Pending"}),
}
ADDRESS_FIELDS = (
    "name",
    "phone",
    "email",
    "address_1",
    "address_2",
    "city",
    "region",
    "postal_code",
    "country",
    "country_iso_two",
)
METADATA_FIELDS = {
    "po_number": "customer_purchase_order",
    "season": "order_season_code",
    "delivery": "order_delivery_name",
    "warehouse": "warehouse_name",
    "warehouse_code": "warehouse_code",
    "payment_method": "payment_method_name",
    "sales_rep": "sales_representative",
    "order_type": "order_type_name",
    "buyer": "customer_buyer_name",
    "created_by_email": "created_by_email",
    "shipping_method": "shipping_method_name",
    "date_approved": "date_approved",
}


class MappingError(ValueError):
    """The payload cannot become an order; the message says why, in words."""


@dataclass(frozen=True, slots=True)
class MappedOrder:
    """One order's row and its item rows (items lack order_id until the order is inserted)."""

    source_id: str
    order: dict[str, Any]
    items: list[dict[str, Any]]


def skip_reason(payload: dict[str, Any], order_type: str) -> str | None:
    """Return why this order is not imported under the store's settings, or None."""
    type_name = _text(payload.get("order_type_name"))
    admitted = ADMITTED_TYPES.get(order_type, ADMITTED_TYPES["all_but_cancelled"])
    if type_name == CANCELLED:
        return "wrong type: the order is cancelled"
    if type_name in KNOWN_TYPE_NAMES and type_name not in admitted:
        return f"wrong type: {type_name} orders are not downloaded with this setting"
    if not payload.get("line_items"):
        return "no line items"
    return None


def map_order(payload: dict[str, Any], identifier: str) -> MappedOrder:
    """Map one JOOR order; raise MappingError with the reason when a field is unusable."""
    lines = payload.get("line_items")
    if not isinstance(lines, list):
        raise MappingError("line_items is not a list")
    items = [_map_item(line, position, identifier) for position, line in enumerate(lines, 1)]
    source_id = _text(payload.get("order_id"))
    return MappedOrder(source_id, _order_row(payload, source_id), items)


def _order_row(p: dict[str, Any], source_id: str) -> dict[str, Any]:
    """The `orders` columns (by column name) that come from the payload."""
    email = p.get("billing_email") or p.get("shipping_email") or p.get("created_by_email")
    return {
        "source_name": SOURCE_NAME,
        "source_id": source_id[:64],
        "status": _text(p.get("order_type_name"), 64),
        "customer_name": _text(p.get("customer_name"), 255),
        "company_name": _text(p.get("company_name"), 255),
        "customer_code": _text(p.get("customer_code"), 100),
        "email": _text(email, 254),
        "po_number": _text(p.get("customer_purchase_order"), 100),
        "currency": _text(p.get("order_currency"), 8),
        "total": _decimal(p.get("order_total"), "order_total"),
        "discount": _decimal(p.get("order_discount"), "order_discount"),
        "shipping_total": _decimal(p.get("order_shipping_total"), "order_shipping_total"),
        "ship_start": _date(p.get("date_ship_start"), "date_ship_start"),
        "ship_end": _date(p.get("date_ship_end"), "date_ship_end"),
        "shipping_address": _address(p, "shipping"),
        "billing_address": _address(p, "billing"),
        "metadata": {k: _text(p.get(src)) for k, src in METADATA_FIELDS.items() if p.get(src)},
        "comments": _text(p.get("order_comments")),
        "payload": p,
        "source_created_at": _datetime(p.get("date_created"), "date_created"),
        "source_modified_at": _datetime(p.get("date_modified"), "date_modified"),
    }


def _map_item(line: Any, position: int, identifier: str) -> dict[str, Any]:
    """One `order_items` row (without order_id); each field is read once (hot loop)."""
    if not isinstance(line, dict):
        raise MappingError(f"line {position} is not an object")
    get = line.get
    upc, number = _text(get("item_upc")), _text(get("item_number"))
    color_code, size = _text(get("item_color_code")), _text(get("item_size"))
    metadata = {
        "style_number": number,
        "style_identifier": _text(get("item_style_identifier")),
        "color_code": color_code,
        "upc": upc,
    }
    if get("item_comment"):
        metadata["comment"] = _text(line["item_comment"])
    return {
        "position": position,
        "code": _code(upc, (number, color_code, size), identifier, position),
        "name": _text(get("item_name"), 255),
        "quantity": _quantity(get("item_quantity"), position),
        "price": _decimal(get("item_price"), f"line {position} price"),
        "variation_list": {"Color": _text(get("item_color")), "Size": size},
        "metadata": metadata,
    }


def item_code(line: dict[str, Any], identifier: str, position: int = 1) -> str:
    """Return the line's item code: UPC or style-colour-size, the other one as fallback."""
    parts = (line.get("item_number"), line.get("item_color_code"), line.get("item_size"))
    return _code(_text(line.get("item_upc")), tuple(map(_text, parts)), identifier, position)


def _code(upc: str, style_parts: tuple[str, ...], identifier: str, position: int) -> str:
    style = "-".join(part for part in style_parts if part)
    code = (upc or style) if identifier == "upc" else (style or upc)
    if not code:
        raise MappingError(f"line {position} has neither a UPC nor a style number")
    return code[:255]


def _text(value: Any, limit: int | None = None) -> str:
    """Text from a JOOR field: None becomes "", numbers become their digits; trimmed."""
    if value is None:
        return ""
    text = value.strip() if value.__class__ is str else str(value).strip()
    return text[:limit] if limit else text


def _decimal(value: Any, label: str) -> Decimal | None:
    """A money amount from a number or numeric string; empty means unknown."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise MappingError(f"{label} {value!r} is not a number")
    try:
        amount = Decimal(str(value).strip())
    except InvalidOperation:
        raise MappingError(f"{label} {value!r} is not a number") from None
    if not amount.is_finite():
        raise MappingError(f"{label} {value!r} is not a number")
    return amount.quantize(Decimal("0.01"))


def _quantity(value: Any, position: int) -> int:
    """A line quantity: a whole, non-negative number (JOOR sends "6" or 6)."""
    if value.__class__ is str and value.isascii() and value.isdigit():
        return int(value)  # the common case, "6"
    try:
        amount = Decimal(str(value).strip()) if not isinstance(value, bool) else None
    except InvalidOperation:
        amount = None
    if amount is None or not amount.is_finite() or amount != amount.to_integral() or amount < 0:
        raise MappingError(f"line {position} quantity {value!r} is not a whole number")
    return int(amount)


def _datetime(value: Any, label: str) -> datetime | None:
    """An ISO 8601 moment (Z or offset; naive means UTC) as aware UTC; empty means unknown."""
    if value is None or value == "":
        return None
    try:
        moment = datetime.fromisoformat(str(value).strip())
    except ValueError:
        raise MappingError(f"{label} {value!r} is not a date") from None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _date(value: Any, label: str) -> date | None:
    """The calendar date of an ISO 8601 value (ship windows are days)."""
    moment = _datetime(value, label)
    return moment.date() if moment else None


def _address(p: dict[str, Any], prefix: str) -> dict[str, str]:
    """A shipping or billing block, without its empty fields."""
    block = {f: _text(p.get(f"{prefix}_{f}")) for f in ADDRESS_FIELDS}
    return {k: v for k, v in block.items() if v}
