"""API: orders by folder, and one order."""

from __future__ import annotations

from flask import g, jsonify, request
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from webapp.api import bp
from webapp.api.errors import ApiError, page_args
from webapp.api.serialise import order_json
from webapp.extensions import db
from webapp.models import Folder, Order


def _orders():
    """Return a SELECT of the API store's orders with their items and folder."""
    return (
        select(Order)
        .where(Order.store_id == g.api_store.id)
        .options(selectinload(Order.items), selectinload(Order.folder))
    )


@bp.get("/orders")
def list_orders():
    """List the store's orders, newest first, optionally in one folder (by name)."""
    page, per_page = page_args()
    query = _orders().order_by(Order.id.desc())
    name = request.args.get("folder")
    if name is not None:
        folder = db.session.scalar(
            select(Folder).where(Folder.store_id == g.api_store.id, Folder.name == name)
        )
        if folder is None:
            raise ApiError(404, "not_found", f"No folder named {name!r}.", "folder")
        query = query.where(Order.folder_id == folder.id)
    result = db.paginate(query, page=page, per_page=per_page, error_out=False)
    return jsonify(
        total=result.total,
        page=page,
        per_page=per_page,
        orders=[order_json(order) for order in result.items],
    )


@bp.get("/orders/<int:order_id>")
def get_order(order_id: int):
    """Return one of the store's orders."""
    order = db.session.scalar(_orders().where(Order.id == order_id))
    if order is None:
        raise ApiError(404, "not_found", f"No order {order_id}.")
    return jsonify(order_json(order))
