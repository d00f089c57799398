"""Mark as reviewed: a person has dealt with the changes JOOR made to an order.

Reviewing clears the order's marks (list badge, "Changed in JOOR" filter, banner) and keeps
the data: changed_in_joor_at, which the API lists changes by, and the history. The form
carries the change the merchant saw, so a change that lands meanwhile stays flagged.
"""

from __future__ import annotations

from datetime import datetime

from flask import flash, make_response, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy import update

from webapp.clock import utcnow
from webapp.extensions import db
from webapp.models import Order
from webapp.orders.blueprint import bp
from webapp.orders.forms import ReviewForm
from webapp.orders.paging import wants_fragment
from webapp.scoping import get_scoped_or_404

REVIEWED = "Marked as reviewed. A new change made in JOOR marks the order again."
MOVED_ON = (
    "JOOR changed this order again while you were looking, so it is not marked as reviewed. "
    "Read the newest change below, then mark it again."
)
EXPIRED = "The form expired, so the order is not marked as reviewed; reload the page and try again."
NOTHING = "JOOR has not changed this order since it was imported, so there is nothing to review."


@bp.post("/<int:order_id>/review")
def review(order_id: int):
    """Mark the order's changes made in JOOR, up to the one the merchant saw, as reviewed."""
    order = get_scoped_or_404(Order, order_id)
    message = _outcome(order, ReviewForm())
    if wants_fragment():
        db.session.refresh(order)
        html = render_template("orders/_review.html", order=order, message=message)
        response = make_response(html)
        response.vary.add("HX-Request")
        return response
    flash(message)
    return redirect(url_for("orders.detail", order_id=order.id))


def _outcome(order: Order, form: ReviewForm) -> str:
    """Mark the order reviewed when the form is sound; what happened, in words."""
    if order.changed_in_joor_at is None:
        return NOTHING
    seen = _moment(form.seen.data) if form.validate_on_submit() else None
    if seen is None:
        return EXPIRED
    return REVIEWED if _mark(order, seen) else MOVED_ON


def _mark(order: Order, seen: datetime) -> bool:
    """Record the review unless the order changed in JOOR since the merchant's page showed it."""
    marked = db.session.execute(
        update(Order)
        .where(Order.store_id == order.store_id, Order.id == order.id)
        .where(Order.changed_in_joor_at == seen)
        .values(changes_reviewed_at=utcnow(), changes_reviewed_by=current_user.email)
    ).rowcount
    db.session.commit()
    return marked == 1


def _moment(text: str | None) -> datetime | None:
    """The change time the form carries (an aware ISO moment), or None when it is not one."""
    try:
        moment = datetime.fromisoformat(text or "")
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else None
