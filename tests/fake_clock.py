"""A clock for budget, client and simulator tests: it moves only when told or slept on."""

from __future__ import annotations


class FakeClock:
    """An epoch clock that moves only by `advance` or `sleep`; records every wait slept."""

    def __init__(self, start: float = 1000.0) -> None:
        self.now = float(start)
        self.waits: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.waits.append(seconds)
        self.now += seconds

    def advance(self, seconds: float) -> None:
        self.now += seconds
