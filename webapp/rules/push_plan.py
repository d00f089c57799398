"""A push plan's shape: the SKUs it sends and what it leaves out, before it is sent."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Literal

from webapp.rules.skips import SkipReason


@dataclass(frozen=True, slots=True)
class PlannedSku:
    """One SKU to send: the item's code, its identifier key, quantity and JOOR fields."""

    code: str
    key: str
    quantity: int
    payload: dict[str, str]


@dataclass(slots=True)
class PushPlan:
    """A push decided but not sent: what goes, what stays out and why, what Overwrite drops."""

    mode: Literal["update", "overwrite"]
    warehouse: str
    send: list[PlannedSku] = field(default_factory=list)
    skipped: list[tuple[str, SkipReason]] = field(default_factory=list)
    problems: list[tuple[str, str]] = field(default_factory=list)
    drops: list[str] = field(default_factory=list)
    kept: list[PlannedSku] = field(default_factory=list)  # Overwrite: held for problem items
    style_count: int = 0  # styles in an Overwrite snapshot; 0 for Update
    known_style_count: int = 0
    dropped_style_count: int = 0
    known_sku_count: int = 0  # SKUs JOOR holds stock for from this store
    # Overwrite mode: True while the plan is a full snapshot (its first call replaces JOOR's
    # stock), False for an Update of what changed since JOOR last held our snapshot.
    snapshot: bool = False
    full_because: str | None = None  # webapp.rules.overwrite's reason for a full snapshot
    left: list[str] = field(default_factory=list)  # item codes of the SKUs that left the set
    identifiers_changed: int = 0  # SKUs JOOR holds that the items now send under another one

    def to_json(self) -> dict[str, Any]:
        """The dry-run shape of DESIGN.md."""
        return {
            "mode": self.mode,
            "warehouse": self.warehouse,
            "send": [{"code": s.code, "inventory": s.quantity, **s.payload} for s in self.send],
            "skipped": [{"code": code, "reason": reason.message} for code, reason in self.skipped],
            "drops": list(self.drops),
            "problems": [{"code": code, "problem": text} for code, text in self.problems],
        }

    @property
    def own_count(self) -> int:
        """SKUs of this store's items in `send` (not the counts an Overwrite keeps for JOOR)."""
        return len(self.send) - len(self.kept)

    def inventory_items(self, skus: Iterable[PlannedSku]) -> list[dict[str, Any]]:
        """The bulk-inventory items JOOR takes for some of this plan's SKUs, in their order."""
        return [{"warehouse": self.warehouse, **s.payload, "inventory": s.quantity} for s in skus]
