"""Reads of orders and folders for the current store."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Select, func, or_, select

from webapp.extensions import db
from webapp.models import Folder, Order
from webapp.scoping import current_store_id, scoped
from webapp.sqlite import UNICODE_LOWER


@dataclass(frozen=True)
class FolderCount:
    """A folder with the number of orders in it."""

    id: int
    name: str
    count: int
    is_final: bool = False


def folders() -> list[Folder]:
    """Return the store's folders in their display order."""
    return list(db.session.scalars(scoped(Folder).order_by(Folder.position, Folder.id)))


def folder_counts() -> list[FolderCount]:
    """Return every folder of the store with its order count (empty folders count 0)."""
    query = (
        select(Folder.id, Folder.name, func.count(Order.id), Folder.is_final)
        .outerjoin(Order, Order.folder_id == Folder.id)
        .where(Folder.store_id == current_store_id())
        .group_by(Folder.id, Folder.name, Folder.position, Folder.is_final)
        .order_by(Folder.position, Folder.id)
    )
    return [FolderCount(*row) for row in db.session.execute(query)]


def order_search(folder_id: int | None, text: str, *, changed: bool = False) -> Select:
    """Return the store's orders, newest first, in one folder and matching the search text.

    `changed`: only orders changed in JOOR and not reviewed since, latest change first.
    """
    query = scoped(Order).order_by(Order.id.desc())
    if changed:
        query = query.where(Order.needs_review).order_by(None)
        query = query.order_by(Order.changed_in_joor_at.desc(), Order.id.desc())
    if folder_id is not None:
        query = query.where(Order.folder_id == folder_id)
    text = text.strip().lower()
    if text:
        # PostgreSQL's lower() folds every script (UTF-8 locale); SQLite's only ASCII.
        sqlite = db.session.get_bind().dialect.name == "sqlite"
        lower = getattr(func, UNICODE_LOWER) if sqlite else func.lower
        query = query.where(
            or_(
                *(
                    lower(column).contains(text, autoescape=True)
                    for column in (
                        Order.source_id,
                        Order.po_number,
                        Order.customer_name,
                        Order.company_name,
                    )
                )
            )
        )
    return query


def changed_count() -> int:
    """Count the store's orders changed in JOOR and not reviewed since."""
    query = select(func.count(Order.id)).where(
        Order.store_id == current_store_id(), Order.needs_review
    )
    return db.session.scalar(query) or 0


def orders_in_folder(folder_id: int) -> int:
    """Count the store's orders in a folder."""
    query = select(func.count(Order.id)).where(
        Order.store_id == current_store_id(), Order.folder_id == folder_id
    )
    return db.session.scalar(query) or 0
