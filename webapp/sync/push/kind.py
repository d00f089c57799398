"""A push in words: which kind it is and why, and what a person must confirm before it goes."""

from __future__ import annotations

from datetime import UTC, datetime

from webapp.clock import utcnow
from webapp.rules import PushPlan, first_overwrite
from webapp.rules import overwrite as why

NAMED_LEFT = 3  # items named when SKUs left the set; the run's events name them all
HOW_TO_CONFIRM = "Confirm it with Push inventory now on the panel, or run `joor push --yes`."


def _skus(count: int) -> str:
    return f"{count:,} SKU{'s' if count != 1 else ''}"


def _clock(moment: datetime, now: datetime) -> str:
    """A moment as "10:42 UTC" today, else with its day."""
    moment = moment.astimezone(UTC) if moment.tzinfo else moment.replace(tzinfo=UTC)
    if moment.date() == now.astimezone(UTC).date():
        return moment.strftime("%H:%M UTC")
    return moment.strftime("%Y-%m-%d %H:%M UTC")


def full_reason(plan: PushPlan) -> str:
    """Why an Overwrite-mode push sends the whole snapshot, in words."""
    if plan.full_because == why.FIRST:
        return f"the first Overwrite from this store to the {plan.warehouse} warehouse"
    if plan.full_because == why.IDENTIFIERS:
        return (
            f"new identifier settings give {_skus(plan.identifiers_changed)} JOOR holds "
            "another identifier"
        )
    if plan.full_because == why.ASKED:
        return "a full push was asked for"
    if plan.full_because == why.SETTINGS:
        return "the identifier settings changed since the last full push"
    if plan.full_because == why.UNSYNCED:
        return "no full Overwrite with these settings since Update mode was last used"
    named = ", ".join(plan.left[:NAMED_LEFT])
    more = f" and {len(plan.left) - NAMED_LEFT:,} more" if len(plan.left) > NAMED_LEFT else ""
    return (
        f"{_skus(len(plan.left))} left the set (deleted, skipped or given another "
        f"identifier): {named}{more}"
    )


def describe(
    plan: PushPlan, *, full: bool, last_full: datetime | None, now: datetime | None = None
) -> str:
    """What the push sends and why: "Update of 3 SKUs (Overwrite mode: JOOR already holds ...)"."""
    now = now or utcnow()
    count = _skus(len(plan.send))
    if plan.mode == "update":
        return f"every item (full push): {count}" if full else f"Update of {count} (what changed)"
    if plan.snapshot:
        return f"Full Overwrite of {count} ({full_reason(plan)})"
    since = f", last full push {_clock(last_full, now)}" if last_full else ""
    return f"Update of {count} (Overwrite mode: JOOR already holds the rest{since})"


def _dropped(plan: PushPlan) -> str:
    """How much of what JOOR holds from us the snapshot drops: SKUs, and styles in style mode."""
    text = f"{len(plan.drops):,} of the {_skus(plan.known_sku_count)}"
    if any(key.startswith("style:") for key in plan.drops):
        text += f" ({plan.dropped_style_count:,} of {plan.known_style_count:,} styles)"
    return text


def confirm_message(plan: PushPlan) -> str:
    """What the merchant must confirm before a first or a large Overwrite goes out."""
    if plan.full_because == why.IDENTIFIERS and first_overwrite(plan):
        return (
            f"Nothing was sent: {full_reason(plan)}, and JOOR's stock cannot be read, so this "
            f"Overwrite is treated as a first one: it would drop {_dropped(plan)} this store "
            f"has pushed to the {plan.warehouse} warehouse, and any other SKU JOOR holds there "
            f"that is not among these {len(plan.send):,}. {HOW_TO_CONFIRM}"
        )
    if first_overwrite(plan):
        return (
            f"Nothing was sent: this would be the first Overwrite from this store to the "
            f"{plan.warehouse} warehouse, and JOOR's stock there cannot be read, so any SKU it "
            f"holds that is not among these {len(plan.send):,} would be set to zero. "
            f"{HOW_TO_CONFIRM}"
        )
    return (
        f"Nothing was sent: this Overwrite would drop {_dropped(plan)} this store has "
        f"pushed to JOOR. {HOW_TO_CONFIRM}"
    )
