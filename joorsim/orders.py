"""Seeded order generation: compact headers up front, full JOOR payloads built per page.

Headers (id, dates, status, customer, line count) are made for all N orders at start-up so
filters and paging are exact; each payload is rebuilt on demand from ``Random(f"{seed}:{index}")``,
so 20,000 orders of 10 lines cost almost nothing until a page is served.

Wire choices: ``order_id`` is a numeric *string* (``"4810001"``); money and quantities are
strings (``"12.50"``, ``"6"``); dates are ISO 8601 UTC with a ``Z`` (``2026-11-01T09:30:00Z``);
optional fields are sometimes missing, sometimes null, sometimes ``""``.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from joorsim.catalog import Catalog
from joorsim.people import (
    COMMENTS,
    CUSTOMERS,
    DELIVERIES,
    PAYMENT_METHODS,
    SALES_REPS,
    SHIPPING_METHODS,
    STREETS,
)

FIRST_ORDER_ID = 4810001
DAY = 86400
# Status mix of a typical wholesale account: mostly approved, some shipped/pending/cancelled.
STATUS_WEIGHTS = [("Approved", 0.70), ("Shipped", 0.12), ("Pending", 0.10), ("Cancelled", 0.08)]
ORDER_TYPES: dict[int, frozenset[str] | None] = {
    1: frozenset({"Notes"}),
    2: frozenset({"Approved", "Shipped"}),
    3: frozenset({"Pending"}),
    4: frozenset({"Approved", "Shipped", "Pending"}),
    5: frozenset({"Cancelled"}),
    6: frozenset({"Approved"}),
    7: frozenset({"Shipped"}),
    8: None,
}
_MISSING = object()


@dataclass(slots=True)
class OrderHeader:
    """What filters and paging need to know about one order; the payload is built later."""

    index: int
    order_id: int
    created: int
    modified: int
    type_name: str
    customer_idx: int
    customer_code: str | None
    line_count: int
    exported_modified: int | None = None
    explicit: dict[str, Any] | None = None

    def sort_key(self) -> tuple[int, int]:
        """JOOR's page order: (date_modified, order_id)."""
        return (self.modified, self.order_id)


