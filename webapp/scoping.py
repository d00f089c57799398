"""Queries scoped to the logged-in user's store: the only way views read merchant rows."""

from __future__ import annotations

from typing import TypeVar

from flask import abort
from flask_login import current_user
from sqlalchemy import Select, select

from webapp.extensions import db
from webapp.numbers import MAX_ID

M = TypeVar("M")


def current_store_id() -> int:
    """Return the logged-in user's store id."""
    return current_user.store_id


def scoped(model: type[M]) -> Select:
    """Return a SELECT of `model` limited to the current store."""
    return select(model).where(model.store_id == current_store_id())


def get_scoped_or_404(model: type[M], row_id: int) -> M:
    """Return the current store's row with this id, or answer 404 (never another store's)."""
    if not 1 <= row_id <= MAX_ID:  # no row has it, and the database could not even compare it
        abort(404)
    row = db.session.scalar(scoped(model).where(model.id == row_id))
    if row is None:
        abort(404)
    return row
