"""Stopping an import the merchant no longer wants: at once while it waits, after a page if it runs.

A running import is asked through Redis and stops at its next page, keeping every order stored
before; a queued or retrying one (waiting for a worker, or for its next attempt) is closed at
once, and a worker that picks its job up later finds it finished. Either way the run ends
`cancelled`, not failed: nothing went wrong.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from webapp.models import SyncRun
from webapp.models.sync import CANCELLED, QUEUED, RETRYING, RUNNING
from webapp.sync import runs

CANCEL_KEY = "joorsync:cancel:{}"
CANCEL_KEPT_SECONDS = 86_400


class ImportCancelled(Exception):
    """The merchant stopped the run; the message names who."""


def cancel_import(session: Session, redis: Any, run: SyncRun, who: str) -> str:
    """Stop a queued or running import; return what happens, in words (commits)."""
    if run.status in (QUEUED, RETRYING):
        before = "before it started" if run.status == QUEUED else "before its next attempt"
        runs.finish_run(session, run, error=f"Cancelled by {who} {before}.", status=CANCELLED)
        return f"Run #{run.id} is cancelled."
    if run.status == RUNNING:
        redis.set(CANCEL_KEY.format(run.id), who, ex=CANCEL_KEPT_SECONDS)
        return f"Run #{run.id} stops after the page it is storing; the orders stored so far stay."
    return f"Run #{run.id} has already finished."


def cancel_requested(redis: Any, run_id: int) -> str | None:
    """Who asked to stop the run, or None while nobody has."""
    who = redis.get(CANCEL_KEY.format(run_id))
    return who.decode() if isinstance(who, bytes) else who


def cancelled_words(who: str, done: int) -> str:
    """The cancelled run's error line."""
    return f"Cancelled by {who} after {done:,} orders; the orders imported before then stay."
