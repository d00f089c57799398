"""Orders in the order desk and their line items."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
    and_,
    or_,
)
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column, relationship
from sqlalchemy.sql.elements import ColumnElement

from webapp.clock import utcnow
from webapp.extensions import db
from webapp.models.base import JSONType, UTCDateTime

MONEY = Numeric(14, 2)


class Order(db.Model):
    """An order; imported ones carry source_name 'Joor' and JOOR's order_id as source_id."""

    __tablename__ = "orders"
    __table_args__ = (
        # The exactly-once guard: one row per JOOR order per store, whatever retries happen.
        UniqueConstraint("store_id", "source_name", "source_id", name="uq_orders_source"),
        Index("ix_orders_store_folder", "store_id", "folder_id", "id"),
        Index("ix_orders_store_changed", "store_id", "changed_in_joor_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    store_id: Mapped[int] = mapped_column(ForeignKey("stores.id", ondelete="CASCADE"))
    folder_id: Mapped[int] = mapped_column(ForeignKey("folders.id"))
    source_name: Mapped[str] = mapped_column(String(32), default="")
    source_id: Mapped[str] = mapped_column(String(64), default="")
    status: Mapped[str] = mapped_column(String(64), default="")
    customer_name: Mapped[str] = mapped_column(String(255), default="")
    company_name: Mapped[str] = mapped_column(String(255), default="")
    customer_code: Mapped[str] = mapped_column(String(100), default="")
    email: Mapped[str] = mapped_column(String(254), default="")
    po_number: Mapped[str] = mapped_column(String(100), default="", index=True)
    currency: Mapped[str] = mapped_column(String(8), default="")
    total: Mapped[Decimal | None] = mapped_column(MONEY)
    discount: Mapped[Decimal | None] = mapped_column(MONEY)
    shipping_total: Mapped[Decimal | None] = mapped_column(MONEY)
    ship_start: Mapped[date | None] = mapped_column(Date)
    ship_end: Mapped[date | None] = mapped_column(Date)
    shipping_address: Mapped[dict] = mapped_column(JSONType, default=dict)
    billing_address: Mapped[dict] = mapped_column(JSONType, default=dict)
    order_metadata: Mapped[dict] = mapped_column("metadata", JSONType, default=dict)
    comments: Mapped[str] = mapped_column(Text, default="")
    payload: Mapped[dict | None] = mapped_column(JSONType)
    source_created_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    source_modified_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    imported_run_id: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # A hash of the fields mapped from the last version of the JOOR order seen (None for
    # orders imported before changes were followed: their next re-read compares field by field).
    joor_fingerprint: Mapped[str | None] = mapped_column(String(40))
    changed_in_joor_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The run that recorded the last change: its retry does not record that change again.
    changed_run_id: Mapped[int | None] = mapped_column(Integer)
    # When a person marked the changes made in JOOR as reviewed, and who (their email): the
    # mark and changed_in_joor_at (data the API lists by) stay; a later change flags it again.
    changes_reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    changes_reviewed_by: Mapped[str] = mapped_column(String(254), default="", server_default="")

    items: Mapped[list[OrderItem]] = relationship(
        back_populates="order", order_by="OrderItem.position", cascade="all, delete-orphan"
    )
    folder = relationship("Folder")
    history: Mapped[list[OrderChange]] = relationship(
        back_populates="order",
        order_by="OrderChange.id.desc()",
        cascade="all, delete-orphan",
        passive_deletes=True,
    )

    @hybrid_property
    def needs_review(self) -> bool:
        """Changed in JOOR after the last review (or never reviewed): the list marks it."""
        if self.changed_in_joor_at is None:
            return False
        reviewed = self.changes_reviewed_at
        return reviewed is None or self.changed_in_joor_at > reviewed

    @needs_review.inplace.expression
    @classmethod
    def _needs_review_expression(cls) -> ColumnElement[bool]:
        return and_(
            cls.changed_in_joor_at.is_not(None),
            or_(
                cls.changes_reviewed_at.is_(None), cls.changed_in_joor_at > cls.changes_reviewed_at
            ),
        )


class OrderItem(db.Model):
    """One line of an order."""

    __tablename__ = "order_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    code: Mapped[str] = mapped_column(String(255), default="")
    name: Mapped[str] = mapped_column(String(255), default="")
    quantity: Mapped[int] = mapped_column(Integer, default=0)
    price: Mapped[Decimal | None] = mapped_column(MONEY)
    variation_list: Mapped[dict] = mapped_column(JSONType, default=dict)
    item_metadata: Mapped[dict] = mapped_column("metadata", JSONType, default=dict)

    order: Mapped[Order] = relationship(back_populates="items")


class OrderChange(db.Model):
    """A change JOOR made to an imported order: what changed, in words, and what was done."""

    __tablename__ = "order_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    store_id: Mapped[int] = mapped_column(ForeignKey("stores.id", ondelete="CASCADE"))
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"), index=True)
    # Run logs are pruned after RUN_LOG_DAYS; the order's history outlives them.
    run_id: Mapped[int | None] = mapped_column(ForeignKey("sync_runs.id", ondelete="SET NULL"))
    outcome: Mapped[str] = mapped_column(String(16))  # updated, noted or failed
    cancelled: Mapped[bool] = mapped_column(Boolean, default=False)
    moved_from: Mapped[str] = mapped_column(String(100), default="")
    moved_to: Mapped[str] = mapped_column(String(100), default="")
    changes: Mapped[list] = mapped_column(JSONType, default=list)
    action: Mapped[str] = mapped_column(Text, default="")  # what was done, and why, in words
    # The JOOR version read, as compared (None for a failed change): the next change's "before".
    snapshot: Mapped[dict | None] = mapped_column(JSONType)
    fingerprint: Mapped[str] = mapped_column(String(40), default="")
    source_modified_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    order: Mapped[Order] = relationship(back_populates="history")
