"""Order and item rows in the DBAPI's own form on SQLite, so a page's inserts skip SQLAlchemy's
per-value processing (the import's hottest loop). Other dialects use the typed tables."""

from __future__ import annotations

import json
from json.encoder import encode_basestring_ascii as _quote
from typing import Any

from sqlalchemy import JSON, column, insert, table

from webapp.models import Order, OrderItem

ORDERS = Order.__table__
ITEMS = OrderItem.__table__


class RowEncoder:
    """SQLite rows already in the DBAPI's form, so a page's inserts skip per-value processing.

    Each column is converted with SQLAlchemy's own bind processor for the dialect, so the
    stored values are the same as through the typed table; JSON columns holding flat dicts of
    strings are written with the json module's quoting (byte for byte what json.dumps gives,
    without its per-call set-up, which dominated ten lines' worth of small dicts).
    """

    _by_dialect: dict[int, RowEncoder] = {}

    def __init__(self, dialect: Any) -> None:
        self.orders = table(ORDERS.name, *(column(c.key) for c in ORDERS.c))
        self._order_convert = _converters(ORDERS, dialect)
        self._item_convert = _converters(ITEMS, dialect)
        untyped_items = table(ITEMS.name, *(column(key) for key, _ in self._item_convert))
        compiled = insert(untyped_items).compile(dialect=dialect)
        self.items_sql = str(compiled)
        keys = dict(self._item_convert)
        self._item_order = [(key, keys[key]) for key in compiled.positiontup]

    @classmethod
    def for_dialect(cls, dialect: Any) -> RowEncoder | None:
        """The encoder for SQLite with its default JSON serializer; None means use the table."""
        if dialect.name != "sqlite" or getattr(dialect, "_json_serializer", None) is not None:
            return None
        encoder = cls._by_dialect.get(id(dialect))
        if encoder is None:
            encoder = cls._by_dialect[id(dialect)] = cls(dialect)
        return encoder

    def order_row(self, row: dict[str, Any]) -> dict[str, Any]:
        """An orders row with every value as the DBAPI takes it."""
        return {
            key: (convert(row[key]) if convert else row[key])
            for key, convert in self._order_convert
        }

    def item_row(self, row: dict[str, Any]) -> tuple:
        """An order_items row as a tuple in the INSERT's parameter order."""
        return tuple(
            convert(row[key]) if convert else row[key] for key, convert in self._item_order
        )


def _converters(source: Any, dialect: Any) -> list[tuple[str, Any]]:
    """(column key, bind processor or None) for each column but the generated id."""
    converters = []
    for col in source.c:
        if col.primary_key:
            continue
        if isinstance(col.type, JSON):
            converters.append((col.key, _json_text))
        else:
            converters.append((col.key, col.type.dialect_impl(dialect).bind_processor(dialect)))
    return converters


def _json_text(value: Any) -> str:
    """json.dumps(value), built directly for a flat dict of strings (the common case)."""
    if value.__class__ is not dict:
        return json.dumps(value)
    parts = []
    for key, text in value.items():
        if key.__class__ is not str or text.__class__ is not str:
            return json.dumps(value)
        parts.append(f"{_quote(key)}: {_quote(text)}")
    return "{" + ", ".join(parts) + "}"
