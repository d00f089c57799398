"""Plain make_* factories for tests."""

from __future__ import annotations

import itertools

from webapp.extensions import db
from webapp.models import InventoryItem, Store
from webapp.stores import create_store

PASSWORD = "correct horse battery"
_seq = itertools.count(1)


def make_store(slug: str | None = None, email: str | None = None) -> Store:
    """Create a store with its folders and one user whose password is PASSWORD."""
    n = next(_seq)
    slug = slug or f"store-{n}"
    return create_store(slug, f"Store {slug}", email or f"owner-{slug}@example.com", PASSWORD)


def make_item(store: Store, code: str, stock: int = 5, **fields) -> InventoryItem:
    """Create an inventory item in the store."""
    item = InventoryItem(store_id=store.id, code=code, name=fields.pop("name", code), stock=stock)
    item.item_metadata = fields.pop("metadata", {})
    item.variation_list = fields.pop("variation_list", {})
    for key, value in fields.items():
        setattr(item, key, value)
    db.session.add(item)
    db.session.commit()
    return item
