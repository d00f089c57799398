"""One guard against duplicate work: a short Redis claim that only one caller can take.

Two clocks ticking in the same minute, a double click, two requests racing to enqueue the
same job: each asks `claim(name, seconds)` first, and only the caller that gets True goes on.
A claim may carry a value (the id of what the winner made), so a loser can find it.
"""

from __future__ import annotations

from redis import Redis

from webapp.extensions import get_redis

PREFIX = "joorsync:claim:"


def claim(name: str, seconds: float, *, value: str = "1", redis: Redis | None = None) -> bool:
    """Take the claim `name` for `seconds`; True only for the one caller that took it."""
    ttl = max(1, int(seconds))
    return bool((redis or get_redis()).set(PREFIX + name, value, nx=True, ex=ttl))


def holder(name: str, *, redis: Redis | None = None) -> str | None:
    """The value the claim `name` was taken with, while it lasts."""
    value = (redis or get_redis()).get(PREFIX + name)
    return value.decode() if value is not None else None


def release(name: str, *, redis: Redis | None = None) -> None:
    """Give the claim `name` up before it expires (the work it guarded is under way)."""
    (redis or get_redis()).delete(PREFIX + name)
