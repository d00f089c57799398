"""JOOR order payload -> rows for `orders` and `order_items`, ready for the DBAPI.

Item code: the line's UPC when the store's Item Identifier is "upc"; otherwise the style
number, colour code and size joined with "-" (empty parts left out). Either way the other
form is the fallback, so a line missing its UPC still imports; a line with neither fails the
order. Each field's value is read as `order_fields` says.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

import orjson

from webapp.sync.dbapi import json_text
from webapp.sync.orders.fields import (
    MappingError,
    field_day,
    field_moment,
    field_money,
    field_quantity,
    field_text,
    shown,
)

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
    "joor_fingerprint",
)
# What the fingerprint covers: the order's fields from status to comments (not JOOR's payload
# nor its dates of record), and each line from its name on: not its code, which the Item
# Identifier setting derives from the UPC and style kept in the line's metadata.
FINGERPRINTED = slice(ORDER_COLUMNS.index("status"), ORDER_COLUMNS.index("payload"))
MAX_SOURCE_ID = 64  # the length of orders.source_id
NO_ORDER_ID = (
    "JOOR sent this order without its order id, so it is not imported: nothing would tell it "
    "apart from the same order sent again. Ask JOOR support to look at the order (its PO "
    "number and customer are named here)."
)
ITEM_COLUMNS = ("position", "code", "name", "quantity", "price", "variation_list", "metadata")


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
    reason = type_reason(payload, order_type)
    if reason is None and not payload.get("line_items"):
        return "no line items"
    return reason


def type_reason(payload: dict[str, Any], order_type: str) -> str | None:
    """Why the order's type is not one the store downloads, or None when it is."""
    type_name = field_text(payload.get("order_type_name"))
    admitted = ADMITTED_TYPES.get(order_type, ADMITTED_TYPES["all_but_cancelled"])
    if type_name == CANCELLED:
        return "wrong type: the order is cancelled"
    if type_name in KNOWN_TYPE_NAMES and type_name not in admitted:
        return f"wrong type: {type_name} orders are not downloaded with this setting"
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
    row = _order_row(payload, source_id)
    return MappedOrder(source_id, (*row, fingerprint(row, items)), items)


def fingerprint(row: tuple, items: list[tuple]) -> str:
    """A hash of what an order's mapped fields say, to tell a changed JOOR order at a glance."""
    lines = [item[2:] for item in items]  # a line's position is its place in the list
    # SHA-1 runs in hardware on today's CPUs: the quickest of hashlib's here (not a secret).
    digest = hashlib.sha1(orjson.dumps((row[FINGERPRINTED], lines)), usedforsecurity=False)
    return digest.hexdigest()


def source_id_of(payload: dict[str, Any]) -> str:
    """The order's JOOR id as stored here (trimmed text); MappingError when it cannot be one.

    A number or text of up to MAX_SOURCE_ID characters; anything else (a float, as JSON
    decoders make of integers too large for 64 bits, or an id too long to store whole) would
    be stored under another order's id or cut, and so is refused.
    """
    raw = payload.get("order_id")
    if id_missing(raw):
        raise MappingError(NO_ORDER_ID)
    text = str(raw).strip() if raw.__class__ is int or raw.__class__ is str else ""
    if not text or len(text) > MAX_SOURCE_ID:
        raise MappingError(f"JOOR sent an order id this store cannot keep: {shown(raw)[:100]}")
    return text


def id_missing(raw: Any) -> bool:
    """True when JOOR sent no order id at all (absent, null or blank), not an odd one."""
    return raw is None or (raw.__class__ is str and not raw.strip())


def _order_row(p: dict[str, Any], source_id: str) -> tuple:
    """The ORDER_COLUMNS values that come from the payload (all but the fingerprint)."""
    get = p.get
    email = get("billing_email") or get("shipping_email") or get("created_by_email")
    metadata = {key: field_text(get(field)) for key, field in METADATA_FIELDS.items() if get(field)}
    return (
        SOURCE_NAME,
        source_id,
        field_text(get("order_type_name"), 64),
        field_text(get("customer_name"), 255),
        field_text(get("company_name"), 255),
        field_text(get("customer_code"), 100),
        field_text(email, 254),
        field_text(get("customer_purchase_order"), 100),
        field_text(get("order_currency"), 8),
        field_money(get("order_total"), "The order total"),
        field_money(get("order_discount"), "The discount"),
        field_money(get("order_shipping_total"), "The shipping total"),
        field_day(get("date_ship_start"), "The ship start date"),
        field_day(get("date_ship_end"), "The ship end date"),
        json_text(_address(p, "shipping")),
        json_text(_address(p, "billing")),
        json_text(metadata),
        field_text(get("order_comments")),
        json_text(p),
        field_moment(get("date_created"), "The date created"),
        field_moment(get("date_modified"), "The date modified"),
    )


def _map_item(line: Any, position: int, identifier: str) -> tuple:
    """One ITEM_COLUMNS row; each field is read once (the import's hottest loop)."""
    if line.__class__ is not dict:
        raise MappingError("JOOR sent it in a form that is not a line item")
    get = line.get
    upc, number = field_text(get("item_upc")), field_text(get("item_number"))
    color_code, size = field_text(get("item_color_code")), field_text(get("item_size"))
    metadata = {
        "style_number": number,
        "style_identifier": field_text(get("item_style_identifier")),
        "color_code": color_code,
        "upc": upc,
    }
    comment = get("item_comment")
    if comment:
        metadata["comment"] = field_text(comment)
    return (
        position,
        _code(upc, (number, color_code, size), identifier),
        field_text(get("item_name"), 255),
        field_quantity(get("item_quantity")),
        field_money(get("item_price"), "the price"),
        json_text({"Color": field_text(get("item_color")), "Size": size}),
        json_text(metadata),
    )


def _line_name(line: Any, position: int) -> str:
    """How an error names a line: "Line 2 (style ST-1)" or "Line 2 (UPC 0123…)"."""
    if line.__class__ is dict:
        number, upc = field_text(line.get("item_number")), field_text(line.get("item_upc"))
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


def _address(p: dict[str, Any], prefix: str) -> dict[str, str]:
    """A shipping or billing block, without its empty fields."""
    get = p.get
    block = {}
    for field in ADDRESS_FIELDS:
        text = field_text(get(f"{prefix}_{field}"))
        if text:
            block[field] = text
    return block
