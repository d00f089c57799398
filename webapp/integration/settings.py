"""The settings form, its audit list, the Twig previews and the Overwrite warning."""

from __future__ import annotations

import time
from functools import partial
from itertools import islice

import redis
from flask import abort, flash, make_response, redirect, render_template, request, url_for
from flask_login import current_user

from webapp.extensions import db, get_redis
from webapp.formkit import select_choices
from webapp.integration.blueprint import bp
from webapp.integration.common import (
    fragment_or_panel,
    push_button_oob,
    store_connection,
    varying,
    wants_fragment,
)
from webapp.integration.forms import TEMPLATE_NAMES, SettingsForm
from webapp.models import Folder, JoorConnection, SettingsChange
from webapp.numbers import int_arg
from webapp.rules import TemplateError, compile_template
from webapp.rules.identifiers import error_pointer, field_value
from webapp.scoping import scoped
from webapp.sync.connection.settings import (
    DEFAULT_CANCELLED,
    SETTING_LABELS,
    TEMPLATE_FIELDS,
    Actor,
    SettingsError,
    apply_settings,
    value_label,
)
from webapp.sync.connection.settings import current_values as saved_values
from webapp.sync.push.cost_preview import push_cost_preview
from webapp.sync.push.enqueue import enqueue_overwrite_count, enqueue_push_after_settings
from webapp.sync.push.overwrite_preview import overwrite_summary
from webapp.sync.push.service import settings_for
from webapp.sync.push.stock_source import iter_stock_items

PREVIEW_ITEMS = 3
# A preview answers as the merchant types: its renders together stop after this long.
PREVIEW_SECONDS = 1.0
AUDIT_LINES = 20
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


def _preview_of(form: SettingsForm, field: str, items) -> dict:
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
            return _counting(conn.store_id, int(time.time()) if since is None else since)
    except (TemplateError, ValueError) as exc:
        return {"error": str(exc)}
    except redis.RedisError:
        summary = count()  # no worker can be asked without Redis: count here
    return {"summary": summary, "error": None, "warehouse": warehouse}


def _counting(store_id: int, since: int) -> dict:
    """The warning while a worker counts; after a minute it says the worker may be down."""
    enqueue_overwrite_count(store_id)
    stale = time.time() - since > COUNT_PATIENCE_SECONDS
    return {"pending": True, "since": since, "stale": stale, "error": None}


def push_cost(conn: JoorConnection, form: SettingsForm) -> dict | None:
    """What pushes would cost with the form's settings (None while Sync Inventory is off)."""
    if not form.sync_inventory.data:
        return None
    share = form.push_share.data or conn.push_share
    costs = push_cost_preview(db.session, get_redis(), conn.store_id, conn.account_key, share)
    return {"costs": costs, "share": share, "mode": form.inventory_mode.data}


def settings_context(conn: JoorConnection, form: SettingsForm | None = None, **extra) -> dict:
    """What the settings section shows: the form, previews, warning and audit list."""
    submitted = form is not None
    form = form or settings_form(conn)
    items = sample_items(conn.store_id)
    # Read at once: a result left half-read while the previews run holds its cursor open.
    changes = db.session.scalars(
        scoped(SettingsChange).order_by(SettingsChange.id.desc()).limit(AUDIT_LINES)
    ).all()
    return {
        "form": form,
        "previews": {n: _preview_of(form, n, items) for n in TEMPLATE_NAMES},
        "has_items": bool(items),
        # The saved settings' count comes from a worker; a form being corrected waits for it.
        "overwrite": overwrite_drops(conn, form, wait=submitted),
        "push_cost": push_cost(conn, form),
        "changes": changes,
        **extra,
    }


@bp.app_template_filter("setting_label")
def setting_label(name: str) -> str:
    """A setting's name as the panel's form labels it (the audit list)."""
    return SETTING_LABELS.get(name, name)


@bp.app_template_filter("setting_value")
def setting_value(value: str, name: str) -> str:
    """A recorded value of a setting as the form's choices word it."""
    return value_label(name, value)


@bp.post("/joor/settings")
def save_settings():
    """Validate and save the settings; answer 422 with the errors inline."""
    conn = store_connection()
    form = settings_form(conn, submitted=True)
    if form.validate_on_submit():
        actor = Actor(label=current_user.email, user_id=current_user.id)
        try:
            saved = apply_settings(db.session, conn, form.changes(), actor)
        except SettingsError as exc:
            conn = store_connection()
            for name, message in exc.errors.items():
                getattr(form, name).errors = [*getattr(form, name).errors, message]
        else:
            enqueue_push_after_settings(conn.store_id, [change.setting for change in saved])
            return _saved(conn, len(saved))
    return _invalid(conn, form)


def _saved(conn: JoorConnection, count: int):
    """Answer a successful save: the fresh section for htmx, a redirect for a plain form."""
    note = (
        f"Settings saved ({count} change{'s' if count != 1 else ''})."
        if count
        else ("Nothing changed.")
    )
    if wants_fragment():
        context = settings_context(conn, saved=note)
        html = render_template("integration/_settings.html", **context)
        # Sync Inventory may have just been switched: the Push button follows it out of band.
        html += push_button_oob(conn, context["overwrite"])
        return varying(make_response(html))
    flash(note)
    return redirect(url_for("integration.panel") + "#settings")


def _invalid(conn: JoorConnection, form: SettingsForm):
    """Show the form again with its errors, status 422."""
    if wants_fragment():
        html = render_template("integration/_settings.html", **settings_context(conn, form))
        return varying(make_response(html, 422))
    from webapp.integration.routes import render_panel

    return render_panel(status=422, settings=form)


@bp.get("/joor/settings")
def settings_partial():
    """Show the settings section with the saved values."""
    conn = store_connection()
    return fragment_or_panel("integration/_settings.html", **settings_context(conn))


@bp.post("/joor/settings/preview/<field>")
def template_preview_partial(field: str):
    """Render one Twig field against a few real items as the merchant types."""
    if field not in TEMPLATE_NAMES:
        abort(404)
    conn = store_connection()
    result = preview(field, request.form.get(field, ""), sample_items(conn.store_id))
    return fragment_or_panel("integration/_preview.html", p=result)


@bp.get("/joor/settings/overwrite")
def overwrite_count_partial():
    """The warning for the saved settings, once a worker has counted it (polled meanwhile)."""
    conn = store_connection()
    since = int_arg("since", high=2**53)
    overwrite = overwrite_drops(conn, settings_form(conn), wait=False, since=since)
    if not wants_fragment():
        return fragment_or_panel("integration/_overwrite.html", overwrite=overwrite)
    # The Push button's question quotes the same count: it follows out of band.
    html = render_template("integration/_overwrite.html", overwrite=overwrite)
    html += push_button_oob(conn, overwrite)
    return varying(make_response(html))


@bp.post("/joor/settings/cost")
def push_cost_partial():
    """Say what pushes would cost in JOOR credits with the settings being edited."""
    conn = store_connection()
    form = settings_form(conn, submitted=True)
    return fragment_or_panel("integration/_push_cost.html", cost=push_cost(conn, form))


@bp.post("/joor/settings/overwrite")
def overwrite_warning_partial():
    """Warn how many JOOR styles the next push would drop in Overwrite mode."""
    conn = store_connection()
    form = settings_form(conn, submitted=True)
    return fragment_or_panel("integration/_overwrite.html", overwrite=overwrite_drops(conn, form))
