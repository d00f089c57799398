"""API: inventory items (list, read, create, update, batch upsert by code)."""

from __future__ import annotations

from flask import g, jsonify, url_for
from sqlalchemy import select

from webapp.api.blueprint import bp
from webapp.api.errors import ApiError, json_body, page_args
from webapp.api.serialise import item_json
from webapp.extensions import db
from webapp.inventory.bulk import upsert_items
from webapp.inventory.fields import (
    FieldError,
    clean_code,
    clean_mapping,
    clean_price,
    clean_stock,
    clean_text,
    clean_upc,
)
from webapp.models import InventoryItem
from webapp.sync.push.enqueue import enqueue_push_inventory
from webapp.sync.push.stock_source import pushed_fields

BATCH_LIMIT = 1000
FIELDS = ("code", "name", "upc", "price", "stock", "metadata", "variation_list")


def _field_error(exc: FieldError) -> ApiError:
    code = "invalid_field" if exc.status == 400 else "invalid_value"
    return ApiError(exc.status, code, exc.message, exc.field)


def parse_item(data: object, *, require_code: bool) -> dict:
    """Check an item body; return the fields it sets (an "id" key is ignored)."""
    if not isinstance(data, dict):
        raise FieldError("body", "an item must be a JSON object")
    unknown = sorted(set(data) - set(FIELDS) - {"id"})
    if unknown:
        raise FieldError(
            unknown[0], f"unknown field {unknown[0]!r}; fields are {', '.join(FIELDS)}"
        )
    if require_code and data.get("code") is None:
        raise FieldError("code", "code is required")
    if "stock" in data and not isinstance(data["stock"], int):
        raise FieldError("stock", "stock must be a whole number")
    cleaners = {
        "code": clean_code,
        "name": lambda v: clean_text("name", "" if v is None else v, 255),
        "upc": clean_upc,
        "price": clean_price,
        "stock": clean_stock,
        "metadata": lambda v: clean_mapping("metadata", v),
        "variation_list": lambda v: clean_mapping("variation_list", v),
    }
    return {key: cleaners[key](data[key]) for key in FIELDS if key in data}


def _by_code(code: str) -> InventoryItem | None:
    """Return the store's item with this code."""
    query = select(InventoryItem).where(
        InventoryItem.store_id == g.api_store.id, InventoryItem.code == code
    )
    return db.session.scalar(query)


def _item_or_404(item_id: int) -> InventoryItem:
    """Return the store's item with this id, or answer 404."""
    item = db.session.scalar(
        select(InventoryItem).where(
            InventoryItem.store_id == g.api_store.id, InventoryItem.id == item_id
        )
    )
    if item is None:
        raise ApiError(404, "not_found", f"No inventory item {item_id}.")
    return item


def _apply(item: InventoryItem, values: dict) -> None:
    """Set the given fields on an item."""
    for key, value in values.items():
        setattr(item, "item_metadata" if key == "metadata" else key, value)


@bp.get("/inventory-items")
def list_items():
    """List the store's items by id."""
    page, per_page = page_args()
    query = (
        select(InventoryItem)
        .where(InventoryItem.store_id == g.api_store.id)
        .order_by(InventoryItem.id)
    )
    result = db.paginate(query, page=page, per_page=per_page, error_out=False)
    items = [item_json(item) for item in result.items]
    return jsonify(total=result.total, page=page, per_page=per_page, inventory_items=items)


@bp.get("/inventory-items/<int:item_id>")
def get_item(item_id: int):
    """Return one item."""
    return jsonify(item_json(_item_or_404(item_id)))


