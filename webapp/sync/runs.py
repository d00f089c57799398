"""SyncRun lifecycle: start, progress and heartbeat, events, finish. The UI reads runs from here."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from webapp.clock import utcnow
from webapp.models import SyncRun
from webapp.models.sync import FAILED, QUEUED, RETRYING, RUNNING, SUCCEEDED
from webapp.sync.dbapi import insert_many, insert_sql, json_text, timestamp_text

# A running run whose heartbeat is older than this was abandoned (worker killed).
STALE_AFTER = timedelta(seconds=90)
# A run queued this long is checked for a job that Redis lost (restart, flush, eviction).
QUEUED_PATIENCE = timedelta(minutes=5)
EVENT_COLUMNS = (
    "run_id",
    "store_id",
    "subject",
    "outcome",
    "reason",
    "order_id",
    "detail",
    "created_at",
)


def create_run(
    session: Session, store_id: int, kind: str, params: dict, *, created_by: str = ""
) -> SyncRun:
    """Record a queued run and commit, so the page can show it before a worker starts."""
    run = SyncRun(store_id=store_id, kind=kind, status=QUEUED, params=params, created_by=created_by)
    session.add(run)
    session.commit()
    return run


def start_run(session: Session, run: SyncRun, *, job_id: str = "") -> None:
    """Mark the run running (again, on a retry) and commit."""
    now = utcnow()
    run.status, run.error, run.finished_at, run.next_attempt_at = RUNNING, "", None, None
    run.started_at = run.started_at or now
    run.heartbeat_at = now
    run.attempts = (run.attempts or 0) + 1
    run.job_id = job_id or run.job_id
    session.commit()


def set_progress(run: SyncRun, *, done: int | None = None, total: int | None = None) -> None:
    """Update progress and heartbeat (the caller commits with its batch)."""
    if done is not None:
        run.done = done
    if total is not None:
        run.total = total
    run.heartbeat_at = utcnow()


def add_counts(run: SyncRun, outcomes: Counter | dict) -> None:
    """Add outcome counts to the run (a new dict, so SQLAlchemy sees the JSON change)."""
    merged = Counter(run.counts or {})
    merged.update(outcomes)
    run.counts = dict(merged)


def add_events(session: Session, run: SyncRun, events: Iterable[dict]) -> None:
    """Insert events in bulk: dicts with subject, outcome, reason and optional order_id, detail."""
    session.flush()  # a run added in this transaction gets its id
    now = timestamp_text(utcnow())
    rows = (
        (
            run.id,
            run.store_id,
            str(e["subject"])[:600],
            e["outcome"],
            e.get("reason", ""),
            e.get("order_id"),
            json_text(e.get("detail")),
            now,
        )
        for e in events
    )
    insert_many(session, insert_sql(session, "sync_events", EVENT_COLUMNS), rows)


def queue_again(session: Session, run: SyncRun, *, note: str) -> None:
    """Show a run as queued again (it waits for another run), `note` saying why; commit."""
    run.status, run.finished_at, run.next_attempt_at = QUEUED, None, None
    run.error = note
    session.commit()


def retry_at(session: Session, run: SyncRun, when: datetime) -> None:
    """Show a run that failed for now as retrying at `when`, its error kept; commit."""
    run.status, run.finished_at, run.next_attempt_at = RETRYING, None, when
    session.commit()


def finish_run(session: Session, run: SyncRun, *, error: str = "", status: str = "") -> None:
    """Mark the run finished (succeeded, or failed with the error in words) and commit.

    `status` names another final state (cancelled, awaiting confirmation), `error` its words.
    """
    run.status = status or (FAILED if error else SUCCEEDED)
    run.error = error
    run.finished_at = run.heartbeat_at = utcnow()
    run.next_attempt_at = None
    session.commit()


def overdue_retries(session: Session, *, now=None, grace: timedelta) -> list[SyncRun]:
    """Return retrying runs whose next attempt is more than `grace` overdue."""
    cutoff = (now or utcnow()) - grace
    query = select(SyncRun).where(SyncRun.status == RETRYING, SyncRun.next_attempt_at < cutoff)
    return list(session.scalars(query.order_by(SyncRun.id)))


def long_queued_runs(session: Session, *, now=None) -> list[SyncRun]:
    """Return runs queued (or queued again) for longer than QUEUED_PATIENCE."""
    cutoff = (now or utcnow()) - QUEUED_PATIENCE
    since = func.coalesce(SyncRun.heartbeat_at, SyncRun.created_at)
    query = select(SyncRun).where(SyncRun.status == QUEUED, since < cutoff)
    return list(session.scalars(query))


def stale_runs(session: Session, *, now=None) -> list[SyncRun]:
    """Return runs left running by a worker that stopped sending heartbeats."""
    cutoff = (now or utcnow()) - STALE_AFTER
    return list(
        session.scalars(
            select(SyncRun).where(SyncRun.status == RUNNING, SyncRun.heartbeat_at < cutoff)
        )
    )
