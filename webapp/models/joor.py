"""The JOOR connection of a store, its settings, and what JOOR last accepted."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from webapp.clock import utcnow
from webapp.extensions import db
from webapp.models.base import JSONType, UTCDateTime

STATUS_DISCONNECTED = "disconnected"
STATUS_CONNECTED = "connected"
STATUS_FAILING = "failing"
STATUS_CHECKING = "checking"


class JoorConnection(db.Model):
    """One per store: the encrypted token, the panel's settings, status and poll schedule."""

    __tablename__ = "joor_connections"

    id: Mapped[int] = mapped_column(primary_key=True)
    store_id: Mapped[int] = mapped_column(ForeignKey("stores.id", ondelete="CASCADE"), unique=True)
    environment: Mapped[str] = mapped_column(String(16), default="production")
    token_encrypted: Mapped[str | None] = mapped_column(Text)
    token_last4: Mapped[str] = mapped_column(String(4), default="")
    # A token the merchant submitted, waiting for the worker to check it against JOOR; it
    # replaces token_encrypted only once JOOR accepts it, so a typo never breaks a connection.
    pending_token_encrypted: Mapped[str | None] = mapped_column(Text)
    # Kept after JOOR refuses the token: the Connect form starts on the environment chosen.
    pending_environment: Mapped[str] = mapped_column(String(16), default="")
    pending_since: Mapped[datetime | None] = mapped_column(UTCDateTime())
    account_key: Mapped[str] = mapped_column(String(64), default="")
    status: Mapped[str] = mapped_column(String(16), default=STATUS_DISCONNECTED)
    connected_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_success_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_error: Mapped[str] = mapped_column(Text, default="")
    last_error_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    poll_minutes: Mapped[int] = mapped_column(Integer, default=15)
    order_type: Mapped[str] = mapped_column(String(32), default="approved")
    folder_id: Mapped[int | None] = mapped_column(ForeignKey("folders.id", ondelete="SET NULL"))
    # When JOOR changes an imported order: "update_new" (update it while it is still in the
    # folder for new orders, else note it) or "note" (only note it).
    on_change: Mapped[str] = mapped_column(
        String(16), default="update_new", server_default="update_new"
    )
    # Where orders cancelled in JOOR go; None: "Cancelled in JOOR", created on first use.
    cancelled_folder_id: Mapped[int | None] = mapped_column(
        ForeignKey("folders.id", ondelete="SET NULL")
    )
    warehouse: Mapped[str] = mapped_column(String(100), default="")
    sync_inventory: Mapped[bool] = mapped_column(Boolean, default=False)
    inventory_mode: Mapped[str] = mapped_column(String(16), default="update")
    identifier: Mapped[str] = mapped_column(String(16), default="upc")
    tpl_style_number: Mapped[str] = mapped_column(Text, default="")
    tpl_style_identifier: Mapped[str] = mapped_column(Text, default="")
    tpl_color_code: Mapped[str] = mapped_column(Text, default="")
    tpl_size: Mapped[str] = mapped_column(Text, default="")

    # Upper bound of the last poll window that completed; polls restart from here.
    watermark: Mapped[datetime | None] = mapped_column(UTCDateTime())
    next_poll_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    last_full_push_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Warehouses an Overwrite from this store has reached: JOOR's stock there is ours since.
    overwritten_warehouses: Mapped[list | None] = mapped_column(JSONType)
    # Per warehouse, the last full Overwrite that reached it: {"at", "basis" (a fingerprint of
    # the identifier settings it was made with), "synced" (no Update-mode push since)}.
    overwrite_basis: Mapped[dict | None] = mapped_column(JSONType)
    # The share (percent) of JOOR's credit window pushes may use: the rest is kept for orders.
    push_share: Mapped[int] = mapped_column(Integer, default=60, server_default="60")
    # What the client learned of this JOOR account's answers (orders path, paging, date form,
    # inventory answer; webapp.joor.Dialect), and the last `joor probe`; both are forgotten
    # when the token or the environment changes.
    wire_dialect: Mapped[dict | None] = mapped_column(JSONType)
    probe_result: Mapped[dict | None] = mapped_column(JSONType)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    def has_overwritten(self, warehouse: str) -> bool:
        """Tell whether an Overwrite from this store has reached the warehouse in JOOR."""
        return warehouse in (self.overwritten_warehouses or [])

    def note_overwritten(self, warehouse: str) -> None:
        """Remember that an Overwrite reached the warehouse (a new list: the JSON changes)."""
        self.overwritten_warehouses = sorted({*(self.overwritten_warehouses or []), warehouse})

    @property
    def is_connected(self) -> bool:
        """Tell whether a token is stored (the connection may still be failing)."""
        return self.token_encrypted is not None

    def templates(self) -> dict[str, str]:
        """Return the four Style Identifier templates by field name."""
        return {
            "style_number": self.tpl_style_number,
            "style_identifier": self.tpl_style_identifier,
            "color_code": self.tpl_color_code,
            "size": self.tpl_size,
        }


class PushedStock(db.Model):
    """Per warehouse and identifier: the last quantity JOOR accepted and the last verdict."""

    __tablename__ = "pushed_stock"
    __table_args__ = (
        UniqueConstraint("store_id", "warehouse", "identifier_key", name="uq_pushed_stock_key"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    store_id: Mapped[int] = mapped_column(ForeignKey("stores.id", ondelete="CASCADE"))
    warehouse: Mapped[str] = mapped_column(String(100))
    identifier_key: Mapped[str] = mapped_column(String(600))
    style_key: Mapped[str] = mapped_column(String(600), default="")
    item_code: Mapped[str] = mapped_column(String(255), default="")
    # None until JOOR first accepts this SKU; failed pushes leave it unchanged.
    quantity: Mapped[int | None] = mapped_column(Integer)
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_status: Mapped[str] = mapped_column(String(16), default="")
    last_message: Mapped[str] = mapped_column(Text, default="")
    last_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class SettingsChange(db.Model):
    """An audit line: who changed which JOOR setting, from what, to what, when."""

    __tablename__ = "settings_changes"
    __table_args__ = (Index("ix_settings_changes_store_time", "store_id", "changed_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    store_id: Mapped[int] = mapped_column(ForeignKey("stores.id", ondelete="CASCADE"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    actor: Mapped[str] = mapped_column(String(254), default="")
    setting: Mapped[str] = mapped_column(String(64))
    old_value: Mapped[str] = mapped_column(Text, default="")
    new_value: Mapped[str] = mapped_column(Text, default="")
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
