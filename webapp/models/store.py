"""Stores (merchant accounts), their users and their order folders."""

from __future__ import annotations

from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import Boolean, ForeignKey, Integer, String, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from webapp.clock import utcnow
from webapp.extensions import db
from webapp.models.base import UTCDateTime

DEFAULT_FOLDERS = ("New", "Prepared", "Closed")
# Folders whose orders are done with: a change made in JOOR is only noted there, never moved.
FINAL_FOLDERS = frozenset({"Closed"})
# Where orders cancelled in JOOR go unless the store picks another folder; made on first use.
CANCELLED_FOLDER = "Cancelled in JOOR"


class Store(db.Model):
    """A merchant's order desk: every other row belongs to exactly one store."""

    __tablename__ = "stores"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    api_key_hash: Mapped[str | None] = mapped_column(String(128), unique=True)
    api_key_prefix: Mapped[str | None] = mapped_column(String(16))
    api_key_created_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    users: Mapped[list[User]] = relationship(back_populates="store")
    folders: Mapped[list[Folder]] = relationship(back_populates="store", order_by="Folder.position")


class User(UserMixin, db.Model):
    """A person who logs in to one store."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    store_id: Mapped[int] = mapped_column(ForeignKey("stores.id", ondelete="CASCADE"), index=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200), default="")
    password_hash: Mapped[str] = mapped_column(String(256))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Bumped by logout and a password change: sessions carrying an older one are refused.
    session_version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")

    store: Mapped[Store] = relationship(back_populates="users")

    def get_id(self) -> str:
        """The id Flask-Login keeps in the session and the remember cookie, with the version."""
        return f"{self.id}:{self.session_version}"

    def set_password(self, password: str) -> None:
        """Hash and keep the password."""
        self.password_hash = generate_password_hash(password)

    def check_password(self, password: str) -> bool:
        """Tell whether the password matches the stored hash."""
        return check_password_hash(self.password_hash, password)


class Folder(db.Model):
    """A folder of orders in the order desk (New, Prepared, Closed, or the merchant's own)."""

    __tablename__ = "folders"
    __table_args__ = (UniqueConstraint("store_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    store_id: Mapped[int] = mapped_column(ForeignKey("stores.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    position: Mapped[int] = mapped_column(Integer, default=0)
    # Final: its orders are picked, shipped or closed, so JOOR's changes to them are only noted.
    is_final: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    store: Mapped[Store] = relationship(back_populates="folders")
