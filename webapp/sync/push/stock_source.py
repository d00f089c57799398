"""Stream a store's inventory items from the database as the rules' StockItem values."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from webapp.models import InventoryItem
from webapp.rules import StockItem

# Rows fetched per round trip: big enough to be quick, small enough that 100k items stay light.
STREAM_BATCH = 1000

_COLUMNS = (
    InventoryItem.id,
    InventoryItem.code,
    InventoryItem.name,
    InventoryItem.upc,
    InventoryItem.price,
    InventoryItem.stock,
    InventoryItem.item_metadata,
    InventoryItem.variation_list,
)


def pushed_fields(item: InventoryItem) -> tuple:
    """What a push reads of an item: when any of it changes, what JOOR should hold may too."""
    return tuple(getattr(item, column.key) for column in _COLUMNS[1:])


def _text_map(value: Any) -> dict[str, str]:
    """A JSON column as name -> text (the API may have stored numbers or nulls)."""
    if not isinstance(value, Mapping):
        return {}
    return {str(k): "" if v is None else str(v) for k, v in value.items()}


def iter_stock_items(
    session: Session, store_id: int, *, batch: int = STREAM_BATCH
) -> Iterator[StockItem]:
    """Yield the store's items in id order, reading plain columns (no ORM objects kept)."""
    query = (
        select(*_COLUMNS)
        .where(InventoryItem.store_id == store_id)
        .order_by(InventoryItem.id)
        .execution_options(yield_per=batch)
    )
    for row in session.execute(query):
        yield StockItem(
            id=row.id,
            code=row.code,
            name=row.name or "",
            upc=row.upc,
            price=row.price,
            stock=row.stock,
            metadata=_text_map(row.item_metadata),
            variation_list=_text_map(row.variation_list),
        )


class CountedItems:
    """Iterate the store's items, counting them (the plan keeps no count of unchanged ones)."""

    def __init__(self, items: Iterable[StockItem]) -> None:
        self._items = items
        self.count = 0

    def __iter__(self) -> Iterator[StockItem]:
        for item in self._items:
            self.count += 1
            yield item
