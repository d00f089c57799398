"""JOOR's credit budget: 300 credits per fixed 300-second window per account."""

from __future__ import annotations

import hashlib
import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from webapp.joor.errors import JoorRateLimitedError, in_about

DEFAULT_LIMIT = 300
DEFAULT_WINDOW = 300.0
# Longer than one whole window, so a normal wait never fails; a long Retry-After does.
DEFAULT_MAX_WAIT = 330.0

READ_COST = 1
WRITE_COST = 5
# The share (percent) of each window pushes may use by default: the rest is kept for orders.
DEFAULT_PUSH_SHARE = 60


def cost_of(method: str) -> int:
    """Return JOOR's credit cost of one request: GET 1, any write 5."""
    return READ_COST if method.upper() in ("GET", "HEAD") else WRITE_COST


def account_key_for(token: str) -> str:
    """Return a short, stable key for a token's account that does not reveal the token."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()[:16]


@dataclass(frozen=True)
class BudgetUsage:
    """Credits spent in the current window, the limit, and seconds until the window resets."""

    used: int
    limit: int
    resets_in: float


@dataclass(frozen=True)
class ShareRoom:
    """Credits a share may still take in the current window, its whole size, and the reset."""

    room: int
    share: int
    resets_in: float


def share_credits(limit: int, percent: int) -> int:
    """The credits a percent of the window comes to (at least one write's)."""
    return max(WRITE_COST, limit * percent // 100)


class CreditShareSpentError(JoorRateLimitedError):
    """A call would pass its share of the credit window (or the window is full): it waits."""

    default_user_message = (
        "The JOOR credits pushes may use in this window are spent (orders come first): "
        "the push goes on when the window resets."
    )


class CreditBudget(Protocol):
    """What the client needs from a budget; memory and Redis implementations follow it."""

    def acquire(self, cost: int) -> None:
        """Take cost credits, sleeping until the window has room; raise if that is too long."""

    def usage(self) -> BudgetUsage:
        """Return the current window's usage."""

    def penalize(self, retry_after: float) -> None:
        """Treat the window as exhausted for retry_after seconds (JOOR answered 429)."""


def check_cost(cost: int, limit: int) -> None:
    """Refuse a cost no window could ever grant, instead of waiting forever."""
    if cost < 1 or cost > limit:
        raise ValueError(f"credit cost {cost} must be between 1 and the limit {limit}")


def take_or_wait(
    attempt: Callable[[], tuple[float, int]],
    *,
    limit: int,
    max_wait: float,
    sleep: Callable[[float], None],
) -> None:
    """Call attempt() -> (seconds to wait, credits used) until it grants (wait <= 0).

    Sleeps what each refusal says, and refuses a wait longer than max_wait instead.
    """
    while True:
        wait, used = attempt()
        if wait <= 0:
            return
        if wait > max_wait:
            raise too_long(wait, max_wait, used, limit)
        sleep(wait)


def too_long(wait: float, max_wait: float, used: int, limit: int) -> JoorRateLimitedError:
    """Build the error for a wait longer than the caller accepts."""
    return JoorRateLimitedError(
        f"JOOR credit window full ({used}/{limit}); next room in {wait:.1f}s "
        f"exceeds the maximum wait {max_wait:.1f}s",
        retry_after=wait,
        status=None,
        user_message=(
            "JOOR's rate limit for this account is used up (300 credits per 5 minutes); "
            f"it resets {in_about(wait)}."
        ),
    )


class MemoryCreditBudget:
    """A budget for one process: fixed windows on an injectable clock, safe across threads."""

    def __init__(
        self,
        limit: int = DEFAULT_LIMIT,
        window: float = DEFAULT_WINDOW,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
        max_wait: float = DEFAULT_MAX_WAIT,
    ) -> None:
        self.limit = limit
        self.window = window
        self.max_wait = max_wait
        self._clock = clock
        self._sleep = sleep
        self._lock = threading.Lock()
        self._index = -1
        self._used = 0
        self._share_used = 0
        self._blocked_until = 0.0

    def __repr__(self) -> str:
        return f"MemoryCreditBudget(limit={self.limit}, window={self.window})"

    def acquire(self, cost: int) -> None:
        """Take cost credits, sleeping until the window has room."""
        check_cost(cost, self.limit)

        def attempt() -> tuple[float, int]:
            with self._lock:
                return self._try_take(cost), self._used

        take_or_wait(attempt, limit=self.limit, max_wait=self.max_wait, sleep=self._sleep)

    def usage(self) -> BudgetUsage:
        """Return the current window's usage; a penalty counts as a full window."""
        with self._lock:
            now = self._roll()
            if now < self._blocked_until:
                return BudgetUsage(self.limit, self.limit, self._blocked_until - now)
            return BudgetUsage(self._used, self.limit, self._window_end() - now)

    def penalize(self, retry_after: float) -> None:
        """Hold every acquire until retry_after seconds from now (never shortens a penalty)."""
        with self._lock:
            now = self._roll()
            self._blocked_until = max(self._blocked_until, now + max(retry_after, 0.0))

    def take_share(self, cost: int, share: int) -> tuple[float, int]:
        """Take cost credits counted against a share too: (0, share used) or (wait, used)."""
        with self._lock:
            now = self._roll()
            if now < self._blocked_until:
                return self._blocked_until - now, self._share_used
            if self._share_used + cost > share or self._used + cost > self.limit:
                return self._window_end() - now, self._share_used
            self._used += cost
            self._share_used += cost
            return 0.0, self._share_used

    def share_room(self, share: int) -> ShareRoom:
        """Credits a share may still take now (0 while a 429 holds the account off)."""
        with self._lock:
            now = self._roll()
            if now < self._blocked_until:
                return ShareRoom(0, share, self._blocked_until - now)
            room = min(share - self._share_used, self.limit - self._used)
            return ShareRoom(max(room, 0), share, self._window_end() - now)

    def _try_take(self, cost: int) -> float:
        """Take the credits and return 0, or return the seconds to wait; call under the lock."""
        now = self._roll()
        if now < self._blocked_until:
            return self._blocked_until - now
        if self._used + cost > self.limit:
            return self._window_end() - now
        self._used += cost
        return 0.0

    def _roll(self) -> float:
        """Move to the window holding now, emptying it when a new one starts; return now."""
        now = self._clock()
        index = math.floor(now / self.window)
        if index != self._index:
            self._index, self._used, self._share_used = index, 0, 0
        return now

    def _window_end(self) -> float:
        return (self._index + 1) * self.window


class SharedBudget:
    """An account's budget as pushes see it: at most a share of each window, and no waiting.

    The rest of each window stays for order imports. Instead of sleeping in a worker, a call
    the share (or the window, or a 429 hold) has no room for raises CreditShareSpentError
    saying when there will be room, so the push can step aside and come back.
    """

    def __init__(self, budget: Any, percent: int) -> None:
        self._budget = budget
        self.limit = budget.limit
        self.share = share_credits(budget.limit, percent)

    def __repr__(self) -> str:
        return f"SharedBudget({self._budget!r}, share={self.share})"

    def acquire(self, cost: int) -> None:
        """Take cost credits within the share now, or raise CreditShareSpentError."""
        check_cost(cost, self.share)
        wait, used = self._budget.take_share(cost, self.share)
        if wait > 0:
            raise CreditShareSpentError(
                f"push share of JOOR credits spent ({used}/{self.share}); room in {wait:.1f}s",
                retry_after=wait,
                status=None,
            )

    def room(self) -> ShareRoom:
        """The credits the share may still take in this window."""
        return self._budget.share_room(self.share)

    def usage(self) -> BudgetUsage:
        """The account's whole usage, as every budget reports it."""
        return self._budget.usage()

    def penalize(self, retry_after: float) -> None:
        """JOOR answered 429: the whole account holds off."""
        self._budget.penalize(retry_after)
