"""What changed in a JOOR order between two readings of it, field by field, in words.

Both readings are snapshots: plain dicts holding the order's fields as this store keeps them
(text, money as "12.50", days as "2026-03-01", addresses and details as dicts) and its
`lines`, each a dict of name, quantity, price, variation_list and metadata. Lines are matched
by the SKU they name (UPC, else style number, colour code and size), not by their place, so a
line removed does not read as every later line changed. `lines` None means JOOR sent none:
then the lines are not compared.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

Snapshot = dict[str, Any]

CANCELLED = "Cancelled"
# The order's own fields, as the order page labels them.
FIELD_LABELS = (
    ("status", "Status"),
    ("customer_name", "Customer"),
    ("company_name", "Company"),
    ("customer_code", "Customer code"),
    ("email", "Email"),
    ("po_number", "PO"),
    ("currency", "Currency"),
)
MONEY_LABELS = (("total", "Total"), ("discount", "Discount"), ("shipping_total", "Shipping"))
ADDRESS_LABELS = (("shipping_address", "Shipping address"), ("billing_address", "Billing address"))
# The order's details (its metadata) as the order page and its history name them. PO and order
# type repeat fields above, so a change lists them there, not here.
DETAIL_LABELS = {
    "po_number": "PO",
    "order_type": "Order type",
    "season": "Season",
    "delivery": "Delivery",
    "warehouse": "Warehouse",
    "warehouse_code": "Warehouse code",
    "payment_method": "Payment method",
    "sales_rep": "Sales rep",
    "buyer": "Buyer",
    "created_by_email": "Placed by",
    "shipping_method": "Shipping method",
    "date_approved": "Approved",
}
REPEATED_DETAILS = frozenset({"po_number", "order_type"})
LONG_TEXT = 60


def describe_changes(before: Snapshot, after: Snapshot) -> list[str]:
    """Each difference from `before` to `after` as one sentence, order fields first."""
    words = [
        f"{label} {_shown(before.get(key))} → {_shown(after.get(key))}"
        for key, label in FIELD_LABELS
        if before.get(key) != after.get(key)
    ]
    words += _window_change(before, after)
    currency = after.get("currency") or ""
    words += [
        f"{label} {_money(before.get(key), currency)} → {_money(after.get(key), currency)}"
        for key, label in MONEY_LABELS
        if before.get(key) != after.get(key)
    ]
    for key, label in ADDRESS_LABELS:
        words += _dict_changes(label + " ", before.get(key) or {}, after.get(key) or {})
    words += _detail_changes(before.get("metadata") or {}, after.get("metadata") or {})
    if before.get("comments") != after.get("comments"):
        words.append(f"Comments {_shown(before.get('comments'))} → {_shown(after.get('comments'))}")
    if after.get("lines") is not None:
        words += line_changes(before.get("lines") or [], after["lines"])
    return words


def is_cancellation(before: Snapshot, after: Snapshot) -> bool:
    """True when JOOR cancelled an order that was not cancelled when last read."""
    return after.get("status") == CANCELLED and before.get("status") != CANCELLED


def ship_window(start: str | None, end: str | None) -> str:
    """A ship window as "2026-03-01–31" (same month), "2026-03-01–04-15" or "(none)"."""
    if not start and not end:
        return "(none)"
    if not end:
        return f"from {start}"
    if not start:
        return f"until {end}"
    if start[:7] == end[:7]:
        return f"{start}–{end[8:]}"
    if start[:4] == end[:4]:
        return f"{start}–{end[5:]}"
    return f"{start}–{end}"


def _window_change(before: Snapshot, after: Snapshot) -> list[str]:
    old = ship_window(before.get("ship_start"), before.get("ship_end"))
    new = ship_window(after.get("ship_start"), after.get("ship_end"))
    return [f"Ship window {old} → {new}"] if old != new else []


def _detail_changes(before: dict, after: dict) -> list[str]:
    """The order's details that changed, labelled as the order page labels them."""
    words = []
    for key in sorted(before.keys() | after.keys()):
        if key in REPEATED_DETAILS or before.get(key) == after.get(key):
            continue
        label = DETAIL_LABELS.get(key, key.replace("_", " ").capitalize())
        words.append(f"{label} {_shown(before.get(key))} → {_shown(after.get(key))}")
    return words


