"""Sync runs (imports and pushes) and the per-order or per-SKU events they leave."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from webapp.clock import utcnow
from webapp.extensions import db
from webapp.models.base import JSONType, UTCDateTime

KIND_POLL = "poll"
KIND_MANUAL = "manual"
KIND_INVENTORY = "inventory"
KIND_FETCH = "fetch"  # one imported order read again from JOOR, by its id
KINDS = (KIND_POLL, KIND_MANUAL, KIND_INVENTORY, KIND_FETCH)
ORDER_KINDS = (KIND_POLL, KIND_MANUAL, KIND_FETCH)

QUEUED = "queued"
RUNNING = "running"
# Failed for now; RQ (or the clock, when Redis lost the job) runs it again at next_attempt_at.
RETRYING = "retrying"
SUCCEEDED = "succeeded"
FAILED = "failed"  # the one final state that asks a person to act
CANCELLED = "cancelled"
# An Overwrite push that nothing was sent by: it waits for a person's yes, given in a new run.
AWAITING_CONFIRMATION = "awaiting_confirmation"
ACTIVE = (QUEUED, RUNNING, RETRYING)
FINISHED = (SUCCEEDED, FAILED, CANCELLED, AWAITING_CONFIRMATION)


class SyncRun(db.Model):
    """One scheduled poll, manual import or inventory push, mirrored from its RQ job."""

    __tablename__ = "sync_runs"
    __table_args__ = (Index("ix_sync_runs_store_created", "store_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    store_id: Mapped[int] = mapped_column(ForeignKey("stores.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(32), default=QUEUED, index=True)
    params: Mapped[dict] = mapped_column(JSONType, default=dict)
    total: Mapped[int | None] = mapped_column(Integer)
    done: Mapped[int] = mapped_column(Integer, default=0)
    counts: Mapped[dict] = mapped_column(JSONType, default=dict)
    credits_used: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str] = mapped_column(Text, default="")
    job_id: Mapped[str] = mapped_column(String(100), default="")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    created_by: Mapped[str] = mapped_column(String(254), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    heartbeat_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # When a retrying run tries again: kept here, so a retry Redis lost can be rebuilt.
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    @property
    def is_finished(self) -> bool:
        """Tell whether the run has reached a final state."""
        return self.status in FINISHED

    @property
    def percent(self) -> int:
        """Return progress as a whole percentage (0 when the total is not known yet)."""
        if not self.total:
            return 100 if self.is_finished else 0
        return min(100, round(100 * self.done / self.total))


class SyncEvent(db.Model):
    """What happened to one order or SKU in a run, and why, in words."""

    __tablename__ = "sync_events"
    __table_args__ = (
        Index("ix_sync_events_run_outcome", "run_id", "outcome", "id"),
        Index("ix_sync_events_store_subject", "store_id", "subject"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("sync_runs.id", ondelete="CASCADE"))
    store_id: Mapped[int] = mapped_column(ForeignKey("stores.id", ondelete="CASCADE"))
    subject: Mapped[str] = mapped_column(String(600))
    outcome: Mapped[str] = mapped_column(String(32))
    reason: Mapped[str] = mapped_column(Text, default="")
    order_id: Mapped[int | None] = mapped_column(ForeignKey("orders.id", ondelete="SET NULL"))
    detail: Mapped[dict | None] = mapped_column(JSONType)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
