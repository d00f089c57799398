"""Pushes within their share of JOOR's credits: wait for room, remember the batch JOOR takes.

Orders come first: a push may use a share of each credit window (the connection's push
share), so an import always finds credits. A push the share has no room for steps aside for
the window to reset instead of holding a worker, and changes made meanwhile join it.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from webapp.clock import utcnow
from webapp.joor.budget import WRITE_COST, ShareRoom
from webapp.models import SyncRun
from webapp.models.sync import QUEUED
from webapp.rules import PushPlan
from webapp.rules.push_cost import plan_calls

log = logging.getLogger(__name__)
BATCH_KEY = "joorsync:push-batch:{}"  # the batch JOOR took after refusing a larger one
# Forgotten after a day, so a limit JOOR raised is found again.
BATCH_MEMORY_SECONDS = 86_400
# A little past the window's reset, so the credits are there when the push comes back.
WAIT_MARGIN_SECONDS = 2
WAITING_WORDS = "Waiting for JOOR credits (orders come first), sends in about {} s."


class PushWaitingError(Exception):
    """The push steps aside until its share of JOOR's credits has room again."""

    def __init__(self, seconds: float) -> None:
        super().__init__(f"waiting {seconds:.0f}s for JOOR credits")
        self.seconds = seconds


def batch_for(redis: Any, account_key: str, default: int) -> int:
    """SKUs per call for the account: the default, or less if JOOR refused that lately."""
    try:
        learned = redis.get(BATCH_KEY.format(account_key))
    except Exception:  # noqa: BLE001 - the default is always a safe start; JOOR halves it
        return default
    return min(default, int(learned)) if learned else default


def remember_batch(redis: Any, account_key: str, size: int) -> None:
    """Start the account's next pushes at the size JOOR took, not at the one it refused."""
    log.warning("JOOR refused a bulk-inventory call as too large; sending %s SKUs a call", size)
    try:
        redis.set(BATCH_KEY.format(account_key), size, ex=BATCH_MEMORY_SECONDS)
    except Exception:  # noqa: BLE001 - halving again next time costs a call, nothing else
        log.warning("could not remember the batch size JOOR takes", exc_info=True)


def seconds_to_wait(room: ShareRoom, plan: PushPlan, batch: int) -> float | None:
    """How long the push waits before sending, or None to send now.

    A push that fits the room left goes now. One that does not waits for a fresh window, so a
    full snapshot goes in one stretch; one bigger than a whole window's share starts in a fresh
    window and carries on in the next ones.
    """
    need = plan_calls(plan, batch) * WRITE_COST
    if need <= room.room:
        return None
    if room.room < room.share or room.room < WRITE_COST:
        return room.resets_in + WAIT_MARGIN_SECONDS
    return None


def wait_for_credits(session: Session, run: SyncRun, seconds: float) -> None:
    """Show the run queued until its share has room again, saying when; commit."""
    until = utcnow() + timedelta(seconds=seconds)
    run.status, run.finished_at, run.heartbeat_at = QUEUED, None, utcnow()
    run.params = {**(run.params or {}), "waits_until": until.isoformat()}
    session.commit()


def credit_wait_left(run: SyncRun, now: datetime | None = None) -> int | None:
    """Whole seconds a queued push still waits for JOOR credits, or None if it does not."""
    until = (run.params or {}).get("waits_until") if run.status == QUEUED else None
    if not until:
        return None
    left = (datetime.fromisoformat(until) - (now or utcnow())).total_seconds()
    if left < -WAIT_MARGIN_SECONDS:
        return None  # its time has come: it waits for a worker now, which the panel says
    return max(1, round(left))
