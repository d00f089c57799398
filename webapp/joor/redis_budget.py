"""The credit budget shared by every worker through Redis; the client object is handed in."""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from typing import Any

from webapp.joor.budget import (
    DEFAULT_LIMIT,
    DEFAULT_MAX_WAIT,
    DEFAULT_WINDOW,
    BudgetUsage,
    ShareRoom,
    check_cost,
    take_or_wait,
)

KEY_PREFIX = "joor:credits"

# One atomic step, so processes never grant more than the limit together. The window index
# comes from the Redis server's clock, so workers on hosts with skewed clocks still agree.
# KEYS[1] window key prefix, KEYS[2] penalty key, KEYS[3] share key prefix; ARGV cost (0 =
# only read), limit, window ms, share (-1: the call is not counted against a share).
# Returns {granted 0/1, used, ms until the caller may try again or the window resets,
# share used}.
_ACQUIRE_LUA = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local cost = tonumber(ARGV[1])
local limit = tonumber(ARGV[2])
local window = tonumber(ARGV[3])
local share = tonumber(ARGV[4])
local index = math.floor(now / window)
local key = KEYS[1] .. ':' .. index
local share_key = KEYS[3] .. ':' .. index
local share_used = 0
if share >= 0 then
  share_used = tonumber(redis.call('GET', share_key) or '0')
end
local blocked = redis.call('PTTL', KEYS[2])
if blocked > 0 then
  return {0, limit, blocked, share_used}
end
local reset = (index + 1) * window - now
local used = tonumber(redis.call('GET', key) or '0')
if cost == 0 then
  return {1, used, reset, share_used}
end
if used + cost > limit or (share >= 0 and share_used + cost > share) then
  return {0, used, reset, share_used}
end
used = redis.call('INCRBY', key, cost)
redis.call('PEXPIRE', key, reset + 1000)
if share >= 0 then
  share_used = redis.call('INCRBY', share_key, cost)
  redis.call('PEXPIRE', share_key, reset + 1000)
end
return {1, used, reset, share_used}
"""

# Set the penalty, but never shorten one another process set for longer.
_PENALIZE_LUA = """
local ms = tonumber(ARGV[1])
if redis.call('PTTL', KEYS[1]) < ms then
  redis.call('SET', KEYS[1], '1', 'PX', ms)
end
return 1
"""


class _Script:
    """A Lua script run through register_script when the client has it, else plain EVAL."""

    def __init__(self, client: Any, source: str) -> None:
        self._client = client
        self._source = source
        register = getattr(client, "register_script", None)
        self._registered = register(source) if register else None

    def __call__(self, keys: Sequence[str], args: Sequence[Any]) -> Any:
        if self._registered is not None:
            return self._registered(keys=list(keys), args=list(args))
        return self._client.eval(self._source, len(keys), *keys, *args)


class RedisCreditBudget:
    """A fixed-window budget per JOOR account, counted in Redis and shared by all processes."""

    def __init__(
        self,
        redis_client: Any,
        account_key: str,
        limit: int = DEFAULT_LIMIT,
        window: float = DEFAULT_WINDOW,
        *,
        sleep: Callable[[float], None] = time.sleep,
        max_wait: float = DEFAULT_MAX_WAIT,
    ) -> None:
        self.limit = limit
        self.window = window
        self.max_wait = max_wait
        self._sleep = sleep
        self._prefix = f"{KEY_PREFIX}:{account_key}"
        self._acquire = _Script(redis_client, _ACQUIRE_LUA)
        self._penalize = _Script(redis_client, _PENALIZE_LUA)

    def __repr__(self) -> str:
        return f"RedisCreditBudget(key={self._prefix!r}, limit={self.limit}, window={self.window})"

    def acquire(self, cost: int) -> None:
        """Take cost credits, sleeping until the shared window has room."""
        check_cost(cost, self.limit)

        def attempt() -> tuple[float, int]:
            granted, used, wait, _share_used = self._run(cost)
            return (0.0 if granted else max(wait, 0.001)), used  # a refusal always waits

        take_or_wait(attempt, limit=self.limit, max_wait=self.max_wait, sleep=self._sleep)

    def take_share(self, cost: int, share: int) -> tuple[float, int]:
        """Take cost credits counted against a share too: (0, share used) or (wait, used)."""
        granted, _used, wait, share_used = self._run(cost, share)
        return (0.0 if granted else max(wait, 0.001)), share_used

    def share_room(self, share: int) -> ShareRoom:
        """Credits a share may still take now (0 while a 429 holds the account off)."""
        granted, used, resets_in, share_used = self._run(0, share)
        room = min(share - share_used, self.limit - used) if granted else 0
        return ShareRoom(max(room, 0), share, resets_in)

    def usage(self) -> BudgetUsage:
        """Return the shared window's usage; a penalty counts as a full window."""
        _granted, used, resets_in, _share_used = self._run(0)
        return BudgetUsage(used, self.limit, resets_in)

    def penalize(self, retry_after: float) -> None:
        """Hold every process's acquire until retry_after seconds from now."""
        ms = math.ceil(max(retry_after, 0.0) * 1000)
        if ms > 0:
            self._penalize(keys=[f"{self._prefix}:blocked"], args=[ms])

    def _run(self, cost: int, share: int = -1) -> tuple[bool, int, float, int]:
        window_ms = max(1, round(self.window * 1000))
        keys = [self._prefix, f"{self._prefix}:blocked", f"{self._prefix}:share"]
        granted, used, ms, share_used = self._acquire(
            keys=keys, args=[cost, self.limit, window_ms, share]
        )
        return bool(int(granted)), int(used), int(ms) / 1000.0, int(share_used)
