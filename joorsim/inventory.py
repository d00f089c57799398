"""Bulk inventory: Update and Overwrite semantics per warehouse, with per-SKU verdicts.

A SKU is known when its ``upc`` is in the catalogue (UPC items) or its four style fields
(``style_number``, ``style_identifier``, ``color_code``, ``size``) match a catalogue SKU
(style items; used when the item has no ``upc``). ``inventory`` must be a non-negative JSON
integer (booleans, floats and strings fail). Update changes only the listed SKUs; Overwrite
(``overwrite=1``) also drops every other SKU of each warehouse that appears in a passing
item of the call. Stock is kept per UPC; a dropped SKU disappears from the read-back.
Items are applied in order, so a SKU sent twice ends with its last quantity. With
``account=True`` (the ``account-overwrite`` dialect) an Overwrite drops every unnamed SKU of
every warehouse of the account.
"""

from __future__ import annotations

from typing import Any

from joorsim.catalog import Catalog, Sku

STYLE_FIELDS = ("style_number", "style_identifier", "color_code", "size")
DEFAULT_WAREHOUSES = ("Default", "Secondary")


class InventoryBook:
    """Stock per warehouse and UPC, plus a record of every push; SimState locks around it."""

    def __init__(
        self,
        catalog: Catalog,
        warehouses: tuple[str, ...] = DEFAULT_WAREHOUSES,
        initial_stock: bool = False,
    ) -> None:
        self.catalog = catalog
        self.warehouses = tuple(warehouses)
        self.stock: dict[str, dict[str, int]] = {w: {} for w in self.warehouses}
        self.pushes: list[dict[str, Any]] = []
        self.log_seq = 0
        if initial_stock:
            # Deterministic demo stock in the first warehouse, so Overwrite has something to drop.
            self.stock[self.warehouses[0]] = {
                sku.upc: (int(sku.upc[-4:-1]) % 40) for sku in catalog.skus
            }

    def _sku_label(self, item: dict[str, Any]) -> str:
        """The verdict's ``sku``: the UPC, or the four style fields joined by '|'."""
        if item.get("upc") not in (None, ""):
            return str(item["upc"])
        return "|".join(str(item.get(f) or "") for f in STYLE_FIELDS)

    def _resolve(self, item: Any) -> tuple[Sku | None, str]:
        """The item's catalogue SKU, or None with the reason it fails."""
        if not isinstance(item, dict):
            return None, "item must be an object"
        warehouse = item.get("warehouse")
        if warehouse in (None, ""):
            return None, "missing field: warehouse"
        if warehouse not in self.warehouses:
            return None, f"unknown warehouse: {warehouse}"
        inventory = item.get("inventory")
        if isinstance(inventory, bool) or not isinstance(inventory, int) or inventory < 0:
            return None, f"inventory must be a non-negative integer, got {inventory!r}"
        if item.get("upc") not in (None, ""):
            sku = self.catalog.find_upc(str(item["upc"]))
            return sku, "" if sku else f"unknown upc: {item['upc']}"
        missing = [f for f in STYLE_FIELDS if item.get(f) in (None, "")]
        if missing:
            return None, "missing field(s): upc or " + ", ".join(missing)
        sku = self.catalog.find_style(*(str(item[f]) for f in STYLE_FIELDS))
        return sku, "" if sku else f"unknown style: {self._sku_label(item)}"

    def apply(
        self,
        items: list[Any],
        overwrite: bool = False,
        dec_pending: bool = False,
        *,
        account: bool = False,
    ) -> dict[str, Any]:
        """Apply one bulk-inventory call and return JOOR's response body."""
        log, present = [], set()
        for item in items:
            sku, reason = self._resolve(item)
            self.log_seq += 1
            label = self._sku_label(item) if isinstance(item, dict) else ""
            entry = {"sku": label, "inventory_log_id": f"il-{self.log_seq:07d}"}
            if sku is None:
                log.append({**entry, "status": "fail", "message": reason})
                continue
            present.add(item["warehouse"])
            self.stock[item["warehouse"]][sku.upc] = item["inventory"]
            log.append({**entry, "status": "pass", "message": "inventory updated"})
        if overwrite and present:
            # JOOR's reference says "for the account": every warehouse, in that reading.
            self._drop_unsent(items, log, set(self.warehouses) if account else present)
        self.pushes.append(
            {"overwrite": overwrite, "dec_pending": dec_pending, "items": items, "log": log}
        )
        return {"sku_count": len(log), "inventory_log": log}

    def _drop_unsent(self, items: list[Any], log: list[dict], present: set[str]) -> None:
        """Overwrite: drop every SKU of a present warehouse that no passing item named."""
        kept: dict[str, set[str]] = {w: set() for w in present}
        for item, verdict in zip(items, log, strict=True):
            if verdict["status"] == "pass":
                sku, _ = self._resolve(item)
                kept[item["warehouse"]].add(sku.upc)  # type: ignore[union-attr]
        for warehouse in present:
            stock = self.stock[warehouse]
            for upc in [u for u in stock if u not in kept[warehouse]]:
                del stock[upc]

    def read(self, warehouse: str) -> list[dict[str, Any]]:
        """Current stock of a warehouse in catalogue order, with each SKU's identifiers."""
        stock = self.stock.get(warehouse, {})
        return [
            {**sku.identifiers(), "inventory": stock[sku.upc]}
            for sku in self.catalog.skus
            if sku.upc in stock
        ]
