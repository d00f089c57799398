"""Inventory push service: plan a store's push, send it within the credit budget, record it."""

from __future__ import annotations

import contextlib
import logging
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from redis.exceptions import LockError
from sqlalchemy.orm import Session

from webapp.joor import (
    JoorError,
    JoorMalformedResponseError,
    JoorRateLimitedError,
    JoorTransientError,
)
from webapp.models import JoorConnection, SyncRun
from webapp.models.base import utcnow
from webapp.models.sync import AWAITING_CONFIRMATION, KIND_INVENTORY
from webapp.rules import (
    IdentifierSettings,
    PushPlan,
    StockItem,
    TemplateError,
    compile_identifiers,
    empty_overwrite,
    first_overwrite,
    plan_push,
    should_confirm_overwrite,
)
from webapp.sync.connection import ClientFactory, get_connection, record_failure, record_success
from webapp.sync.push_outcome import record_unsent, run_error
from webapp.sync.push_sending import UPDATE_BATCH, send_plan
from webapp.sync.pushed_stock import load_pushed
from webapp.sync.retry_notice import retry_notice
from webapp.sync.runs import create_run, finish_run, queue_again, start_run
from webapp.sync.stock_source import CountedItems, iter_stock_items

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


def identifier_settings(conn: JoorConnection) -> IdentifierSettings:
    """The connection's Item Identifier choice as the rules take it."""
    return settings_for(conn.identifier, conn.templates())


def settings_for(identifier: str | None, templates: Mapping[str, str]) -> IdentifierSettings:
    """An Item Identifier choice as the rules take it: the templates count only for style."""
    mode = "style" if identifier == "style" else "upc"
    return IdentifierSettings(mode, dict(templates) if mode == "style" else {})


def build_plan(
    session: Session,
    conn: JoorConnection,
    *,
    full: bool = False,
    items: Iterable[StockItem] | None = None,
) -> PushPlan:
    """Plan the store's push (TemplateError on a bad template); full Update re-sends all."""
    builder = compile_identifiers(identifier_settings(conn))
    state = load_pushed(session, conn.store_id, conn.warehouse)
    return plan_push(
        iter_stock_items(session, conn.store_id) if items is None else items,
        builder=builder,
        mode="overwrite" if conn.inventory_mode == "overwrite" else "update",
        warehouse=conn.warehouse,
        pushed={} if full else state.pushed,
        known_keys=state.known_keys,
        held=state.held,
        overwritten_before=conn.has_overwritten(conn.warehouse),
    )


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


def confirm_message(plan: PushPlan) -> str:
    """What the merchant must confirm before a first or a large Overwrite goes out."""
    how = "Confirm it with Push inventory now on the panel, or run `joor push --yes`."
    if first_overwrite(plan):
        return (
            f"Nothing was sent: this would be the first Overwrite from this store to the "
            f"{plan.warehouse} warehouse, and JOOR's stock there cannot be read, so any SKU it "
            f"holds that is not among these {len(plan.send):,} would be set to zero. {how}"
        )
    return (
        f"Nothing was sent: this Overwrite would drop {plan.dropped_style_count} of the "
        f"{plan.known_style_count} styles this store has pushed to JOOR. {how}"
    )


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


def dry_run(session: Session, store_id: int, *, full: bool = False) -> dict[str, Any]:
    """The plan a push would send now, in DESIGN.md's shape; sends nothing."""
    return build_plan(session, get_connection(session, store_id), full=full).to_json()


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
    """Check, plan, confirm, record what stays out, send, and finish the run."""
    conn = get_connection(session, run.store_id)
    reason = refusal(conn)
    if reason == SYNC_OFF and not options["explicit"]:
        # Sync was switched off after this push was scheduled: nothing to do, nothing wrong.
        run.params = {**(run.params or {}), "notice": SYNC_OFF}
        finish_run(session, run)
        return
    if reason:
        raise PushRefusedError(reason)
    client = factory.for_connection(conn, on_retry=retry_notice(factory.redis, run.id))
    items = CountedItems(iter_stock_items(session, conn.store_id))
    try:
        plan = build_plan(session, conn, full=options["full"], items=items)
    except TemplateError as exc:
        raise PushRefusedError(f"Nothing was pushed: {exc}") from exc
    run.params = {**(run.params or {}), "mode": plan.mode}
    if should_confirm_overwrite(plan) and not options["confirmed"]:
        raise ConfirmationNeededError(confirm_message(plan))
    if empty_overwrite(plan):
        by_reason.update(record_unsent(session, run, plan))
        raise PushRefusedError(EMPTY_OVERWRITE.format(warehouse=plan.warehouse))
    # An Update of a few edits names the skipped items among them; full pushes name them all.
    asked = None if options["full"] else run.params.get("items")
    by_reason.update(record_unsent(session, run, plan, asked=asked))
    stamp = utcnow()
    totals = send_plan(session, client, run, plan, stamp, batch_size=options["batch"])
    record_success(conn)
    if options["full"]:
        conn.last_full_push_at = stamp
    if plan.mode == "overwrite" and totals["sent"]:
        conn.note_overwritten(plan.warehouse)  # JOOR's stock there is this snapshot now
    error = run_error(session, run, plan, totals, items.count)
    quiet = not plan.send and not plan.problems and plan.mode == "update" and not options["full"]
    if quiet and not error:
        # The edit that scheduled it changed nothing JOOR holds (a rename, say): say so.
        run.params = {**run.params, "notice": NOTHING_TO_SEND}
    finish_run(session, run, error=error)


def _fail(session: Session, run: SyncRun, message: str, status: str = "") -> None:
    """Finish the run failed (or in `status`) with words, whatever the session went through."""
    session.rollback()
    finish_run(session, run, error=message, status=status)


def _joor_failed(session: Session, run: SyncRun, error: JoorError) -> None:
    """Note JOOR's failure on the connection (a refused token marks it failing) and the run."""
    session.rollback()
    record_failure(get_connection(session, run.store_id), error)
    finish_run(session, run, error=error.user_message)
