"""Fetch again from JOOR: re-read one imported order by its JOOR id, and show how that went.

The view only enqueues (a worker reads JOOR); the order page then follows the run in a
fragment that polls until it ends, and reloads the page when the order changed.
"""

from __future__ import annotations

from flask import abort, flash, make_response, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy import select

from webapp.extensions import db
from webapp.models import JoorConnection, Order, SyncEvent, SyncRun
from webapp.models.joor import STATUS_FAILING
from webapp.models.sync import KIND_FETCH
from webapp.orders.blueprint import bp
from webapp.orders.forms import EmptyForm
from webapp.orders.paging import wants_fragment
from webapp.scoping import get_scoped_or_404, scoped
from webapp.sync.orders.enqueue import enqueue_fetch_order
from webapp.sync.orders.mapping import SOURCE_NAME


def refetch_refusal(order: Order) -> str:
    """Why this order cannot be fetched again now, in words ("" when it can)."""
    if order.source_name != SOURCE_NAME or not order.source_id:
        return "This order did not come from JOOR, so there is nothing to fetch."
    conn = db.session.scalar(scoped(JoorConnection))
    if conn is None or not conn.is_connected:
        return "Connect the store to JOOR first (JOOR panel), then fetch the order again."
    if conn.status == STATUS_FAILING:
        return "JOOR refuses the store's connection; fix it in the JOOR panel, then try again."
    return ""


@bp.post("/<int:order_id>/fetch")
def fetch_again(order_id: int):
    """Queue reading this order again from JOOR by its id (one credit)."""
    order = get_scoped_or_404(Order, order_id)
    refusal = refetch_refusal(order)
    if not EmptyForm().validate_on_submit():
        refusal = "The form expired; try again."
    if refusal:
        flash(refusal)
        return redirect(url_for("orders.detail", order_id=order.id))
    run, _ = enqueue_fetch_order(order, created_by=current_user.email)
    return redirect(url_for("orders.detail", order_id=order.id, fetch=run.id))


@bp.get("/<int:order_id>/fetch/<int:run_id>")
def fetch_partial(order_id: int, run_id: int):
    """How fetching the order again is going; the finished state stops the polling."""
    order = get_scoped_or_404(Order, order_id)
    run = fetch_run(order, run_id)
    response = make_response(render_template("orders/_fetch.html", order=order, **run))
    response.vary.add("HX-Request")
    if wants_fragment() and run["changed"]:
        response.headers["HX-Refresh"] = "true"  # the page shows the order as it is now
    return response


def fetch_run(order: Order, run_id: int) -> dict:
    """The fetch run of this order, and the event it left (None while it works)."""
    run = get_scoped_or_404(SyncRun, run_id)
    if run.kind != KIND_FETCH or (run.params or {}).get("fetch") != order.id:
        abort(404)
    event = None
    if run.is_finished:  # polled every second while it works: no event to read until it ends
        query = select(SyncEvent).where(SyncEvent.run_id == run.id).order_by(SyncEvent.id)
        event = db.session.scalar(query.limit(1))
    changed = event is not None and event.outcome == "changed"
    return {"fetch": run, "event": event, "changed": changed}
