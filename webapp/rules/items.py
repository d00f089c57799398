"""The stock item as the rules see it: a plain value built by the sync layer."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal

ITEM_FIELDS = frozenset(
    {"id", "code", "name", "upc", "price", "stock", "metadata", "variation_list"}
)


@dataclass(frozen=True, slots=True)
class StockItem:
    """One inventory item: what templates, skip rules and plans read."""

    id: int
    code: str
    name: str = ""
    upc: str | None = None
    price: Decimal | None = None
    stock: int | Decimal | None = None
    metadata: Mapping[str, str] = field(default_factory=dict)
    variation_list: Mapping[str, str] = field(default_factory=dict)
