"""Inventory views: the list, inline stock edits and an item's custom settings."""

from __future__ import annotations

from flask import flash, make_response, redirect, render_template, request, url_for
from sqlalchemy import func, or_

from webapp.extensions import db
from webapp.inventory.blueprint import bp
from webapp.inventory.forms import SettingsForm, StockForm
from webapp.inventory.joor_view import connection, joor_views, kept_out_ids
from webapp.liveness import Liveness, store_liveness
from webapp.models import InventoryItem
from webapp.models.sync import KIND_INVENTORY
from webapp.orders.paging import PER_PAGE, page_or_fragment, paginate, wants_fragment
from webapp.rules import format_metadata, parse_metadata
from webapp.scoping import current_store_id, get_scoped_or_404, scoped
from webapp.sync.push.enqueue import enqueue_push_inventory
from webapp.sync.push.stock_source import pushed_fields


def _search(text: str, kept_out: bool = False):
    """Return the store's items by code, matching code, name or UPC (or only those kept out)."""
    query = scoped(InventoryItem).order_by(InventoryItem.code)
    if kept_out:
        query = query.where(InventoryItem.id.in_(kept_out_ids(current_store_id())))
    text = text.strip().lower()
    if text:
        columns = (InventoryItem.code, InventoryItem.name, InventoryItem.upc)
        query = query.where(or_(*(func.lower(c).contains(text, autoescape=True) for c in columns)))
    return query


@bp.get("/")
def index():
    """List inventory items with their stock, settings and what JOOR sees."""
    text, kept_out = request.args.get("q", ""), request.args.get("kept_out") == "1"
    page = paginate(_search(text, kept_out))
    conn = connection()
    return page_or_fragment(
        "inventory/index.html",
        "inventory/_list.html",
        page=page,
        q=text,
        kept_out=kept_out,
        views=joor_views(page.items, conn),
        conn=conn,
        live=_push_liveness(conn),
    )


def _push_liveness(conn) -> Liveness | None:
    """Whether the list follows pushes: only a store that syncs inventory has any."""
    if conn is None or not (conn.is_connected and conn.sync_inventory):
        return None
    return store_liveness(conn.store_id, kinds=(KIND_INVENTORY,), idle_check=True)


@bp.get("/last-pushed")
def last_pushed_partial():
    """Show the listed items' Last pushed cells; it polls while a push to JOOR is under way."""
    if not wants_fragment():
        return redirect(url_for("inventory.index"))
    wanted = request.args.get("ids", "").split(",")
    ids = [int(n) for n in wanted if n.isdigit() and len(n) < 10][:PER_PAGE]
    query = scoped(InventoryItem).where(InventoryItem.id.in_(ids)).order_by(InventoryItem.code)
    items = list(db.session.scalars(query))
    conn = connection()
    html = render_template(
        "inventory/_pushed_live.html", items=items, ids=",".join(map(str, ids)), cells=True,
        views=joor_views(items, conn), live=_push_liveness(conn),
    )  # fmt: skip
    response = make_response(html)
    response.vary.add("HX-Request")
    return response


def _item_page(item: InventoryItem, stock_form=None, settings_form=None, status: int = 200):
    """Render an item's page with its forms."""
    settings = format_metadata(item.item_metadata or {})
    return render_template(
        "inventory/item.html",
        item=item,
        stock_form=stock_form or StockForm(formdata=None, stock=item.stock),
        settings_form=settings_form or SettingsForm(formdata=None, settings=settings),
        view=joor_views([item], connection()).get(item.id),
    ), status


@bp.get("/<int:item_id>")
def item(item_id: int):
    """Show one item with its stock and custom settings forms."""
    return _item_page(get_scoped_or_404(InventoryItem, item_id))


@bp.post("/<int:item_id>/stock")
def stock_partial(item_id: int):
    """Change an item's stock; htmx gets the stock cell back, a plain form a redirect."""
    item = get_scoped_or_404(InventoryItem, item_id)
    form = StockForm()
    if not form.validate_on_submit():
        if wants_fragment():
            return _stock_fragment(item, form, 422)
        return _item_page(item, stock_form=form, status=422)
    changed, store_id, code = form.stock.data != item.stock, current_store_id(), item.code
    item.stock = form.stock.data
    db.session.commit()
    # Enqueued from values taken before the commit: a read after it could fail and lose it.
    if changed:
        enqueue_push_inventory(store_id, reason=f"stock of {code} edited", items=[code])
    if wants_fragment():
        form = StockForm(formdata=None, stock=item.stock)
        response = _stock_fragment(item, form, 200, saved=True)
        response.headers["HX-Trigger"] = "pushes-changed"  # the list says when the push comes
        return response
    flash(f"Stock of {item.code} set to {item.stock}.")
    return redirect(url_for("inventory.item", item_id=item.id))


def _stock_fragment(item: InventoryItem, form: StockForm, status: int, saved: bool = False):
    """Render the stock cell's form."""
    html = render_template("inventory/_stock.html", item=item, form=form, saved=saved)
    response = make_response(html, status)
    response.vary.add("HX-Request")
    return response


@bp.post("/<int:item_id>/settings")
def settings(item_id: int):
    """Replace an item's custom settings with the `name|value` lines given."""
    item = get_scoped_or_404(InventoryItem, item_id)
    form = SettingsForm()
    if not form.validate_on_submit():
        return _item_page(item, settings_form=form, status=422)
    before, store_id, code = pushed_fields(item), current_store_id(), item.code
    item.item_metadata = parse_metadata(form.settings.data or "")
    changed = pushed_fields(item) != before  # skip_joor, or a value the Twig identifiers read
    db.session.commit()
    if changed:
        enqueue_push_inventory(store_id, reason=f"settings of {code} edited", items=[code])
    flash(f"Custom settings of {item.code} saved.")
    return redirect(url_for("inventory.item", item_id=item.id))
