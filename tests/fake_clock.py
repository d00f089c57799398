"""A clock for budget and client tests that only moves when something sleeps."""

from __future__ import annotations


class FakeClock:
    """A clock that only moves when something sleeps; records every wait."""

    def __init__(self, start: float = 1000.0) -> None:
        self.now = start
        self.waits: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.waits.append(seconds)
        self.now += seconds
