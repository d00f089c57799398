"""Run an order import (poll or manual) end to end: lock, plan, import, record the outcome.

Jobs and the CLI call `import_run`; it holds the store lock for the whole run, records every
failure on the run in words, and on a JOOR refusal marks the connection failing (which stops
polls). A poll that completes moves the store's watermark; a manual import never does.
"""

from __future__ import annotations

import logging
from datetime import date
from functools import partial
from typing import Any

from sqlalchemy import Select, delete, exists, func, or_, select
from sqlalchemy.orm import Session, aliased

from webapp.clock import today, utcnow
from webapp.joor import JoorError
from webapp.models import Folder, JoorConnection, Order, OrderChange, SyncEvent, SyncRun
from webapp.models.sync import CANCELLED, KIND_FETCH, KIND_MANUAL, KIND_POLL
from webapp.sync import runs
from webapp.sync.connection.clients import ClientFactory
from webapp.sync.connection.settings import schedule_next_poll
from webapp.sync.connection.state import (
    get_connection,
    record_failure,
    record_success,
    remember_dialect,
)
from webapp.sync.locks import LockLostError, StoreLock
from webapp.sync.orders.cancelling import ImportCancelled, cancel_requested, cancelled_words
from webapp.sync.orders.change_apply import CHANGED
from webapp.sync.orders.fields import parse_moment
from webapp.sync.orders.mapping import SOURCE_NAME
from webapp.sync.orders.pages import FAILED, IMPORTED, NO_ID_SUBJECT, NOT_LISTED, ImportPlan
from webapp.sync.orders.polling import advance_watermark
from webapp.sync.orders.window import import_window
from webapp.sync.retry_notice import retry_notice

log = logging.getLogger(__name__)
WINDOW_START, WINDOW_END = "The import's first date", "The import's last date"
BUSY_MESSAGE = "Another import for this store is running."


class StoreBusyError(Exception):
    """The store's import lock is held by another run."""


class ImportSetupError(Exception):
    """The store is not set up to receive orders (e.g. no folder); the message says why."""


FUTURE_SINCE = "Pick a date that is not in the future."
IMPORT_ERROR_PREFIX = "Import #"  # how a connection's last error names a failed import run


def since_problem(since: date) -> str | None:
    """Why a manual import cannot start from this date, in words, or None."""
    return FUTURE_SINCE if since > today() else None


def create_manual_run(
    session: Session, store_id: int, since: date, *, created_by: str = ""
) -> SyncRun:
    """Record a queued manual import of orders modified since a date (commits)."""
    params = {"since": since.isoformat()}
    return runs.create_run(session, store_id, KIND_MANUAL, params, created_by=created_by)


def failed_not_imported(run: SyncRun) -> Select:
    """The subjects of the run's failed orders a retry could still bring in.

    Not those imported since, nor those JOOR said it no longer lists (in this run or later).
    """
    imported_since = exists().where(
        Order.store_id == run.store_id,
        Order.source_name == SOURCE_NAME,
        Order.source_id == SyncEvent.subject,
    )
    later = aliased(SyncEvent)
    gone = exists().where(
        later.store_id == run.store_id,
        later.run_id >= run.id,
        later.subject == SyncEvent.subject,
        later.outcome == FAILED,
        later.reason == NOT_LISTED,
    )
    return select(SyncEvent.subject).where(
        SyncEvent.run_id == run.id,
        SyncEvent.outcome == FAILED,
        ~imported_since,
        ~gone,
        # Without its id JOOR's order cannot be fetched again, so a retry cannot mend it.
        ~SyncEvent.subject.startswith(NO_ID_SUBJECT, autoescape=True),
    )


def create_retry_run(session: Session, run: SyncRun, *, created_by: str = "") -> SyncRun | None:
    """Record a manual run re-importing the orders that failed in `run` and are still missing.

    None when there are none: no failures, or each one imported since (by a poll or a retry).
    """
    failed = sorted(session.scalars(failed_not_imported(run)))
    if not failed:
        return None
    # The window runs to the retry's own start: an order fixed in JOOR since then was
    # modified, and only a window reaching now still holds it.
    params = {"since": run.params["since"], "order_ids": failed, "retry_of": run.id}
    return runs.create_run(session, run.store_id, KIND_MANUAL, params, created_by=created_by)


def create_fetch_run(session: Session, order: Order, *, created_by: str = "") -> SyncRun:
    """Record a queued run reading one imported order again by its JOOR id (one credit)."""
    now = utcnow().isoformat()
    params = {"since": now, "until": now, "order_ids": [order.source_id], "fetch": order.id}
    return runs.create_run(session, order.store_id, KIND_FETCH, params, created_by=created_by)


def import_run(
    session: Session, factory: ClientFactory, redis: Any, run_id: int, *, wait: float = 0, job_id=""
) -> SyncRun:
    """Run (or resume) an import under the store lock; raise StoreBusyError if it is held."""
    run = session.get(SyncRun, run_id)
    if run is None:
        raise LookupError(f"sync run {run_id} does not exist")
    if run.is_finished:
        return run
    lock = StoreLock(redis, run.store_id, run.id)
    if not lock.acquire(wait):
        raise StoreBusyError(BUSY_MESSAGE)
    try:
        session.refresh(run)
        if run.is_finished:  # an earlier attempt finished while we waited for the lock
            return run
        return _import_locked(session, factory, run, lock, job_id)
    finally:
        lock.release()