@bp.post("/inventory-items")
def create_item():
    """Create an item; its code must be new to the store."""
    try:
        values = parse_item(json_body(), require_code=True)
    except FieldError as exc:
        raise _field_error(exc) from None
    if _by_code(values["code"]) is not None:
        raise ApiError(
            409, "duplicate_code", f"An item with code {values['code']!r} exists.", "code"
        )
    item = InventoryItem(store_id=g.api_store.id, code=values["code"], item_metadata={},
                         variation_list={})  # fmt: skip
    _apply(item, values)
    db.session.add(item)
    store_id, code = g.api_store.id, values["code"]
    db.session.commit()
    # Straight after the commit, from values in hand: a read in between could fail.
    enqueue_push_inventory(store_id, reason=f"API created {code}", items=[code])
    response = jsonify(item_json(item))
    response.status_code = 201
    response.headers["Location"] = url_for("api.get_item", item_id=item.id)
    return response


@bp.put("/inventory-items/<int:item_id>")
def update_item(item_id: int):
    """Change the fields given; fields left out keep their values."""
    item = _item_or_404(item_id)
    body = json_body()
    try:
        values = parse_item(_unchanged_upc_dropped(body, item), require_code=False)
    except FieldError as exc:
        raise _field_error(exc) from None
    code = values.get("code", item.code)
    if code != item.code and _by_code(code) is not None:
        raise ApiError(409, "duplicate_code", f"An item with code {code!r} exists.", "code")
    before = pushed_fields(item)
    _apply(item, values)
    changed, store_id = pushed_fields(item) != before, g.api_store.id
    db.session.commit()
    # Decided before the commit: reading the item again after it could fail and lose the push.
    if changed:
        enqueue_push_inventory(store_id, reason=f"API updated {code}", items=[code])
    return jsonify(item_json(item))


def _unchanged_upc_dropped(body: object, item: InventoryItem) -> object:
    """The body without a UPC equal to the stored one: an older UPC is kept, not refused."""
    if isinstance(body, dict) and "upc" in body and body["upc"] == item.upc:
        return {key: value for key, value in body.items() if key != "upc"}
    return body


@bp.put("/inventory-items")
def batch_upsert():
    """Create or update up to 1,000 items by code, all or nothing."""
    rows, store_id = _batch_rows(json_body()), g.api_store.id
    codes = [row["code"] for row in rows]
    result = upsert_items(store_id, rows)
    db.session.commit()
    if result.changed:
        enqueue_push_inventory(store_id, reason=f"API batch of {len(rows)}", items=codes)
    found = {
        item.code: item
        for item in db.session.scalars(
            select(InventoryItem).where(
                InventoryItem.store_id == store_id, InventoryItem.code.in_(codes)
            )
        )
    }
    return jsonify(
        created=result.created,
        updated=result.updated,
        inventory_items=[item_json(found[code]) for code in codes],
    )


def _batch_rows(body: object) -> list[dict]:
    """Check every item of a batch; answer with each bad one's index if any is wrong."""
    items = body.get("inventory_items") if isinstance(body, dict) else None
    if not isinstance(items, list) or not items:
        raise ApiError(400, "invalid_field", 'Send {"inventory_items": [...]}.', "inventory_items")
    if len(items) > BATCH_LIMIT:
        raise ApiError(422, "too_many_items", f"Send at most {BATCH_LIMIT} items per call.",
                       "inventory_items")  # fmt: skip
    rows, errors, seen = [], [], {}
    for index, data in enumerate(items):
        try:
            row = parse_item(data, require_code=True)
        except FieldError as exc:
            errors.append({"index": index, "field": exc.field, "message": exc.message,
                           "status": exc.status})  # fmt: skip
            continue
        if row["code"] in seen:
            message = f"code {row['code']!r} is also at index {seen[row['code']]}"
            errors.append({"index": index, "field": "code", "message": message, "status": 422})
            continue
        seen[row["code"]] = index
        rows.append(row)
    if errors:
        status = 400 if any(e["status"] == 400 for e in errors) else 422
        message = f"{len(errors)} item(s) are invalid; nothing was written."
        raise ApiError(status, "invalid_items", message, items=errors)
    return rows
