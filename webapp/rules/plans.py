"""What an inventory push sends to JOOR: Update (what changed) or Overwrite (the snapshot)."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import islice
from typing import Literal, TypeVar

from webapp.rules.identifiers import IdentifierBuilder, payload_of_key
from webapp.rules.items import StockItem
from webapp.rules.overwrite import WarehouseState, settle_overwrite
from webapp.rules.push_plan import PlannedSku, PushPlan
from webapp.rules.skips import SkipReason, should_skip
from webapp.rules.twig import TemplateError

T = TypeVar("T")


def quantity_problem(stock: object) -> tuple[int | None, str | None]:
    """The whole, non-negative quantity to send, or the problem that prevents it."""
    if stock is None:
        return None, "has no stock count"
    if isinstance(stock, bool) or not isinstance(stock, (int, Decimal, float)):
        return None, f"stock {stock!r} is not a number"
    if isinstance(stock, (Decimal, float)) and stock != int(stock):
        return None, f"stock {stock} is not a whole number"
    if stock < 0:
        return None, f"stock {stock} is negative"
    return int(stock), None


@dataclass(slots=True)
class _Collector:
    """State while scanning items: candidates by key, first code per key, duplicates."""

    candidates: dict[str, PlannedSku] = field(default_factory=dict)
    first_code: dict[str, str] = field(default_factory=dict)
    duplicates: dict[str, list[str]] = field(default_factory=dict)
    unidentified: set[str] = field(default_factory=set)  # codes with no identifier worked out

    def claim(self, key: str, code: str) -> bool:
        """Record that `code` renders `key`; False when another item already did."""
        first = self.first_code.setdefault(key, code)
        if first == code and key not in self.duplicates:
            return True
        self.duplicates.setdefault(key, [first]).append(code)
        return False


def _scan(
    items: Iterable[StockItem],
    builder: IdentifierBuilder,
    plan: PushPlan,
    pushed: Mapping[str, int] | None,
) -> _Collector:
    """Sort items into skipped, problems or candidates (changed ones only when `pushed`)."""
    found = _Collector()
    for item in items:
        reason = should_skip(item)
        if reason is not None:
            plan.skipped.append((item.code, reason))
            continue
        try:
            identifier = builder.build(item)
        except TemplateError as error:
            plan.problems.append((item.code, str(error)))
            found.unidentified.add(item.code)
            continue
        if isinstance(identifier, SkipReason):
            # A field rendered empty: as unknown as a failed template, so JOOR keeps its count.
            plan.skipped.append((item.code, identifier))
            found.unidentified.add(item.code)
            continue
        unique = found.claim(identifier.key, item.code)
        quantity, problem = quantity_problem(item.stock)
        if problem is not None:
            plan.problems.append((item.code, problem))
        elif unique and (pushed is None or pushed.get(identifier.key) != quantity):
            found.candidates[identifier.key] = PlannedSku(
                item.code, identifier.key, quantity or 0, identifier.payload
            )
    return found


def _keep_held(found: _Collector, plan: PushPlan, held: Mapping[str, tuple[str, int]]) -> None:
    """Put back in the snapshot, at JOOR's quantity, the SKUs of items we cannot identify.

    A quantity problem is not one of them: that item's SKU is known and, left out, drops to
    zero in JOOR, which is right for a count below zero.
    """
    kept: dict[str, int] = {}  # item code -> the quantity JOOR keeps for it
    for key, (code, quantity) in held.items():
        unknown = code in found.unidentified or key in found.duplicates
        if key in found.candidates or not unknown:
            continue
        sku = PlannedSku(code, key, quantity, payload_of_key(key))
        found.candidates[key] = sku
        plan.kept.append(sku)
        for sharing in found.duplicates.get(key, [code]):
            kept[sharing] = quantity
    plan.problems = [
        (code, f"{text}; JOOR keeps the {kept[code]} it holds for it") if code in kept else
        (code, text)
        for code, text in plan.problems
    ]  # fmt: skip
    plan.skipped = [
        (code, SkipReason(r.code, f"{r.message}; JOOR keeps the {kept[code]} it holds for it"))
        if code in kept else (code, r)
        for code, r in plan.skipped
    ]  # fmt: skip


def _report_duplicates(found: _Collector, plan: PushPlan) -> None:
    """Send no item of a shared identifier; report every item that shares it."""
    for key, codes in found.duplicates.items():
        found.candidates.pop(key, None)
        for code in codes:
            others = ", ".join(c for c in codes if c != code) or code
            plan.problems.append(
                (code, f"has the same identifier ({key}) as {others}: none of them is sent")
            )


def plan_push(
    items: Iterable[StockItem],
    *,
    builder: IdentifierBuilder,
    mode: Literal["update", "overwrite"],
    warehouse: str,
    pushed: Mapping[str, int],
    known_keys: Collection[str] = (),
    held: Mapping[str, tuple[str, int]] | None = None,
    overwritten_before: bool = False,
    state: WarehouseState | None = None,
) -> PushPlan:
    """Decide one push: Update sends changed quantities, Overwrite the snapshot when needed.

    `held` is what JOOR holds by key: the item code it was last sent for and its quantity.
    An Overwrite keeps those of items it cannot identify at that quantity: a template failing
    on one item, or two items sharing an identifier, must not drop real stock from JOOR.
    `state` (Overwrite) says what JOOR is known to hold; without it every Overwrite-mode push
    is a full snapshot, a first one unless `overwritten_before`.
    """
    if mode not in ("update", "overwrite"):
        raise ValueError(f"unknown inventory mode {mode!r}")
    plan = PushPlan(mode, warehouse)
    # Update keeps only changed SKUs while scanning, so an unchanged catalogue stays small.
    found = _scan(items, builder, plan, pushed if mode == "update" else None)
    _report_duplicates(found, plan)
    if mode == "update":
        plan.send = list(found.candidates.values())
        plan.known_sku_count = len(known_keys)
        return plan
    plan.snapshot = True
    if held:
        _keep_held(found, plan, held)
    state = state or WarehouseState(overwritten_before=overwritten_before)
    settle_overwrite(plan, found.candidates, pushed, held or {}, known_keys, state)
    return plan


def batched(iterable: Iterable[T], size: int) -> Iterator[list[T]]:
    """Split into lists of at most `size` (Update pushes may be batched freely)."""
    if size < 1:
        raise ValueError("batch size must be at least 1")
    iterator = iter(iterable)
    while batch := list(islice(iterator, size)):
        yield batch
