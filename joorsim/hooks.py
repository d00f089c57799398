"""Test hooks under /_sim/ (no auth, no credits): read-backs, faults, dialect, orders, reset.

- ``GET /_sim/inventory?warehouse=W`` -> ``{"warehouse", "items": [{"upc", "style_number",
  "style_identifier", "color_code", "size", "inventory"}]}`` (SKUs holding a quantity in W;
  W defaults to ``Default``).
- ``GET /_sim/pushes`` -> ``{"pushes": [{"overwrite", "dec_pending", "items", "log"}]}``.
- ``GET /_sim/catalog`` -> ``{"warehouses": [...], "skus": [{"upc", "style_number",
  "style_identifier", "color_code", "size", "name", "color", "price"}]}``.
- ``GET|POST /_sim/faults`` -> the fault settings (POST changes the keys it names; 400 on an
  unknown key or bad value).
- ``POST /_sim/orders`` ``{"count": K}`` and/or ``{"orders": [payload, ...]}`` ->
  ``{"order_ids": ["4810201", ...]}``; generated ones are modified "now".
- ``POST /_sim/orders/<order_id>/touch`` -> bumps its date_modified to now (404 if unknown).
- ``PATCH /_sim/orders/<order_id>`` ``{field: value, ...}`` -> the order's new payload: its
  status (``order_type_name``), ship window, any other field, and ``line_items`` (a list
  replaces them; ``{"2": {"item_quantity": "6"}, "3": null}`` changes line 2, removes line 3),
  its date_modified bumped to now as JOOR does (400 on a bad change, 404 if unknown).
- ``POST /_sim/reset`` -> back to the initial state.
- ``GET|POST /_sim/dialect`` -> ``{"dialect": NAME, "dialects": [...]}`` (POST
  ``{"dialect": NAME}`` switches it; 400 naming the known ones for another name).
- ``GET /_sim/credits?token=T`` -> ``{"rate_limit", "used", "limit", "remaining",
  "window_seconds", "resets_in"}`` (T defaults to the first configured token).
"""

from __future__ import annotations

from flask import Blueprint, Response, current_app, jsonify, request

from joorsim.dialects import DIALECTS
from joorsim.faults import FaultError
from joorsim.state import SimState

hooks = Blueprint("sim", __name__, url_prefix="/_sim")


def _state() -> SimState:
    """The SimState of the app serving this request."""
    return current_app.extensions["joorsim"]


def _bad(message: str, status: int = 400) -> tuple[Response, int]:
    """A JSON error for a hook."""
    return jsonify({"error": "bad_request", "message": message}), status


@hooks.get("/inventory")
def inventory() -> Response:
    """Read back a warehouse's current stock."""
    warehouse = request.args.get("warehouse", "Default")
    return jsonify({"warehouse": warehouse, "items": _state().read_inventory(warehouse)})


@hooks.get("/pushes")
def pushes() -> Response:
    """List every bulk-inventory call received."""
    return jsonify({"pushes": _state().pushes()})


@hooks.get("/catalog")
def catalog() -> Response:
    """List every SKU of the catalogue and the known warehouses."""
    state = _state()
    return jsonify({"warehouses": list(state.inventory.warehouses), "skus": state.catalog_skus()})


@hooks.route("/faults", methods=["GET", "POST"])
def faults() -> Response | tuple[Response, int]:
    """Read or change the fault settings."""
    if request.method == "GET":
        return jsonify(_state().get_faults())
    settings = request.get_json(silent=True)
    if not isinstance(settings, dict):
        return _bad("body must be a JSON object of fault settings")
    try:
        return jsonify(_state().set_faults(settings))
    except FaultError as exc:
        return _bad(str(exc))


@hooks.post("/orders")
def add_orders() -> Response | tuple[Response, int]:
    """Add generated and/or explicit orders."""
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        return _bad('body must be {"count": K} or {"orders": [...]}')
    count, orders = body.get("count", 0), body.get("orders", [])
    if isinstance(count, bool) or not isinstance(count, int) or count < 0:
        return _bad("count must be a non-negative integer")
    if not isinstance(orders, list) or not all(isinstance(o, dict) for o in orders):
        return _bad("orders must be a list of objects")
    try:
        return jsonify({"order_ids": _state().add_orders(count, orders)})
    except (ValueError, TypeError) as exc:
        return _bad(str(exc))


@hooks.post("/orders/<int:order_id>/touch")
def touch_order(order_id: int) -> Response | tuple[Response, int]:
    """Mark an order modified now."""
    if not _state().touch_order(order_id):
        return _bad(f"unknown order {order_id}", 404)
    return jsonify({"order_id": str(order_id)})


@hooks.route("/dialect", methods=["GET", "POST"])
def dialect() -> Response | tuple[Response, int]:
    """Name the dialect the simulator answers in, or switch it."""
    state = _state()
    if request.method == "POST":
        body = request.get_json(silent=True)
        if not isinstance(body, dict) or not isinstance(body.get("dialect"), str):
            return _bad('body must be {"dialect": NAME}')
        try:
            state.set_dialect(body["dialect"])
        except ValueError as exc:
            return _bad(str(exc))
    return jsonify({"dialect": state.dialect.name, "dialects": list(DIALECTS)})


@hooks.patch("/orders/<int:order_id>")
def patch_order(order_id: int) -> Response | tuple[Response, int]:
    """Change an order as a buyer or rep would in JOOR."""
    fields = request.get_json(silent=True)
    if not isinstance(fields, dict) or not fields:
        return _bad("body must be a JSON object of the order fields to change")
    if "order_id" in fields or "date_modified" in fields:
        return _bad("order_id and date_modified are JOOR's to set")
    try:
        order = _state().patch_order(order_id, fields)
    except ValueError as exc:
        return _bad(str(exc))
    if order is None:
        return _bad(f"unknown order {order_id}", 404)
    return jsonify(order)


@hooks.post("/reset")
def reset() -> Response:
    """Return to the initial state."""
    _state().reset()
    return jsonify({"reset": True})


@hooks.get("/credits")
def credits() -> Response | tuple[Response, int]:
    """Show a token's credit usage in its current window."""
    state = _state()
    token = request.args.get("token") or state.tokens[0]
    if token not in state.tokens:
        return _bad("unknown token", 404)
    return jsonify(state.credits(token))
