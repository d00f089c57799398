"""Inventory push service: plan a store's push, send it within the credit budget, record it."""

from __future__ import annotations

import contextlib
import logging
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from redis.exceptions import LockError
from sqlalchemy.orm import Session

from webapp.clock import utcnow
from webapp.joor import (
    JoorError,
    JoorMalformedResponseError,
    JoorRateLimitedError,
    JoorTransientError,
)
from webapp.models import JoorConnection, SyncRun
from webapp.models.sync import AWAITING_CONFIRMATION, KIND_INVENTORY
from webapp.rules import (
    PushPlan,
    TemplateError,
    empty_overwrite,
    should_confirm_overwrite,
)
from webapp.sync.connection.clients import ClientFactory
from webapp.sync.connection.state import (
    get_connection,
    record_failure,
    record_success,
    remember_dialect,
)
from webapp.sync.push.basis import (
    last_full_overwrite,
    note_snapshot,
    note_update_mode,
)
from webapp.sync.push.credits import (
    PushWaitingError,
    batch_for,
    remember_batch,
    seconds_to_wait,
    wait_for_credits,
)
from webapp.sync.push.kind import confirm_message, describe
from webapp.sync.push.outcome import record_unsent, run_error
from webapp.sync.push.planning import build_plan as build_plan
from webapp.sync.push.planning import dry_run as dry_run
from webapp.sync.push.planning import identifier_settings as identifier_settings
from webapp.sync.push.planning import resumed_from
from webapp.sync.push.planning import settings_for as settings_for
from webapp.sync.push.sending import UPDATE_BATCH, PushPausedError, send_plan
from webapp.sync.push.stock_source import CountedItems, iter_stock_items
from webapp.sync.retry_notice import retry_notice
from webapp.sync.runs import create_run, finish_run, queue_again, start_run

log = logging.getLogger(__name__)
SYNC_OFF = "Sync Inventory is off: nothing was pushed."
NO_WAREHOUSE = "Set a Default Warehouse before pushing stock."
UNEXPECTED = "The push stopped on an unexpected error; it will be tried again."
BUSY = "Another inventory push for this store is still sending; this one follows when it ends."
NOTHING_TO_SEND = "Nothing was sent: no count differs from what JOOR last accepted."
EMPTY_OVERWRITE = (
    "Nothing was sent: no item of this store can go in the Overwrite snapshot (each one is "
    "skipped or has a problem; the run's events say which), and an Overwrite without them "
    "would set the {warehouse} warehouse in JOOR to zero. JOOR keeps the stock it holds."
)
# Errors a later attempt may not see: the job re-raises them so RQ retries.
RETRYABLE = (JoorTransientError, JoorRateLimitedError, JoorMalformedResponseError)
LOCK_SECONDS = 1800
# Under runs.STALE_AFTER, so a run waiting for the lock is never taken for abandoned.
LOCK_WAIT_SECONDS = 60


class PushRefusedError(Exception):
    """Nothing may be sent; the message says why in the merchant's words."""


class ConfirmationNeededError(PushRefusedError):
    """An Overwrite that goes out only with a person's yes (a first one, or a large drop)."""


class PushBusyError(Exception):
    """Another push of the same store holds the lock."""


@dataclass
class PushSummary:
    """The outcome of one push run, as the CLI prints it."""

    run_id: int
    status: str
    counts: dict[str, int] = field(default_factory=dict)
    skipped_by_reason: dict[str, int] = field(default_factory=dict)
    error: str = ""
    notice: str = ""

    def to_json(self) -> dict[str, Any]:
        """One JSON line: DESIGN.md's keys first, then the detail."""
        c = self.counts
        return {
            "run_id": self.run_id,
            "status": self.status,
            "sent": c.get("sent", 0),
            "passed": c.get("passed", 0),
            "failed": c.get("failed", 0),
            "skipped": c.get("skipped", 0),
            "skipped_by_reason": dict(self.skipped_by_reason),
            "problems": c.get("problems", 0),
            "dropped": c.get("dropped", 0),
            "error": self.error,
            "notice": self.notice,
        }


