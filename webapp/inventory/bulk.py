"""Writing many inventory items at once: upsert by code in chunks with SQLAlchemy Core."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import islice

from sqlalchemy import bindparam, insert, select, update

from webapp.extensions import db
from webapp.models import InventoryItem

CHUNK = 1000
ITEMS = InventoryItem.__table__
# Columns a row may set; a key left out of a row keeps the stored value (or the default).
COLUMNS = ("name", "upc", "price", "stock", "metadata", "variation_list")
NEW_ITEM = {
    "name": "",
    "upc": None,
    "price": None,
    "stock": 0,
    "metadata": {},
    "variation_list": {},
}


@dataclass
class UpsertResult:
    """How many items were created and updated, and whether any of them really changed."""

    created: int = 0
    updated: int = 0
    changed: bool = False  # a value a push reads is new: what JOOR should hold may differ


def _chunks(rows: Iterable[dict], size: int) -> Iterator[list[dict]]:
    """Yield lists of up to `size` rows."""
    it = iter(rows)
    while chunk := list(islice(it, size)):
        yield chunk


def upsert_items(store_id: int, rows: Iterable[dict]) -> UpsertResult:
    """Create or update items by code (codes unique in `rows`); the caller commits.

    A row holds "code" and any of COLUMNS; "metadata_merge" adds settings to the stored ones.
    """
    result = UpsertResult()
    for chunk in _chunks(rows, CHUNK):
        _upsert_chunk(store_id, chunk, result)
    return result


def _upsert_chunk(store_id: int, chunk: list[dict], result: UpsertResult) -> None:
    """Insert the chunk's new codes and update its known ones, grouped by the columns they set."""
    query = select(ITEMS.c.id, ITEMS.c.code, *(ITEMS.c[name] for name in COLUMNS)).where(
        ITEMS.c.store_id == store_id, ITEMS.c.code.in_([row["code"] for row in chunk])
    )
    known = {row.code: row._mapping for row in db.session.execute(query)}
    inserts: list[dict] = []
    updates: dict[tuple, list[dict]] = defaultdict(list)
    for row in chunk:
        values = {key: row[key] for key in COLUMNS if key in row}
        if row["code"] not in known:
            meta = {**values.get("metadata", {}), **row.get("metadata_merge", {})}
            inserts.append({**NEW_ITEM, **values, "metadata": meta, "store_id": store_id,
                            "code": row["code"]})  # fmt: skip
            continue
        stored = known[row["code"]]
        if "metadata_merge" in row:
            merged = {**values.get("metadata", stored["metadata"] or {}), **row["metadata_merge"]}
            values["metadata"] = merged
        result.changed |= any(value != stored[name] for name, value in values.items())
        updates[tuple(sorted(values))].append({**values, "b_id": stored["id"]})
    if inserts:
        db.session.execute(insert(ITEMS), inserts)
        result.created += len(inserts)
        result.changed = True
    for columns, params in updates.items():
        result.updated += len(params)
        if not columns:
            continue  # the row named only its code: nothing to change
        db.session.execute(update(ITEMS).where(ITEMS.c.id == bindparam("b_id")), params)
