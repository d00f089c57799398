"""API: orders by folder, and one order."""

from __future__ import annotations

from datetime import datetime

from flask import g, jsonify, request
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from webapp.api.blueprint import bp
from webapp.api.errors import ApiError, page_args
from webapp.api.serialise import order_history_json, order_json
from webapp.extensions import db
from webapp.models import Folder, Order
from webapp.sync.orders.fields import MappingError, parse_moment


def _orders():
    """Return a SELECT of the API store's orders with their items and folder."""
    return (
        select(Order)
        .where(Order.store_id == g.api_store.id)
        .options(selectinload(Order.items), selectinload(Order.folder))
    )


@bp.get("/orders")
def list_orders():
    """List the store's orders, newest first, in one folder (by name) or changed in JOOR since."""
    page, per_page = page_args()
    query = _orders().order_by(Order.id.desc())
    since = _changed_since()
    if since is not None:
        query = query.where(Order.changed_in_joor_at >= since).order_by(None)
        query = query.order_by(Order.changed_in_joor_at.desc(), Order.id.desc())
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
    """Return one of the store's orders, with the history of its changes in JOOR."""
    order = db.session.scalar(_orders().where(Order.id == order_id))
    if order is None:
        raise ApiError(404, "not_found", f"No order {order_id}.")
    return jsonify(order_json(order) | {"history": [order_history_json(c) for c in order.history]})


def _changed_since() -> datetime | None:
    """The `changed_since` parameter as an aware moment (a date means its midnight UTC)."""
    raw = request.args.get("changed_since")
    if raw is None:
        return None
    raw = raw.strip()
    if "T" in raw:  # an offset's "+" left unescaped in the URL arrives as a space
        raw = raw.replace(" ", "+")
    try:
        moment = parse_moment(raw, "changed_since")
    except MappingError:
        moment = None
    if moment is None:
        raise ApiError(
            400,
            "invalid_parameter",
            "changed_since must be a date or moment in ISO 8601, e.g. 2026-11-01T09:30:00Z",
            "changed_since",
        )
    return moment
