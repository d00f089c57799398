"""Overwrite mode: a full snapshot only when JOOR may not hold ours, and when it needs a yes."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass

from webapp.rules.identifiers import style_of_key
from webapp.rules.push_plan import PlannedSku, PushPlan

# Dropping more than this share of the SKUs JOOR holds from us in one Overwrite needs a yes.
CONFIRM_DROP_SHARE = 0.2

# Why an Overwrite-mode push sends the full snapshot rather than an Update of what changed.
FIRST = "first"  # no Overwrite from this store has reached the warehouse
IDENTIFIERS = "identifiers"  # new identifier settings give SKUs JOOR holds another identifier
ASKED = "asked"  # the daily heal, or a person
SETTINGS = "settings"  # identifier settings changed since the last full Overwrite
UNSYNCED = "unsynced"  # no full Overwrite with these settings since Update-mode pushes
LEFT = "left"  # SKUs JOOR holds from us left the set: deleted, skipped, identifier changed


@dataclass(frozen=True, slots=True)
class WarehouseState:
    """What is known of the warehouse in JOOR before an Overwrite-mode push."""

    overwritten_before: bool = False  # an Overwrite from this store has reached it
    synced: bool = False  # JOOR holds our snapshot: full Overwrite, same settings, Updates since
    settings_changed: bool = False  # identifier settings differ from the last full Overwrite's
    full: bool = False  # a full Overwrite was asked for (the daily heal, a person)


def settle_overwrite(
    plan: PushPlan,
    candidates: Mapping[str, PlannedSku],
    pushed: Mapping[str, int],
    held: Mapping[str, tuple[str, int]],
    known_keys: Collection[str],
    state: WarehouseState,
) -> None:
    """Decide a full snapshot or an Update of the changed SKUs, and count what a snapshot drops.

    Once JOOR holds our snapshot, an Update of what changed leaves it holding exactly what a
    new Overwrite would: the Overwrite's other effect, zeroing what is absent, is done. That
    stops being true when a SKU JOOR holds from us leaves the set.
    """
    plan.known_sku_count = len(known_keys)
    plan.known_style_count = len({style_of_key(key) for key in known_keys})
    plan.send = list(candidates.values())
    gone = sorted(set(known_keys) - candidates.keys())
    # A snapshot of none of our own items is never sent (see empty_overwrite): it drops nothing.
    plan.drops = gone if plan.own_count else []
    plan.left = [held[key][0] for key in gone if key in held]
    plan.identifiers_changed = _identifiers_changed(candidates, held)
    plan.full_because = _full_because(plan, state, bool(gone))
    if plan.full_because is None:
        plan.snapshot = False
        plan.drops, plan.kept = [], []
        plan.send = [sku for sku in plan.send if pushed.get(sku.key) != sku.quantity]
        return
    snapshot_styles = {style_of_key(key) for key in candidates}
    plan.style_count = len(snapshot_styles)
    if plan.drops:
        known_styles = {style_of_key(key) for key in known_keys}
        plan.dropped_style_count = len(known_styles - snapshot_styles)


def _identifiers_changed(
    candidates: Mapping[str, PlannedSku], held: Mapping[str, tuple[str, int]]
) -> int:
    """SKUs JOOR holds for an item that is in the snapshot under another identifier now."""
    key_of_code = {sku.code: sku.key for sku in candidates.values()}
    return sum(
        1
        for key, (code, _quantity) in held.items()
        if key not in candidates and key_of_code.get(code, key) != key
    )


def _full_because(plan: PushPlan, state: WarehouseState, gone: bool) -> str | None:
    """Why the snapshot must go whole, or None when an Update of what changed is enough."""
    if not state.overwritten_before:
        return FIRST
    if state.settings_changed and plan.identifiers_changed:
        return IDENTIFIERS
    if state.full:
        return ASKED
    if state.settings_changed:
        return SETTINGS
    if not state.synced:
        return UNSYNCED
    return LEFT if gone else None


def first_overwrite(plan: PushPlan) -> bool:
    """True for a snapshot whose drops nobody can know: JOOR's stock cannot be read.

    The warehouse's first Overwrite from this store (Update pushes only ever added to it), or
    one after the identifier settings gave SKUs JOOR holds from us new identifiers: any SKU
    JOOR holds there that is not among those sent is set to zero.
    """
    if plan.mode != "overwrite" or not plan.snapshot or not plan.send:
        return False
    return plan.full_because in (FIRST, IDENTIFIERS)


def should_confirm_overwrite(plan: PushPlan) -> bool:
    """True when a snapshot needs a yes: a first one, or one dropping over a fifth of our SKUs."""
    if first_overwrite(plan):
        return True
    if plan.mode != "overwrite" or not plan.snapshot or plan.known_sku_count <= 0:
        return False
    return len(plan.drops) > plan.known_sku_count * CONFIRM_DROP_SHARE


def empty_overwrite(plan: PushPlan) -> bool:
    """True for a snapshot with none of this store's items to send while JOOR holds stock.

    With nothing at all, the call names no warehouse, and JOOR documents Overwrite as replacing
    the account's inventory with what the call holds. With only the counts kept for items we
    cannot identify, it would send nothing of ours and set the rest of the warehouse to zero.
    Either way it is never sent.
    """
    if plan.mode != "overwrite" or not plan.snapshot or plan.own_count:
        return False
    return bool(plan.kept) or plan.known_style_count > 0
