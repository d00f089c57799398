"""Factories for rules tests."""

from __future__ import annotations

from decimal import Decimal

from webapp.rules import StockItem

STYLE_TEMPLATES = {
    "style_number": "{{ item.metadata.style|default(item.code|split('-')|first) }}",
    "style_identifier": "{{ item.metadata.season|default('NOS') }}",
    "color_code": "{{ item.variation_list.Color|default('')|upper }}",
    "size": "{{ item.variation_list.Size|default('OS') }}",
}


def make_item(
    code: str = "ST1-RED-M",
    *,
    stock: int | Decimal | None = 5,
    metadata: dict[str, str] | None = None,
    variations: dict[str, str] | None = None,
    item_id: int = 1,
    name: str = "Shirt",
) -> StockItem:
    """A stock item with sensible defaults for identifier and plan tests."""
    return StockItem(
        id=item_id,
        code=code,
        name=name,
        upc=None,
        price=Decimal("12.50"),
        stock=stock,
        metadata=metadata if metadata is not None else {"style": "ST1"},
        variation_list=variations if variations is not None else {"Color": "Red", "Size": "M"},
    )
