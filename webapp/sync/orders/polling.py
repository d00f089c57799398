"""Scheduled polls: which stores are due, the window a poll covers, and the watermark.

A poll covers [watermark - OVERLAP, now]. The overlap re-reads the last minutes of the
previous window, so an order modified while that poll was paging (JOOR stamps it with a time
the previous window may already have passed) is still found. A store's first poll, with no
watermark yet, looks back FIRST_POLL_LOOKBACK. The watermark advances to a window's end only
when that window completed; a manual import never moves it.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from webapp.clock import utcnow
from webapp.models import JoorConnection, SyncRun
from webapp.models.joor import STATUS_CONNECTED
from webapp.models.sync import ACTIVE, KIND_MANUAL, KIND_POLL
from webapp.sync import runs

OVERLAP = timedelta(minutes=10)
FIRST_POLL_LOOKBACK = timedelta(days=7)


def poll_window(conn: JoorConnection, now: datetime | None = None) -> tuple[datetime, datetime]:
    """Return the (since, until) a poll started now covers."""
    until = now or utcnow()
    since = conn.watermark - OVERLAP if conn.watermark else until - FIRST_POLL_LOOKBACK
    return min(since, until), until


def due_store_ids(session: Session, now: datetime | None = None) -> list[int]:
    """Return the stores whose next poll time has come (connected ones only)."""
    return list(
        session.scalars(
            select(JoorConnection.store_id)
            .where(
                JoorConnection.next_poll_at.is_not(None),
                JoorConnection.next_poll_at <= (now or utcnow()),
                JoorConnection.status == STATUS_CONNECTED,
                JoorConnection.token_encrypted.is_not(None),
                JoorConnection.poll_minutes > 0,
            )
            .order_by(JoorConnection.next_poll_at)
        )
    )


def active_import(
    session: Session, store_id: int, kinds: tuple[str, ...] = (KIND_POLL, KIND_MANUAL)
) -> SyncRun | None:
    """Return the store's newest queued, running or retrying import of these kinds, if any."""
    return next(iter(active_imports(session, store_id, kinds)), None)


def active_imports(
    session: Session, store_id: int, kinds: tuple[str, ...] = (KIND_POLL, KIND_MANUAL)
) -> list[SyncRun]:
    """Return the store's queued, running or retrying imports of these kinds, newest first."""
    query = select(SyncRun).where(
        SyncRun.store_id == store_id, SyncRun.kind.in_(kinds), SyncRun.status.in_(ACTIVE)
    )
    return list(session.scalars(query.order_by(SyncRun.id.desc())))


def create_poll_run(session: Session, store_id: int, conn: JoorConnection) -> SyncRun:
    """Record a queued poll run over the store's next window (commits)."""
    since, until = poll_window(conn)
    params = {"since": since.isoformat(), "until": until.isoformat()}
    return runs.create_run(session, store_id, KIND_POLL, params, created_by="schedule")


def advance_watermark(conn: JoorConnection, until: datetime) -> None:
    """Move the watermark to a completed window's end (never backwards; the caller commits)."""
    if conn.watermark is None or until > conn.watermark:
        conn.watermark = until
