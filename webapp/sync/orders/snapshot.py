"""An order as `webapp.rules.order_diff` compares it: from a mapped JOOR order or from its rows.

Both forms give the same plain values for the same order (money at cents as text, days as ISO
text, JSON as dicts), so a difference is a change, never a difference of form. Line codes are
left out: the Item Identifier setting derives them from the UPC and style each line keeps.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import orjson
from sqlalchemy import select
from sqlalchemy.orm import Session

from webapp.models import Order, OrderItem
from webapp.sync.orders.mapping import ORDER_COLUMNS, MappedOrder

# The order's text fields: status to currency, as ORDER_COLUMNS holds them, and comments.
SNAPSHOT_FIELDS = (
    *ORDER_COLUMNS[ORDER_COLUMNS.index("status") : ORDER_COLUMNS.index("total")],
    "comments",
)
MONEY_FIELDS = ("total", "discount", "shipping_total")
DAY_FIELDS = ("ship_start", "ship_end")
JSON_FIELDS = ("shipping_address", "billing_address", "metadata")
_CENT = Decimal("0.01")


def mapped_snapshot(mapped: MappedOrder, *, lines_sent: bool = True) -> dict[str, Any]:
    """The snapshot of an order as mapped from JOOR's payload."""
    row = mapped.order
    snapshot: dict[str, Any] = {key: row[key] for key in SNAPSHOT_FIELDS}
    snapshot |= {key: _cents(row[key]) for key in MONEY_FIELDS}
    snapshot |= {key: row[key] for key in DAY_FIELDS}
    snapshot |= {key: orjson.loads(row[key]) for key in JSON_FIELDS}
    lines = [mapped.item(index) for index in range(len(mapped.items))]
    snapshot["lines"] = [_mapped_line(line) for line in lines] if lines_sent else None
    return snapshot


def _mapped_line(line: dict[str, Any]) -> dict[str, Any]:
    return {
        "name": line["name"],
        "quantity": line["quantity"],
        "price": _cents(line["price"]),
        "variation_list": orjson.loads(line["variation_list"]),
        "metadata": orjson.loads(line["metadata"]),
    }


def stored_snapshots(session: Session, order_ids: list[int]) -> dict[int, dict[str, Any]]:
    """The snapshots of orders as stored here (their lines too), by order id: two queries."""
    names = (*SNAPSHOT_FIELDS, *MONEY_FIELDS, *DAY_FIELDS, "shipping_address", "billing_address")
    columns = [getattr(Order, name) for name in names]
    query = select(Order.id, Order.order_metadata, *columns).where(Order.id.in_(order_ids))
    snapshots = {}
    for order_id, metadata, *values in session.execute(query):
        row = dict(zip(names, values, strict=True))
        snapshot = {key: row[key] for key in SNAPSHOT_FIELDS}
        snapshot |= {key: _cents(row[key]) for key in MONEY_FIELDS}
        snapshot |= {key: row[key].isoformat() if row[key] else None for key in DAY_FIELDS}
        snapshot |= {key: dict(row[key] or {}) for key in ("shipping_address", "billing_address")}
        snapshots[order_id] = snapshot | {"metadata": dict(metadata or {}), "lines": []}
    items = (
        select(OrderItem.order_id, OrderItem.name, OrderItem.quantity, OrderItem.price,
               OrderItem.variation_list, OrderItem.item_metadata)
        .where(OrderItem.order_id.in_(order_ids))
        .order_by(OrderItem.order_id, OrderItem.position)
    )  # fmt: skip
    for order_id, name, quantity, price, variation, metadata in session.execute(items):
        line = {"name": name, "quantity": quantity, "price": _cents(price)}
        line |= {"variation_list": dict(variation or {}), "metadata": dict(metadata or {})}
        snapshots[order_id]["lines"].append(line)
    return snapshots


def _cents(amount: Any) -> str | None:
    """Money as text at cents ("12.5", 12.5 and Decimal("12.50") all read "12.50")."""
    if amount is None:
        return None
    return str(Decimal(str(amount)).quantize(_CENT))
