"""JOOR order payload -> rows for `orders` and `order_items`, ready for the DBAPI.

Item code: the line's UPC when the store's Item Identifier is "upc"; otherwise the style
number, colour code and size joined with "-" (empty parts left out). Either way the other
form is the fallback, so a line missing its UPC still imports; a line with neither fails the
order. Numbers may come as strings ("12.50"); nulls and empty strings become empty values.
Values come out as `webapp.sync.dbapi` stores them (text, integers and None), because this
runs once per line of every imported order.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from webapp.sync.dbapi import date_text, json_text, timestamp_text

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
# The `orders` and `order_items` columns a mapped order fills, in the order of its tuples.
ORDER_COLUMNS = (
    "source_name",
    "source_id",
    "status",
    "customer_name",
    "company_name",
    "customer_code",
    "email",
    "po_number",
    "currency",
    "total",
    "discount",
    "shipping_total",
    "ship_start",
    "ship_end",
    "shipping_address",
    "billing_address",
    "metadata",
    "comments",
    "payload",
    "source_created_at",
    "source_modified_at",
)
MAX_SOURCE_ID = 64  # the length of orders.source_id
ITEM_COLUMNS = ("position", "code", "name", "quantity", "price", "variation_list", "metadata")
# Money as JOOR usually sends it, already exact at the column's two decimals: kept as is.
_PLAIN_MONEY = re.compile(r"-?\d{1,12}(?:\.\d{1,2})?")
_CENT = Decimal("0.01")


class MappingError(ValueError):
    """The payload cannot become an order; the message says why, in words."""


@dataclass(frozen=True, slots=True)
class MappedOrder:
    """One order's row and its item rows, as tuples in ORDER_COLUMNS / ITEM_COLUMNS order.

    Item rows lack order_id until the order is inserted.
    """

    source_id: str
    row: tuple
    items: list[tuple]

    @property
    def order(self) -> dict[str, Any]:
        """The order row by column name (for reading, not for the hot path)."""
        return dict(zip(ORDER_COLUMNS, self.row, strict=True))

    def item(self, index: int) -> dict[str, Any]:
        """One item row by column name."""
        return dict(zip(ITEM_COLUMNS, self.items[index], strict=True))


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
    source_id = source_id_of(payload)
    lines = payload.get("line_items")
    if not isinstance(lines, list):
        raise MappingError("JOOR sent its line items in a form that is not a list")
    items = []
    for position, line in enumerate(lines, 1):
        try:
            items.append(_map_item(line, position, identifier))
        except MappingError as exc:
            # Named as the merchant finds the line in JOOR: its place and its style or UPC.
            raise MappingError(f"{_line_name(line, position)}: {exc}") from None
    return MappedOrder(source_id, _order_row(payload, source_id), items)


def source_id_of(payload: dict[str, Any]) -> str:
    """The order's JOOR id as stored here (trimmed text); MappingError when it cannot be one.

    A number or text of up to MAX_SOURCE_ID characters; anything else (a float, as JSON
    decoders make of integers too large for 64 bits, or an id too long to store whole) would
    be stored under another order's id or cut, and so is refused.
    """
    raw = payload.get("order_id")
    text = str(raw).strip() if raw.__class__ is int or raw.__class__ is str else ""
    if not text or len(text) > MAX_SOURCE_ID:
        raise MappingError(f"JOOR sent an order id this store cannot keep: {_shown(raw)[:100]}")
    return text


def _order_row(p: dict[str, Any], source_id: str) -> tuple:
    """The ORDER_COLUMNS values that come from the payload."""
    get = p.get
    email = get("billing_email") or get("shipping_email") or get("created_by_email")
    metadata = {key: _text(get(field)) for key, field in METADATA_FIELDS.items() if get(field)}
    return (
        SOURCE_NAME,
        source_id,
        _text(get("order_type_name"), 64),
        _text(get("customer_name"), 255),
        _text(get("company_name"), 255),
        _text(get("customer_code"), 100),
        _text(email, 254),
        _text(get("customer_purchase_order"), 100),
        _text(get("order_currency"), 8),
        _money(get("order_total"), "The order total"),
        _money(get("order_discount"), "The discount"),
        _money(get("order_shipping_total"), "The shipping total"),
        _day(get("date_ship_start"), "The ship start date"),
        _day(get("date_ship_end"), "The ship end date"),
        json_text(_address(p, "shipping")),
        json_text(_address(p, "billing")),
        json_text(metadata),
        _text(get("order_comments")),
        json_text(p),
        _moment(get("date_created"), "The date created"),
        _moment(get("date_modified"), "The date modified"),
    )


def _map_item(line: Any, position: int, identifier: str) -> tuple:
    """One ITEM_COLUMNS row; each field is read once (the import's hottest loop)."""
    if line.__class__ is not dict:
        raise MappingError("JOOR sent it in a form that is not a line item")
    get = line.get
    upc, number = _text(get("item_upc")), _text(get("item_number"))
    color_code, size = _text(get("item_color_code")), _text(get("item_size"))
    metadata = {
        "style_number": number,
        "style_identifier": _text(get("item_style_identifier")),
        "color_code": color_code,
        "upc": upc,
    }
    comment = get("item_comment")
    if comment:
        metadata["comment"] = _text(comment)
    return (
        position,
        _code(upc, (number, color_code, size), identifier),
        _text(get("item_name"), 255),
        _quantity(get("item_quantity")),
        _money(get("item_price"), "the price"),
        json_text({"Color": _text(get("item_color")), "Size": size}),
        json_text(metadata),
    )


def _line_name(line: Any, position: int) -> str:
    """How an error names a line: "Line 2 (style ST-1)" or "Line 2 (UPC 0123…)"."""
    if line.__class__ is dict:
        number, upc = _text(line.get("item_number")), _text(line.get("item_upc"))
        if number:
            return f"Line {position} (style {number})"
        if upc:
            return f"Line {position} (UPC {upc})"
    return f"Line {position}"


def _code(upc: str, style_parts: tuple[str, ...], identifier: str) -> str:
    """The item code: UPC or style-colour-size, the other one as fallback."""
    style = "-".join(part for part in style_parts if part)
    code = (upc or style) if identifier == "upc" else (style or upc)
    if not code:
        raise MappingError("it has neither a UPC nor a style number, so no item here can match it")
    return code[:255]


def _text(value: Any, limit: int | None = None) -> str:
    """Text from a JOOR field: None becomes "", numbers become their digits; trimmed."""
    if value.__class__ is str:
        text = value.strip()
    elif value is None:
        return ""
    else:
        text = str(value).strip()
    return text[:limit] if limit else text


def _money(value: Any, label: str) -> str | None:
    """A money amount (number or numeric string) as decimal text at cents; empty is unknown."""
    if value.__class__ is str and _PLAIN_MONEY.fullmatch(value):
        return value  # the common case, "12.50": exact at the column's scale already
    if value is None or value == "":
        return None
    not_a_number = MappingError(f"{label} {_shown(value)} is not a number")
    if isinstance(value, bool):
        raise not_a_number
    try:
        amount = Decimal(str(value).strip())
    except InvalidOperation:
        raise not_a_number from None
    if not amount.is_finite():
        raise not_a_number
    return str(amount.quantize(_CENT))


def _quantity(value: Any) -> int:
    """A line quantity: a whole, non-negative number (JOOR sends "6" or 6)."""
    if value.__class__ is int and value >= 0:
        return value
    if value.__class__ is str and value.isascii() and value.isdigit():
        return int(value)  # the common case, "6"
    try:
        amount = Decimal(str(value).strip()) if not isinstance(value, bool) else None
    except InvalidOperation:
        amount = None
    if amount is None or not amount.is_finite() or amount != amount.to_integral() or amount < 0:
        raise MappingError(f"the quantity {_shown(value)} is not a whole number of 0 or more")
    return int(amount)


def _parse_moment(value: Any, label: str) -> datetime | None:
    """An ISO 8601 moment (Z or offset; naive means UTC) as aware UTC; empty means unknown."""
    if value is None or value == "":
        return None
    try:
        moment = datetime.fromisoformat(str(value).strip())
    except ValueError:
        raise MappingError(f"{label} {_shown(value)} is not a date") from None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _moment(value: Any, label: str) -> str | None:
    """A UTC timestamp column's value from an ISO 8601 field."""
    if _is_utc_second(value):
        # JOOR's usual "2026-11-01T09:30:00Z" is already UTC: its text is rearranged, not
        # formatted again (formatting a datetime costs more than mapping the rest of a line).
        _parse_moment(value, label)  # still refuses "2026-13-45T99:00:00Z"
        return f"{value[:10]} {value[11:19]}.000000"
    moment = _parse_moment(value, label)
    return timestamp_text(moment) if moment else None


def _day(value: Any, label: str) -> str | None:
    """A date column's value: the calendar date of an ISO 8601 field (ship windows are days)."""
    moment = _parse_moment(value, label)
    if moment and _is_utc_second(value):
        return value[:10]
    return date_text(moment) if moment else None


def _is_utc_second(value: Any) -> bool:
    """True for text shaped like "2026-11-01T09:30:00Z" (not whether it is a real moment)."""
    return value.__class__ is str and len(value) == 20 and value[10] == "T" and value[19] == "Z"


def _shown(value: Any) -> str:
    """A field's value as an error quotes it: text in quotes, a missing one as "(empty)"."""
    if value is None or value == "":
        return "(empty)"
    return repr(value) if isinstance(value, str) else str(value)


def _address(p: dict[str, Any], prefix: str) -> dict[str, str]:
    """A shipping or billing block, without its empty fields."""
    get = p.get
    block = {}
    for field in ADDRESS_FIELDS:
        text = _text(get(f"{prefix}_{field}"))
        if text:
            block[field] = text
    return block
