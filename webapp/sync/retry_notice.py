"""What a run says while the JOOR client tries a failed call again (kept in Redis)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from webapp.joor import JoorError

KEY = "joorsync:run-retrying:{}"
# Kept a little longer than the wait, so the next attempt can replace or outlive it.
MARGIN_SECONDS = 15


def retry_notice(redis: Any, run_id: int) -> Callable[[JoorError, int, float, int], None]:
    """A RetryHook that keeps, for the run's progress, what failed and when the next try is."""

    def note(error: JoorError, attempt: int, wait: float, attempts: int) -> None:
        what = error.user_message.split(". ")[0].rstrip(".")
        text = f"{what}: trying again in {round(wait)} s (attempt {attempt + 1} of {attempts})."
        redis.set(KEY.format(run_id), text, ex=round(wait) + MARGIN_SECONDS)

    return note


def retrying(redis: Any, run_id: int) -> str | None:
    """What the run's last retry said, while it is current."""
    raw = redis.get(KEY.format(run_id))
    return raw.decode() if isinstance(raw, bytes) else raw
