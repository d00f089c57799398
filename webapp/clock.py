"""The one source of "now" for the web app and the jobs.

Every read of the current time goes through here (tests/unit/test_clock.py checks it), so a
reader finds where time comes from in one place, and a test holds or moves it with
time-machine's `time_machine` fixture instead of sleeping or accepting two answers.
Durations and deadlines of a single call use `time.monotonic()` instead: a moved or stepped
wall clock must not cut a call short. Rules (webapp/rules) never read this: they take `now`.
"""

from __future__ import annotations

from datetime import UTC, date, datetime


def utcnow() -> datetime:
    """Return the current time, timezone-aware in UTC."""
    return datetime.now(UTC)


def now_epoch() -> float:
    """Return the current time in seconds since the Unix epoch (for Redis-kept moments)."""
    return utcnow().timestamp()


def today() -> date:
    """Return today's date in UTC, the zone every stored moment is in."""
    return utcnow().date()