def refusal(conn: JoorConnection) -> str | None:
    """Why this connection may not push now, in words, or None."""
    if not conn.sync_inventory:
        return SYNC_OFF
    if not conn.warehouse.strip():
        return NO_WAREHOUSE
    return None


@contextlib.contextmanager
def store_push_lock(
    redis: Any, store_id: int, *, wait: float = LOCK_WAIT_SECONDS
) -> Iterator[None]:
    """Hold the store's push lock (separate from the import lock) so pushes never overlap."""
    lock = redis.lock(f"joorsync:lock:push:{store_id}", timeout=LOCK_SECONDS, blocking=True,
                      blocking_timeout=wait)  # fmt: skip
    if not lock.acquire():
        raise PushBusyError(BUSY)
    try:
        yield
    finally:
        with contextlib.suppress(LockError):  # expired while running: nothing left to release
            lock.release()


def create_push_run(
    session: Session,
    store_id: int,
    *,
    trigger: str,
    full: bool = False,
    confirmed: bool = False,
    created_by: str = "",
    items: list[str] | None = None,
) -> SyncRun:
    """Record a queued inventory run (committed) so the panel shows it at once.

    `items`: the codes of the items whose changes asked for it, if the changes named them.
    """
    params = {"trigger": trigger, "full": full, "confirmed": confirmed}
    if items is not None:
        params["items"] = items
    return create_run(session, store_id, KIND_INVENTORY, params, created_by=created_by)


def run_push(
    session: Session,
    factory: ClientFactory,
    run_id: int,
    *,
    full: bool = False,
    confirmed: bool = False,
    explicit: bool = True,
    job_id: str = "",
    batch_size: int = UPDATE_BATCH,
    lock_wait: float = LOCK_WAIT_SECONDS,
) -> PushSummary:
    """Run one recorded push; retryable failures are recorded on the run, then re-raised."""
    run = session.get(SyncRun, run_id)
    if run is None:
        raise LookupError(f"no sync run {run_id}")
    start_run(session, run, job_id=job_id)
    by_reason: Counter = Counter()
    options = {"full": full, "confirmed": confirmed, "explicit": explicit, "batch": batch_size}
    try:
        with store_push_lock(factory.redis, run.store_id, wait=lock_wait):
            _push(session, factory, run, by_reason, **options)
    except ConfirmationNeededError as exc:
        _fail(session, run, str(exc), status=AWAITING_CONFIRMATION)
    except PushRefusedError as exc:
        _fail(session, run, str(exc))
    except JoorError as exc:
        _joor_failed(session, run, exc)
        if isinstance(exc, RETRYABLE):
            raise
    except PushWaitingError as exc:
        # Not a failure: the job comes back when the share has room (the caller's part).
        wait_for_credits(session, run, exc.seconds)
        raise
    except PushBusyError:
        # Not a failure: the job comes back once the other push is done (the caller's part).
        session.rollback()
        queue_again(session, run, note=BUSY)
        raise
    except Exception:
        log.exception("store %s push run %s stopped", run.store_id, run_id)
        _fail(session, run, UNEXPECTED)
        raise
    log.info("store %s push run %s %s: %s", run.store_id, run.id, run.status, run.counts)
    return PushSummary(
        run.id, run.status, dict(run.counts or {}), dict(by_reason), run.error,
        (run.params or {}).get("notice", ""),
    )  # fmt: skip