def iso(epoch: int | float) -> str:
    """Epoch seconds as ISO 8601 UTC with a Z."""
    return datetime.fromtimestamp(int(epoch), UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def pick_status(rng: random.Random) -> str:
    """A status drawn from the typical mix."""
    r = rng.random()
    for name, weight in STATUS_WEIGHTS:
        if r < weight:
            return name
        r -= weight
    return STATUS_WEIGHTS[0][0]


def make_header(
    rng: random.Random, index: int, modified: int, lines: int | None, type_name: str | None = None
) -> OrderHeader:
    """One generated order's header, modified at the given epoch second."""
    customer_idx = rng.randrange(len(CUSTOMERS))
    code = CUSTOMERS[customer_idx].code if rng.random() > 0.03 else None
    if lines is None:
        lines = 0 if rng.random() < 0.02 else rng.randint(1, 15)
    created = modified - rng.randrange(0, 10 * DAY)
    status = type_name or pick_status(rng)
    return OrderHeader(index, 0, created, modified, status, customer_idx, code, lines)


def generate_headers(
    seed: int, count: int, anchor: int, days: int, lines: int | None
) -> list[OrderHeader]:
    """N headers with date_modified spread over the last `days` days, ids rising with date."""
    rng = random.Random(f"orders:{seed}")
    span = max(1, days * DAY)
    modified = sorted(anchor - rng.randrange(span) for _ in range(count))
    headers = [make_header(rng, i, m, lines) for i, m in enumerate(modified)]
    for i, header in enumerate(headers):
        header.order_id = FIRST_ORDER_ID + i
    return headers


def _optional(rng: random.Random, value: Any, missing: float = 0.06, null: float = 0.06) -> Any:
    """The value, or (rarely) missing, null or an empty string, as real payloads come."""
    r = rng.random()
    if r < missing:
        return _MISSING
    if r < missing + null:
        return None
    if r < missing + null + 0.03:
        return ""
    return value


def _cents(amount: int) -> str:
    """Integer cents as JOOR's money string."""
    return f"{amount / 100:.2f}"


def build_line_items(rng: random.Random, catalog: Catalog, count: int) -> list[dict[str, Any]]:
    """`count` line items drawn from the catalogue."""
    items = []
    for sku in rng.sample(catalog.skus, min(count, len(catalog.skus))):
        item = {
            "item_name": sku.name,
            "item_number": sku.style_number,
            "item_style_identifier": sku.style_identifier,
            "item_color": sku.color,
            "item_color_code": sku.color_code,
            "item_size": sku.size,
            "item_upc": sku.upc,
            "item_quantity": str(rng.randint(1, 24)),
            "item_price": sku.price,
            "item_comment": rng.choice(COMMENTS) if rng.random() < 0.1 else None,
        }
        if rng.random() < 0.05:
            del item["item_comment"]
        items.append(item)
    return items


def _totals(rng: random.Random, items: list[dict[str, Any]]) -> dict[str, str]:
    """Order money fields consistent with its lines."""
    subtotal = sum(int(i["item_quantity"]) * round(float(i["item_price"]) * 100) for i in items)
    discount = subtotal * rng.choice([0, 0, 0, 5, 10]) // 100
    shipping = rng.choice([0, 1500, 2500]) if items else 0
    return {
        "order_total": _cents(subtotal - discount + shipping),
        "order_discount": _cents(discount),
        "order_shipping_total": _cents(shipping),
    }


def _address(rng: random.Random, prefix: str, header: OrderHeader) -> dict[str, Any]:
    """Shipping or billing block for the order's customer."""
    c = CUSTOMERS[header.customer_idx]
    return {
        f"{prefix}_name": c.company,
        f"{prefix}_phone": _optional(rng, c.phone),
        f"{prefix}_email": _optional(rng, c.email),
        f"{prefix}_address_1": rng.choice(STREETS),
        f"{prefix}_address_2": _optional(rng, "Suite 2", missing=0.3, null=0.3),
        f"{prefix}_city": c.city,
        f"{prefix}_region": c.region,
        f"{prefix}_postal_code": c.postal_code,
        f"{prefix}_country": c.country,
        f"{prefix}_country_iso_two": c.iso_two,
    }


def _dates(rng: random.Random, header: OrderHeader) -> dict[str, Any]:
    """Created, approved, modified and ship-window dates (approved only once approved)."""
    approved = header.type_name in ("Approved", "Shipped")
    midpoint = header.created + (header.modified - header.created) // 2
    return {
        "date_created": iso(header.created),
        "date_approved": iso(midpoint) if approved else None,
        "date_modified": iso(header.modified),
        "date_ship_start": _optional(rng, iso(header.created + 30 * DAY)),
        "date_ship_end": _optional(rng, iso(header.created + 60 * DAY)),
    }


def _people(rng: random.Random, header: OrderHeader) -> dict[str, Any]:
    """Customer, buyer, rep and PO fields."""
    c = CUSTOMERS[header.customer_idx]
    return {
        "customer_name": c.name,
        "customer_code": header.customer_code,
        "company_name": _optional(rng, c.company),
        "customer_buyer_name": _optional(rng, c.name),
        "created_by_email": _optional(rng, c.email),
        "sales_representative": _optional(rng, rng.choice(SALES_REPS)),
        "customer_purchase_order": _optional(rng, f"PO-{header.order_id % 100000:05d}"),
    }


def build_order(header: OrderHeader, catalog: Catalog, seed: int) -> dict[str, Any]:
    """The full JOOR payload of a header (explicit orders come back as stored)."""
    if header.explicit is not None:
        return _explicit_payload(header)
    rng = random.Random(f"{seed}:{header.index}")
    items = build_line_items(rng, catalog, header.line_count)
    season = items[0]["item_style_identifier"][-4:] if items else ""
    order: dict[str, Any] = {
        "order_id": str(header.order_id),
        "order_type_name": header.type_name,
        **_dates(rng, header),
        "order_currency": CUSTOMERS[header.customer_idx].currency,
        **_totals(rng, items),
        **_people(rng, header),
        **_address(rng, "shipping", header),
        "shipping_method_name": _optional(rng, rng.choice(SHIPPING_METHODS)),
        **_address(rng, "billing", header),
        "warehouse_name": "Default",
        "warehouse_code": "DEF",
        "payment_method_name": _optional(rng, rng.choice(PAYMENT_METHODS)),
        "order_comments": rng.choice(COMMENTS) if rng.random() < 0.2 else None,
        "order_season_code": _optional(rng, season),
        "order_delivery_name": _optional(rng, rng.choice(DELIVERIES)),
        "line_items": items,
    }
    return {k: v for k, v in order.items() if v is not _MISSING}


def _explicit_payload(header: OrderHeader) -> dict[str, Any]:
    """A stored explicit order with the fields the simulator owns filled in."""
    order = dict(header.explicit or {})
    order["order_id"] = str(header.order_id)
    order["order_type_name"] = header.type_name
    order["date_modified"] = iso(header.modified)
    order.setdefault("date_created", iso(header.created))
    order.setdefault("customer_code", header.customer_code)
    order.setdefault("line_items", [])
    return order
