"""Alerts: where a store wants them sent, each episode of trouble, and each message sent."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from webapp.clock import utcnow
from webapp.extensions import db
from webapp.models.base import UTCDateTime

TOPIC_CONNECTION = "connection"
TOPIC_ORDERS = "orders"

EVENT_OPENED = "opened"
EVENT_RESOLVED = "resolved"
EVENT_TEST = "test"

CHANNEL_EMAIL = "email"
CHANNEL_WEBHOOK = "webhook"

DELIVERY_QUEUED = "queued"
DELIVERY_RETRYING = "retrying"
DELIVERY_SENT = "sent"
DELIVERY_FAILED = "failed"


class AlertSettings(db.Model):
    """One per store: the email addresses and the webhook that alerts go to."""

    __tablename__ = "alert_settings"

    id: Mapped[int] = mapped_column(primary_key=True)
    store_id: Mapped[int] = mapped_column(ForeignKey("stores.id", ondelete="CASCADE"), unique=True)
    email_to: Mapped[str] = mapped_column(String(1000), default="")
    webhook_url: Mapped[str] = mapped_column(String(2000), default="")
    # Encrypted like JOOR tokens; the merchant sees it once, when it is made.
    webhook_secret_encrypted: Mapped[str | None] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class AlertEpisode(db.Model):
    """One stretch of trouble on a topic, from the moment it was seen until it cleared."""

    __tablename__ = "alert_episodes"
    __table_args__ = (
        # open_topic is the topic while the episode is open and NULL once resolved: NULLs never
        # collide, so this allows one open episode per store and topic on SQLite and PostgreSQL.
        UniqueConstraint("store_id", "open_topic", name="uq_alert_episodes_open"),
        Index("ix_alert_episodes_store", "store_id", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    store_id: Mapped[int] = mapped_column(ForeignKey("stores.id", ondelete="CASCADE"))
    topic: Mapped[str] = mapped_column(String(32))
    open_topic: Mapped[str | None] = mapped_column(String(32))
    verdict: Mapped[str] = mapped_column(String(32))
    cause: Mapped[str] = mapped_column(String(64))
    reason: Mapped[str] = mapped_column(Text, default="")
    fix: Mapped[str] = mapped_column(Text, default="")
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    resolution: Mapped[str] = mapped_column(Text, default="")

    @property
    def is_open(self) -> bool:
        """Tell whether the trouble is still there."""
        return self.resolved_at is None


class AlertDelivery(db.Model):
    """One alert message to one channel: queued, retrying, sent or failed, and why."""

    __tablename__ = "alert_deliveries"
    __table_args__ = (Index("ix_alert_deliveries_store", "store_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    store_id: Mapped[int] = mapped_column(ForeignKey("stores.id", ondelete="CASCADE"))
    episode_id: Mapped[int | None] = mapped_column(
        ForeignKey("alert_episodes.id", ondelete="CASCADE"), index=True
    )
    event: Mapped[str] = mapped_column(String(16))
    channel: Mapped[str] = mapped_column(String(16))
    target: Mapped[str] = mapped_column(String(2000), default="")
    status: Mapped[str] = mapped_column(String(16), default=DELIVERY_QUEUED, index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
