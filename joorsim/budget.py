"""JOOR's credit budget: a fixed window per account (token) that resets whole.

A window opens at an account's first charged request and lasts ``window_seconds``; a GET
costs 1 credit, a write 5. A request that does not fit is refused (and not charged) with a
``Retry-After`` of the whole seconds until the window resets, at least 1.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass

GET_COST = 1
WRITE_COST = 5


def cost_of(method: str) -> int:
    """Credits a request of this HTTP method costs."""
    return GET_COST if method.upper() in ("GET", "HEAD") else WRITE_COST


@dataclass(slots=True)
class _Window:
    started: float
    used: int = 0


class CreditBudget:
    """Per-account credit windows read from an injectable clock (epoch seconds)."""

    def __init__(
        self,
        limit: int = 300,
        window_seconds: float = 300,
        clock: Callable[[], float] | None = None,
    ) -> None:
        self.limit, self.window_seconds = limit, window_seconds
        self.clock = clock or time.time
        self.windows: dict[str, _Window] = {}

    def _current(self, account: str) -> _Window:
        """The account's open window, starting a fresh one when the last has expired."""
        now = self.clock()
        window = self.windows.get(account)
        if window is None or now >= window.started + self.window_seconds:
            window = self.windows[account] = _Window(started=now)
        return window

    def charge(self, account: str, cost: int) -> int | None:
        """Charge the account; None when it fits, else the Retry-After seconds."""
        window = self._current(account)
        if window.used + cost > self.limit:
            left = window.started + self.window_seconds - self.clock()
            return max(1, math.ceil(left))
        window.used += cost
        return None

    def usage(self, account: str) -> dict[str, float | int]:
        """Credits used and left in the account's current window."""
        window = self._current(account)
        resets_in = max(0.0, window.started + self.window_seconds - self.clock())
        return {
            "used": window.used,
            "limit": self.limit,
            "remaining": self.limit - window.used,
            "window_seconds": self.window_seconds,
            "resets_in": round(resets_in, 3),
        }
