"""Retry timing: exponential backoff with jitter, and reading Retry-After."""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime


def backoff_delay(attempt: int, base: float, cap: float, rng: Callable[[], float]) -> float:
    """Return the wait before retry number attempt (1-based): doubling, capped, half jittered."""
    # Half fixed, half random: spreads workers apart without ever retrying at once.
    delay = min(cap, base * 2 ** (attempt - 1))
    return delay * (0.5 + 0.5 * rng())


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Return Retry-After in seconds (it is either seconds or an HTTP-date), or None if unusable."""
    if not value:
        return None
    value = value.strip()
    try:
        seconds = float(value)
    except ValueError:
        pass
    else:
        return max(0.0, seconds) if math.isfinite(seconds) else None
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())
