"""What a run says while the JOOR client waits to try a failed call again (kept in Redis).

The notice holds the moment of the next try, and is read only until then: once the wait is
over (the call is being tried again) the page says nothing more of it, whether that try
succeeds or, failing, leaves a new notice.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from webapp.clock import now_epoch
from webapp.joor import JoorError
from webapp.joor.errors import in_about

KEY = "joorsync:run-retrying:{}"
# Kept a little longer than the wait, so a slow clock on the reading side still finds it.
MARGIN_SECONDS = 15


def retry_notice(redis: Any, run_id: int) -> Callable[[JoorError, int, float, int], None]:
    """A RetryHook that keeps, for the run's progress, what failed and when the next try is."""

    def note(error: JoorError, attempt: int, wait: float, attempts: int) -> None:
        notice = {
            "what": error.user_message.split(". ")[0].rstrip("."),
            "next": attempt + 1,
            "of": attempts,
            "at": now_epoch() + wait,
        }
        redis.set(KEY.format(run_id), json.dumps(notice), ex=round(wait) + MARGIN_SECONDS)

    return note


def retrying(redis: Any, run_id: int, *, now: float | None = None) -> str | None:
    """What the run's last retry says, while its wait lasts; None once it is over."""
    raw = redis.get(KEY.format(run_id))
    if raw is None:
        return None
    notice = json.loads(raw)
    left = notice["at"] - (now_epoch() if now is None else now)
    if left <= 0:
        return None
    return (
        f"{notice['what']}: trying again {in_about(left)} "
        f"(attempt {notice['next']} of {notice['of']})."
    )
