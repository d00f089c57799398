"""The simulator's Flask app: JOOR's v2 endpoints under /v2 and the test hooks under /_sim/.

``create_app(state=None, **options)``: ``options`` are SimState's keyword arguments and are
used only when no state is given. The app keeps its state in ``app.extensions["joorsim"]``.

Every /v2 request goes through, in order: the latency fault; the token check
(``Authorization: OAuth2 <base64(token)>``, else 401 JSON); the content-type check
(``Content-Type: application/json`` on every request, GETs included, else **400** JSON);
the dialect's orders path (the other one answers 404, free); the planned fault or a 429
storm; the random 5xx error rate; the credit budget (GET 1, write 5; 429 with
``Retry-After``); then the endpoint in the dialect's form (``dialects``); then truncation or
malformed-body faults.
"""

from __future__ import annotations

import base64
import binascii
import time
from typing import Any

from flask import Blueprint, Flask, Response, current_app, g, jsonify, request

from joorsim.budget import cost_of
from joorsim.dialects import ORDER, ORDERS, date_refusal, inventory_body
from joorsim.orderbook import QueryError, parse_query
from joorsim.state import SimState

v2 = Blueprint("v2", __name__, url_prefix="/v2")
# Wrong for every endpoint and every dialect ([] would be a dialect's "no orders").
MALFORMED_BODIES = [
    ("<html><body><h1>502 Bad Gateway</h1></body></html>", "text/html"),
    ('["unexpected"]', "application/json"),
    ('{"result": null, "data": "unexpected"}', "application/json"),
]
ORDER_LISTS = {"v2.list_orders": ORDERS, "v2.list_order": ORDER}


def sim_state() -> SimState:
    """The SimState of the app serving this request."""
    return current_app.extensions["joorsim"]


def error(status: int, code: str, message: str, **headers: str) -> Response:
    """A JSON error response."""
    response = jsonify({"error": code, "message": message})
    response.status_code = status
    response.headers.update(headers)
    return response


def bearer_token() -> str | None:
    """The token from an ``OAuth2 <base64>`` Authorization header, or None."""
    scheme, _, value = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "oauth2" or not value.strip():
        return None
    try:
        return base64.b64decode(value.strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return None


@v2.before_request
def gatekeep() -> Response | None:
    """Apply latency, auth, content type, storms, 5xx and credits before any /v2 endpoint."""
    state = sim_state()
    latency = state.get_faults()["latency_ms"]
    if latency:
        time.sleep(latency / 1000)
    token = bearer_token()
    if token is None or not state.token_ok(token):
        return error(401, "unauthorized", "missing, invalid or revoked access token")
    if request.mimetype != "application/json":
        return error(400, "bad_content_type", "Content-Type must be application/json")
    path = ORDER_LISTS.get(request.endpoint or "")
    if path and path not in state.dialect.orders_paths:
        return error(404, "not_found", "no such endpoint")
    return _faults_and_budget(state, token)


def _faults_and_budget(state: SimState, token: str) -> Response | None:
    """The planned fault, the storm, error-rate and credit-budget refusals, in that order."""
    with state.lock:
        planned = state.faults.next_planned()
        if planned in ("truncate", "malformed"):
            g.joorsim_corrupt = planned
        if planned == "429" or state.faults.take("storm_429"):
            wait = state.faults.storm_retry_after
            return error(
                429, "rate_limited", "too many requests (storm)", **{"Retry-After": f"{wait:g}"}
            )
        status = 500 if planned == "500" else state.faults.draw_error()
    if status:
        return error(status, "server_error", f"simulated {status}")
    retry_after = state.charge(token, cost_of(request.method))
    if retry_after is not None:
        return error(
            429, "rate_limited", "API credit limit reached", **{"Retry-After": str(retry_after)}
        )
    g.joorsim_handled = True
    return None


@v2.after_request
def corrupt(response: Response) -> Response:
    """Cut or garble handled responses while those faults are armed."""
    if not g.get("joorsim_handled") or response.status_code != 200:
        return response
    state = sim_state()
    planned = g.get("joorsim_corrupt")
    with state.lock:
        if planned == "truncate" or (not planned and state.faults.take("truncate_next")):
            body = response.get_data()
            response.set_data(body[: max(1, len(body) // 2)])
        elif planned == "malformed" or state.faults.take("malformed_next"):
            text, mimetype = MALFORMED_BODIES[state.faults.next_malformed_kind()]
            response.set_data(text.encode())
            response.mimetype = mimetype
    return response


@v2.get("/orders", strict_slashes=False)
def list_orders() -> Response:
    """List one page of orders with JOOR's filters."""
    state = sim_state()
    refused = date_refusal(state.dialect, request.args)
    if refused:
        return error(400, "bad_request", refused)
    try:
        query = parse_query(request.args)
    except QueryError as exc:
        return error(400, "bad_request", str(exc))
    # Assembled from cached per-order JSON: byte for byte what jsonify would send.
    return Response(state.orders_page_json(query), mimetype="application/json")


@v2.get("/order", strict_slashes=False)
def list_order() -> Response:
    """The orders list on the path JOOR's known public callers use (the order-path dialect)."""
    return list_orders()


@v2.get("/order/<int:order_id>")
def one_order(order_id: int) -> Response:
    """One order by its id, whatever its type (the order object itself); 404 when unknown."""
    order = sim_state().order(order_id)
    if order is None:
        return error(404, "not_found", f"no order {order_id}")
    return jsonify(order)


@v2.post("/bulk-inventory", strict_slashes=False)
def bulk_inventory() -> Response:
    """Set absolute stock for the listed SKUs (Overwrite drops the rest per warehouse)."""
    body = request.get_json(silent=True)
    if not isinstance(body, dict) or not isinstance(body.get("inventory_items"), list):
        return error(400, "bad_request", 'body must be {"inventory_items": [...]}')
    items = body["inventory_items"]
    limit = sim_state().get_faults()["max_inventory_items"]
    if limit and len(items) > limit:
        message = f"at most {limit} inventory items per call; got {len(items)}"
        response = jsonify({"error": "too_many_items", "message": message, "max_items": limit})
        response.status_code = 413
        return response
    overwrite = request.args.get("overwrite", "0") in ("1", "true")
    dec_pending = request.args.get("dec_pending", "0") in ("1", "true")
    state = sim_state()
    answer = state.push_inventory(items, overwrite, dec_pending)
    return jsonify(inventory_body(state.dialect, answer))


def _json_errors(app: Flask) -> None:
    """Answer unknown paths and wrong methods with JSON, as an API does."""

    @app.errorhandler(404)
    def not_found(_exc: Any) -> Response:
        return error(404, "not_found", "no such endpoint")

    @app.errorhandler(405)
    def bad_method(_exc: Any) -> Response:
        return error(405, "method_not_allowed", "method not allowed")


def create_app(state: SimState | None = None, **options: Any) -> Flask:
    """Build the simulator app around a SimState (made from options when not given)."""
    from joorsim.hooks import hooks

    app = Flask(__name__)
    # Real JOOR payloads carry raw UTF-8; clients must decode it, not just \\u escapes.
    app.json.ensure_ascii = False  # type: ignore[attr-defined]
    app.json.sort_keys = False  # type: ignore[attr-defined]
    app.extensions["joorsim"] = state or SimState(**options)
    app.register_blueprint(v2)
    app.register_blueprint(hooks)
    _json_errors(app)
    return app
