"""What the settings section works out: the form's saved values, Twig previews as the push
renders them, the Overwrite warning (counted by a worker) and what pushes would cost."""

from __future__ import annotations

import time
from functools import partial
from itertools import islice

import redis

from webapp.clock import now_epoch
from webapp.extensions import db, get_redis
from webapp.formkit import select_choices
from webapp.integration.forms import TEMPLATE_NAMES, SettingsForm
from webapp.models import Folder, JoorConnection
from webapp.rules import TemplateError, compile_template
from webapp.rules.identifiers import error_pointer, field_value
from webapp.scoping import scoped
from webapp.sync.connection.settings import DEFAULT_CANCELLED, TEMPLATE_FIELDS
from webapp.sync.connection.settings import current_values as saved_values
from webapp.sync.push.cost_preview import push_cost_preview
from webapp.sync.push.enqueue import enqueue_overwrite_count
from webapp.sync.push.overwrite_preview import overwrite_summary
from webapp.sync.push.service import settings_for
from webapp.sync.push.stock_source import iter_stock_items

PREVIEW_ITEMS = 3
# A preview answers as the merchant types: its renders together stop after this long.
PREVIEW_SECONDS = 1.0
# A count no worker has made after this long: the worker is probably not running.
COUNT_PATIENCE_SECONDS = 60


def settings_form(conn: JoorConnection, *, submitted: bool = False) -> SettingsForm:
    """Return the form holding the saved settings, or the submitted ones when `submitted`."""
    values = saved_values(db.session, conn)
    values["sync_inventory"] = conn.sync_inventory
    values["poll_minutes"] = conn.poll_minutes
    values["push_share"] = conn.push_share
    form = SettingsForm(data=values) if submitted else SettingsForm(formdata=None, data=values)
    folders = list(db.session.scalars(scoped(Folder).order_by(Folder.position, Folder.id)))
    form.folder.choices = select_choices((f.name, f.name) for f in folders)
    default = [] if values["cancelled_folder"] else [("", DEFAULT_CANCELLED)]
    form.cancelled_folder.choices = select_choices(default + [(f.name, f.name) for f in folders])
    return form


def preview(field: str, source: str, items) -> dict:
    """Render one template for a few items as the push will: {"rows": [...], "error"}."""
    label = dict(TEMPLATE_FIELDS)[field]
    try:
        template = compile_template(source, label)
    except TemplateError as exc:
        return {"field": field, "label": label, "rows": [], "error": str(exc),
                "pointer": error_pointer(source, exc)}  # fmt: skip
    # One time limit for the whole preview, however many items it shows.
    deadline = time.monotonic() + PREVIEW_SECONDS
    rows = []
    for item in items:
        try:
            rows.append((item.code, field_value(template, item, deadline=deadline), None))
        except TemplateError as exc:
            rows.append((item.code, None, str(exc)))
    all_empty = bool(rows) and all(value == "" for _, value, _ in rows)
    return {"field": field, "label": label, "rows": rows, "error": None, "all_empty": all_empty}


def form_preview(form: SettingsForm, field: str, items) -> dict:
    """A field's preview beside the form; an error the field already shows is not repeated."""
    result = preview(field, getattr(form, field).data or "", items)
    if result["error"] and result["error"] in getattr(form, field).errors:
        result["error"], result["repeated"] = None, True
    return result


def sample_items(store_id: int) -> list:
    """Return a few of the store's real items to preview templates against."""
    return list(islice(iter_stock_items(db.session, store_id, batch=PREVIEW_ITEMS), PREVIEW_ITEMS))


def overwrite_drops(
    conn: JoorConnection, form: SettingsForm, *, wait: bool = True, since: int | None = None
) -> dict | None:
    """Count what an Overwrite with these settings would drop from JOOR; None when not Overwrite.

    With `wait` off (the saved settings, drawn on every view of the panel) a count not kept
    yet is left to a worker, and the warning says it is counting since `since` (epoch s).
    """
    if form.inventory_mode.data != "overwrite":
        return None
    templates = {name: getattr(form, name).data or "" for name in TEMPLATE_NAMES}
    settings = settings_for(form.identifier.data, templates)
    warehouse = (form.warehouse.data or "").strip()
    count = partial(overwrite_summary, db.session, get_redis(), conn.store_id, settings, warehouse)
    try:
        summary = count(compute=wait)
        if summary is None:
            return _counting(conn.store_id, int(now_epoch()) if since is None else since)
    except (TemplateError, ValueError) as exc:
        return {"error": str(exc)}
    except redis.RedisError:
        summary = count()  # no worker can be asked without Redis: count here
    return {"summary": summary, "error": None, "warehouse": warehouse}


def _counting(store_id: int, since: int) -> dict:
    """The warning while a worker counts; after a minute it says the worker may be down."""
    enqueue_overwrite_count(store_id)
    stale = now_epoch() - since > COUNT_PATIENCE_SECONDS
    return {"pending": True, "since": since, "stale": stale, "error": None}


def push_cost(conn: JoorConnection, form: SettingsForm) -> dict | None:
    """What pushes would cost with the form's settings (None while Sync Inventory is off)."""
    if not form.sync_inventory.data:
        return None
    share = form.push_share.data or conn.push_share
    costs = push_cost_preview(db.session, get_redis(), conn.store_id, conn.account_key, share)
    return {"costs": costs, "share": share, "mode": form.inventory_mode.data}
