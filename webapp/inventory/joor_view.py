"""What JOOR sees of each item on the inventory page: its identifier and the last push."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import String, cast, or_

from webapp.extensions import db
from webapp.models import InventoryItem, JoorConnection, PushedStock
from webapp.rules import (
    Identifier,
    SkipReason,
    StockItem,
    TemplateError,
    compile_identifiers,
    should_skip,
)
from webapp.scoping import scoped
from webapp.sync.push.service import identifier_settings


@dataclass(frozen=True)
class JoorView:
    """One item as JOOR sees it: identifier text or why none, and the last pushed verdict."""

    identifier: str = ""
    problem: str = ""
    pushed: PushedStock | None = None


def stock_item(item: InventoryItem) -> StockItem:
    """Return the rules' plain value for an item."""
    return StockItem(
        id=item.id, code=item.code, name=item.name, upc=item.upc, price=item.price,
        stock=item.stock, metadata=item.item_metadata or {},
        variation_list=item.variation_list or {},
    )  # fmt: skip


def connection() -> JoorConnection | None:
    """Return the current store's JOOR connection, if it has one."""
    return db.session.scalar(scoped(JoorConnection))


def kept_out_ids(store_id: int) -> list[int]:
    """The store's items a push to JOOR leaves out by their own settings (skip_joor, skip_push).

    Only items whose settings mention a skip are read; the rules decide which are on.
    """
    candidates = db.session.scalars(
        scoped(InventoryItem).where(cast(InventoryItem.item_metadata, String).ilike("%skip%"))
    )
    return [item.id for item in candidates if should_skip(stock_item(item)) is not None]


def joor_views(items: Sequence[InventoryItem], conn: JoorConnection | None) -> dict[int, JoorView]:
    """Return each item's JOOR view; without a connection there is nothing to show."""
    if conn is None or not items:
        return {}
    try:
        builder = compile_identifiers(identifier_settings(conn))
    except (TemplateError, ValueError) as exc:
        return {item.id: JoorView(problem=f"Identifier templates: {exc}") for item in items}
    built = {item.id: _build(builder, item) for item in items}
    pushed = _pushed(conn.warehouse, items, built)
    return {
        item.id: JoorView(
            identifier=_text(built[item.id]),
            problem=built[item.id].message if isinstance(built[item.id], SkipReason) else "",
            pushed=pushed.get(item.id),
        )
        for item in items
    }


def _build(builder, item: InventoryItem) -> Identifier | SkipReason:
    """Build one identifier; a template that fails on this item reads as a reason."""
    value = stock_item(item)
    skip = should_skip(value)
    if skip is not None:
        return skip
    try:
        return builder.build(value)
    except TemplateError as exc:
        return SkipReason("template_error", str(exc))


def _text(built: Identifier | SkipReason) -> str:
    """Show an identifier as JOOR's fields joined with slashes."""
    return " / ".join(built.payload.values()) if isinstance(built, Identifier) else ""


def _pushed(warehouse: str, items, built) -> dict[int, PushedStock]:
    """Find the last push of each item in the warehouse, by identifier key or else by code."""
    keys = {b.key: item_id for item_id, b in built.items() if isinstance(b, Identifier)}
    codes = {item.code: item.id for item in items}
    rows = db.session.scalars(
        scoped(PushedStock).where(
            PushedStock.warehouse == warehouse,
            or_(PushedStock.identifier_key.in_(keys), PushedStock.item_code.in_(codes)),
        )
    )
    found: dict[int, PushedStock] = {}
    for row in rows:
        by_key = keys.get(row.identifier_key)
        if by_key is not None:
            found[by_key] = row
        elif row.item_code in codes:
            found.setdefault(codes[row.item_code], row)
    return found