def _push(
    session: Session, factory: ClientFactory, run: SyncRun, by_reason: Counter, **options: Any
) -> None:
    """Check, plan, confirm, wait for credits, record what stays out, send, finish the run."""
    conn = get_connection(session, run.store_id)
    reason = refusal(conn)
    if reason == SYNC_OFF and not options["explicit"]:
        # Sync was switched off after this push was scheduled: nothing to do, nothing wrong.
        run.params = {**(run.params or {}), "notice": SYNC_OFF}
        finish_run(session, run)
        return
    if reason:
        raise PushRefusedError(reason)
    on_retry = retry_notice(factory.redis, run.id)
    client = factory.for_connection(conn, on_retry=on_retry, share=conn.push_share)
    items = CountedItems(iter_stock_items(session, conn.store_id))
    resumed = resumed_from(run)
    try:
        plan = build_plan(session, conn, full=options["full"], items=items, resumed_from=resumed)
    except TemplateError as exc:
        raise PushRefusedError(f"Nothing was pushed: {exc}") from exc
    last_full = last_full_overwrite(conn, conn.warehouse)
    sends = describe(plan, full=options["full"], last_full=last_full)
    run.params = {**(run.params or {}), "mode": plan.mode, "sends": sends}
    _check_overwrite(session, run, plan, options["confirmed"], by_reason)
    batch = batch_for(factory.redis, conn.account_key, options["batch"])
    wait = seconds_to_wait(client.budget.room(), plan, batch)
    if wait is not None:
        raise PushWaitingError(wait)
    # An Update of a few edits names the skipped items among them; full pushes name them all.
    asked = None if options["full"] else run.params.get("items")
    by_reason.update(record_unsent(session, run, plan, asked=asked))
    stamp = utcnow()
    totals = _send(session, factory, client, conn, run, plan, stamp, batch)
    record_success(conn)
    remember_dialect(conn, client.dialect)
    if options["full"]:
        conn.last_full_push_at = resumed or stamp
    if plan.mode == "update":
        note_update_mode(conn, plan.warehouse)
    error = run_error(session, run, plan, totals, items.count)
    quiet = not plan.send and not plan.problems and not plan.snapshot and not options["full"]
    if quiet and not error:
        # The edit that scheduled it changed nothing JOOR holds (a rename, say): say so.
        run.params = {**run.params, "notice": NOTHING_TO_SEND}
    finish_run(session, run, error=error)


def _check_overwrite(
    session: Session, run: SyncRun, plan: PushPlan, confirmed: bool, by_reason: Counter
) -> None:
    """Refuse a snapshot that needs a yes it does not have, or that would carry none of ours."""
    if should_confirm_overwrite(plan) and not confirmed:
        raise ConfirmationNeededError(confirm_message(plan))
    if empty_overwrite(plan):
        by_reason.update(record_unsent(session, run, plan))
        raise PushRefusedError(EMPTY_OVERWRITE.format(warehouse=plan.warehouse))


def _send(
    session: Session,
    factory: ClientFactory,
    client: Any,
    conn: JoorConnection,
    run: SyncRun,
    plan: PushPlan,
    stamp: datetime,
    batch: int,
) -> Counter:
    """Send the plan; on a pause, note where a full push carries on and step aside."""
    sent_before = (run.counts or {}).get("sent", 0)
    settings = identifier_settings(conn)
    try:
        return send_plan(
            session, client, run, plan, stamp, batch_size=batch,
            on_snapshot=lambda: note_snapshot(conn, plan.warehouse, settings, stamp),
            on_smaller_batch=lambda size: remember_batch(factory.redis, conn.account_key, size),
        )  # fmt: skip
    except PushPausedError as paused:
        record_success(conn)
        if (run.counts or {}).get("sent", 0) > sent_before and run.params.get("full"):
            # Its next attempt sends only what this one did not (see build_plan).
            run.params = {**run.params, "resumed_from": resumed_from(run, stamp).isoformat()}
        session.commit()
        raise PushWaitingError(paused.retry_after) from paused


def _fail(session: Session, run: SyncRun, message: str, status: str = "") -> None:
    """Finish the run failed (or in `status`) with words, whatever the session went through."""
    session.rollback()
    finish_run(session, run, error=message, status=status)


def _joor_failed(session: Session, run: SyncRun, error: JoorError) -> None:
    """Note JOOR's failure on the connection (a refused token marks it failing) and the run."""
    session.rollback()
    record_failure(get_connection(session, run.store_id), error)
    finish_run(session, run, error=error.user_message)