def _dict_changes(prefix: str, before: dict, after: dict) -> list[str]:
    """Changed keys of an address block: "Shipping address city Zürich → Basel"."""
    return [
        f"{prefix}{key.replace('_', ' ')} {_shown(before.get(key))} → {_shown(after.get(key))}"
        for key in sorted(before.keys() | after.keys())
        if before.get(key) != after.get(key) and not key.endswith("iso_two")
    ]


def line_changes(before: list[dict], after: list[dict]) -> list[str]:
    """Lines changed, added and removed, matched by the SKU they name."""
    waiting: dict[tuple, list[tuple[int, dict]]] = defaultdict(list)
    for position, line in enumerate(before, 1):
        waiting[line_key(line)].append((position, line))
    words, added = [], []
    for position, line in enumerate(after, 1):
        matches = waiting.get(line_key(line))
        if not matches:
            added.append(f"Line added: {_line_text(position, line)}")
            continue
        _, old = matches.pop(0)
        words += _same_line_changes(line_label(position, line), old, line)
    removed = sorted(pair for pairs in waiting.values() for pair in pairs)
    words += added
    words += [f"Line removed: {_line_text(position, line)}" for position, line in removed]
    return words


def _same_line_changes(label: str, old: dict, new: dict) -> list[str]:
    words = []
    if old.get("quantity") != new.get("quantity"):
        words.append(f"{label} quantity {old.get('quantity')} → {new.get('quantity')}")
    if old.get("price") != new.get("price"):
        words.append(f"{label} price {_money(old.get('price'))} → {_money(new.get('price'))}")
    if old.get("name") != new.get("name"):
        words.append(f"{label} name {_shown(old.get('name'))} → {_shown(new.get('name'))}")
    old_colour, new_colour = (_variation(line, "Color") for line in (old, new))
    if old_colour != new_colour:
        words.append(f"{label} colour {_shown(old_colour)} → {_shown(new_colour)}")
    old_comment, new_comment = (_meta(line, "comment") for line in (old, new))
    if old_comment != new_comment:
        words.append(f"{label} comment {_shown(old_comment)} → {_shown(new_comment)}")
    return words


def line_key(line: dict) -> tuple:
    """The SKU a line names: its UPC, else its style number, colour code and size."""
    upc = _meta(line, "upc")
    if upc:
        return ("upc", upc)
    return (
        "style",
        _meta(line, "style_number"),
        _meta(line, "color_code"),
        _variation(line, "Size"),
    )


def line_label(position: int, line: dict) -> str:
    """How a change names a line: "Line 2 (UPC 0123…)" or "Line 2 (style ST-1-NV-M)"."""
    upc = _meta(line, "upc")
    if upc:
        return f"Line {position} (UPC {upc})"
    parts = (_meta(line, "style_number"), _meta(line, "color_code"), _variation(line, "Size"))
    style = "-".join(part for part in parts if part)
    return f"Line {position} (style {style})" if style else f"Line {position}"


def _line_text(position: int, line: dict) -> str:
    """A whole line in words: "Line 4 (UPC 0123) Wool coat, quantity 6 at 99.50"."""
    name = f" {line['name']}" if line.get("name") else ""
    price = f" at {_money(line.get('price'))}" if line.get("price") is not None else ""
    return f"{line_label(position, line)}{name}, quantity {line.get('quantity')}{price}"


def _meta(line: dict, key: str) -> str:
    return str((line.get("metadata") or {}).get(key) or "")


def _variation(line: dict, key: str) -> str:
    return str((line.get("variation_list") or {}).get(key) or "")


def _money(amount: str | None, currency: str = "") -> str:
    if amount is None:
        return "(none)"
    return f"{amount} {currency}".strip()


def _shown(value: Any) -> str:
    """A value in a sentence: empty as "(none)", long text cut short."""
    if value is None or value == "":
        return "(none)"
    text = str(value)
    return text if len(text) <= LONG_TEXT else text[: LONG_TEXT - 1] + "…"