def _import_locked(
    session: Session, factory: ClientFactory, run: SyncRun, lock: StoreLock, job_id: str
) -> SyncRun:
    """The body of import_run, once the lock is held."""
    conn = get_connection(session, run.store_id)
    runs.start_run(session, run, job_id=job_id)
    if run.attempts > 1:
        _reset_for_retry(session, run)
    log.info("run %s: %s import for store %s, attempt %s", run.id, run.kind, run.store_id,
             run.attempts)  # fmt: skip
    client = None
    try:
        plan = plan_for_run(session, run, conn)
        client = factory.for_connection(conn, on_retry=retry_notice(factory.redis, run.id))
        stop = partial(cancel_requested, factory.redis, run.id)
        who = stop()
        if who:  # cancelled while its worker was dead: the attempt that takes over stops
            raise ImportCancelled(who)
        import_window(session, client, run, plan, lock=lock, cancelled=stop)
        remember_dialect(conn, client.dialect)
    except ImportCancelled as exc:
        # Not a failure to retry: the pages stored before the stop were committed with it.
        runs.finish_run(session, run, error=cancelled_words(str(exc), run.done), status=CANCELLED)
        return run
    except LockLostError:
        session.rollback()
        log.warning("run %s: lost the store lock; the clock handed the run on", run.id)
        raise
    except JoorError as exc:
        session.rollback()
        if client is not None:  # what JOOR showed of its answers holds however the run ended
            remember_dialect(conn, client.dialect)
        record_failure(conn, exc)
        runs.finish_run(session, run, error=exc.user_message)
        raise
    except Exception as exc:
        session.rollback()
        # Shown on the panel too: a scheduled import failing (each retry, each poll) is news.
        conn.last_error = f"{IMPORT_ERROR_PREFIX}{run.id}: {_words(exc)}"
        conn.last_error_at = utcnow()
        runs.finish_run(session, run, error=_words(exc))
        raise
    record_success(conn)
    if run.kind == KIND_POLL:
        advance_watermark(conn, plan.until)
        schedule_next_poll(conn)
    runs.finish_run(session, run)
    log.info("run %s finished: %s", run.id, run.counts)
    return run


def plan_for_run(session: Session, run: SyncRun, conn: JoorConnection | None = None) -> ImportPlan:
    """Return what the run imports; the first attempt fixes the window's end in its params.

    `conn` is the store's connection when the caller holds it already (the import does).
    """
    conn = conn or get_connection(session, run.store_id)
    params = dict(run.params or {})
    if not params.get("until"):
        params["until"] = utcnow().isoformat()
        run.params = params
        session.commit()
    only = params.get("order_ids")
    return ImportPlan(
        store_id=run.store_id,
        folder_id=conn.folder_id or default_folder_id(session, run.store_id),
        order_type=conn.order_type,
        identifier=conn.identifier,
        since=parse_moment(params["since"], WINDOW_START),
        until=parse_moment(params["until"], WINDOW_END),
        only_ids=frozenset(map(str, only)) if only is not None else None,
        kind=run.kind,
        on_change=conn.on_change,
        cancelled_folder_id=conn.cancelled_folder_id,
        orders_here=_holds_orders(session, run.store_id),
    )


def _holds_orders(session: Session, store_id: int) -> bool:
    """Tell whether the store holds any order imported from JOOR."""
    query = select(Order.id).where(Order.store_id == store_id, Order.source_name == SOURCE_NAME)
    return session.scalar(query.limit(1)) is not None


def default_folder_id(session: Session, store_id: int) -> int:
    """Return the store's "New" folder (or its first folder) for imported orders."""
    folders = session.execute(
        select(Folder.id, Folder.name).where(Folder.store_id == store_id).order_by(Folder.position)
    ).all()
    if not folders:
        raise ImportSetupError("The store has no folder to put new orders in.")
    return next((fid for fid, name in folders if name == "New"), folders[0][0])


def _reset_for_retry(session: Session, run: SyncRun) -> None:
    """Forget a failed attempt's other events: the retry re-reads the window and decides again.

    Kept: the orders it imported and the changes it recorded (failed ones too), which the
    orders here now hold, so reading them again is no news.
    """
    recorded = select(OrderChange.order_id).where(OrderChange.run_id == run.id)
    session.execute(
        delete(SyncEvent).where(
            SyncEvent.run_id == run.id,
            SyncEvent.outcome.not_in((IMPORTED, CHANGED)),
            or_(SyncEvent.order_id.is_(None), SyncEvent.order_id.not_in(recorded)),
        )
    )
    kept = session.execute(
        select(SyncEvent.outcome, func.count())
        .where(SyncEvent.run_id == run.id)
        .group_by(SyncEvent.outcome)
    )
    run.counts = dict(kept.all())
    runs.set_progress(run, done=0)
    session.commit()


def _words(exc: Exception) -> str:
    """An unexpected error as a short sentence for the import log."""
    if isinstance(exc, (ImportSetupError, StoreBusyError)):
        return str(exc)
    return f"The import stopped unexpectedly ({type(exc).__name__}: {str(exc)[:300]})."
