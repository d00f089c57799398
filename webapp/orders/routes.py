"""Order views: the list by folder, one order, moving orders between folders."""

from __future__ import annotations

import json

from flask import flash, redirect, render_template, request, url_for
from sqlalchemy import update

from webapp.extensions import db
from webapp.formkit import select_choices
from webapp.models import Folder, Order
from webapp.numbers import whole_number
from webapp.orders import queries
from webapp.orders.blueprint import bp
from webapp.orders.forms import EmptyForm, MoveForm, MoveManyForm
from webapp.orders.paging import page_or_fragment, paginate, wants_fragment
from webapp.orders.refetch import fetch_run, refetch_refusal
from webapp.rules.order_diff import DETAIL_LABELS
from webapp.scoping import current_store_id, get_scoped_or_404


def _folder_choices(form) -> None:
    """Offer the store's folders in the form's folder select."""
    form.folder_id.choices = select_choices((f.id, f.name) for f in queries.folders())


def _folder_name(form, folder_id: int) -> str:
    """Return the label of a folder offered in the form."""
    return next((c.label for c in form.folder_id.choices if c.value == folder_id), "")


def _selected_folder() -> int | None:
    """Return the folder id asked for in the query string, when it is the store's."""
    raw = request.args.get("folder", "")
    if not raw.isdigit():
        return None
    # A number no row can have ("²" is a digit too) is 0 here, which no folder has either: 404.
    return get_scoped_or_404(Folder, whole_number(raw) or 0).id


@bp.get("/")
def index():
    """List orders in a folder, all, or those changed in JOOR; searchable by id, PO or customer."""
    folder_id, text = _selected_folder(), request.args.get("q", "")
    changed = request.args.get("changed") == "1"
    page = paginate(queries.order_search(folder_id, text, changed=changed))
    form = MoveManyForm()
    _folder_choices(form)
    # The folder list and its counts belong to the whole page; a search or a page swaps the list.
    sidebar = {} if wants_fragment() else {
        "changed_count": queries.changed_count(), "counts": queries.folder_counts()
    }  # fmt: skip
    return page_or_fragment(
        "orders/index.html",
        "orders/_list.html",
        page=page,
        folder_id=folder_id,
        q=text,
        changed=changed,
        form=form,
        **sidebar,
    )


@bp.get("/<int:order_id>")
def detail(order_id: int):
    """Show one order: customer, addresses, items, totals, its changes in JOOR and the payload."""
    order = get_scoped_or_404(Order, order_id)
    form = MoveForm(folder_id=order.folder_id)
    _folder_choices(form)
    payload = json.dumps(order.payload, indent=2, sort_keys=True) if order.payload else ""
    fetch_id = request.args.get("fetch", type=int)
    return render_template(
        "orders/detail.html",
        order=order,
        form=form,
        payload=payload,
        fetch_form=EmptyForm(),
        refusal=refetch_refusal(order),
        detail_labels=DETAIL_LABELS,  # named as the history names them
        **(fetch_run(order, fetch_id) if fetch_id else {}),
    )


@bp.post("/<int:order_id>/move")
def move(order_id: int):
    """Move one order to another folder."""
    order = get_scoped_or_404(Order, order_id)
    form = MoveForm()
    _folder_choices(form)
    if not form.validate_on_submit():
        flash("Choose one of your folders.")
        return redirect(url_for("orders.detail", order_id=order.id))
    order.folder_id = form.folder_id.data
    db.session.commit()
    flash(f"Order moved to {_folder_name(form, order.folder_id)}.")
    return redirect(url_for("orders.detail", order_id=order.id))


@bp.post("/move")
def move_many():
    """Move the ticked orders to another folder."""
    form = MoveManyForm()
    _folder_choices(form)
    back = url_for("orders.index", folder=request.form.get("return_folder") or None)
    if not form.validate_on_submit() or not form.order_ids.data:
        flash("Tick at least one order and choose one of your folders.")
        return redirect(back)
    moved = db.session.execute(
        update(Order)
        .where(Order.store_id == current_store_id(), Order.id.in_(form.order_ids.data))
        .values(folder_id=form.folder_id.data)
    ).rowcount
    db.session.commit()
    flash(f"{moved} order(s) moved to {_folder_name(form, form.folder_id.data)}.")
    return redirect(back)
