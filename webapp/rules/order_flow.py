"""Whether orders have stopped arriving for much longer than usual (pure)."""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from datetime import datetime, timedelta

from webapp.rules.health import NEEDS_ATTENTION, Verdict, duration_words

HISTORY = timedelta(days=30)
QUIET_FACTOR = 3
MIN_QUIET = timedelta(hours=24)
# Fewer orders than this in the history say nothing about what is usual.
MIN_ORDERS = 5

QUIET_FIX = (
    "Check in JOOR that retailers are placing orders and that they are approved, and that "
    "Orders to download in the JOOR settings includes them. This clears when the next order "
    "arrives."
)


def usual_gap(arrivals: Sequence[datetime]) -> timedelta | None:
    """The median gap between orders over the 30 days up to the last one, or None if too few.

    Measured up to the last arrival, not up to now, so a long quiet spell never shrinks the
    history it is judged against.
    """
    if not arrivals:
        return None
    ordered = sorted(arrivals)
    recent = [moment for moment in ordered if moment >= ordered[-1] - HISTORY]
    if len(recent) < MIN_ORDERS:
        return None
    return statistics.median(b - a for a, b in zip(recent, recent[1:], strict=False))


def judge_order_flow(arrivals: Sequence[datetime], now: datetime) -> Verdict | None:
    """Needs attention when no order came for 3 times the usual gap (at least 24 h), else None."""
    gap = usual_gap(arrivals)
    if gap is None:
        return None
    quiet = now - max(arrivals)
    if quiet <= max(QUIET_FACTOR * gap, MIN_QUIET):
        return None
    reason = (
        f"No order has arrived from JOOR for {duration_words(quiet)}; usually one comes every "
        f"{duration_words(gap)} (the median gap over the last 30 days of orders)."
    )
    return Verdict(NEEDS_ATTENTION, "orders_quiet", reason, QUIET_FIX)
