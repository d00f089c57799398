"""One import at a time per store: a Redis lock with expiry, named after the run holding it.

The value is `run:<run_id>:<random>`, so the clock can free the lock of a run it has declared
abandoned (its worker was killed) without waiting for the expiry. A holder that finds its lock
gone stops at the next page (LockLostError): somebody else now owns the store's import.
"""

from __future__ import annotations

import contextlib
import uuid
from typing import Any

from redis.exceptions import LockError, LockNotOwnedError

# Refreshed after every page; long enough for a slow page, short enough that a killed
# worker's lock frees itself within the two minutes recovery promises.
LOCK_SECONDS = 90
_RELEASE_IF_RUN = """
local value = redis.call('get', KEYS[1])
if value and string.sub(value, 1, string.len(ARGV[1])) == ARGV[1] then
  return redis.call('del', KEYS[1])
end
return 0
"""


class LockLostError(Exception):
    """The store lock expired or was taken away while this run held it."""


def lock_key(store_id: int) -> str:
    """Return the Redis key of the store's import lock."""
    return f"joorsync:store-import:{store_id}"


class StoreLock:
    """The store's import lock, held on behalf of one run."""

    def __init__(self, redis: Any, store_id: int, run_id: int, timeout: int = LOCK_SECONDS):
        self.redis = redis
        self.store_id = store_id
        self.token = f"run:{run_id}:{uuid.uuid4().hex}"
        self._lock = redis.lock(lock_key(store_id), timeout=timeout, thread_local=False)

    def acquire(self, wait: float = 0) -> bool:
        """Take the lock, waiting up to `wait` seconds; return whether we hold it."""
        return bool(
            self._lock.acquire(blocking=wait > 0, blocking_timeout=wait or None, token=self.token)
        )

    def extend(self) -> None:
        """Reset the expiry (called with every page's heartbeat); raise LockLostError if gone."""
        try:
            self._lock.reacquire()
        except (LockNotOwnedError, LockError) as exc:
            raise LockLostError(f"store {self.store_id} import lock was lost") from exc

    def release(self) -> None:
        """Free the lock if we still hold it."""
        with contextlib.suppress(LockError):
            self._lock.release()


def lock_holder(redis: Any, store_id: int) -> int | None:
    """Return the id of the run holding the store's lock, or None when it is free."""
    value = redis.get(lock_key(store_id))
    if not value:
        return None
    parts = value.decode().split(":")
    return int(parts[1]) if len(parts) == 3 and parts[1].isdigit() else None


def release_for_run(redis: Any, store_id: int, run_id: int) -> bool:
    """Free the store's lock if the given run holds it (the clock, for an abandoned run)."""
    return bool(redis.eval(_RELEASE_IF_RUN, 1, lock_key(store_id), f"run:{run_id}:"))
