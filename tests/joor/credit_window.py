"""The credit window the Redis budget tests use, and which one Redis's clock is in."""

from __future__ import annotations

import redis

# A long window makes crossing a window boundary mid-test rare; tests that would be fooled by
# one check for it and say so.
WINDOW = 3600.0


def window_index(client: redis.Redis) -> int:
    """The window Redis's clock is in now."""
    seconds, micros = client.time()
    return int((seconds + micros / 1e6) // WINDOW)
