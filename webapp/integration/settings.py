"""The settings form, its audit list, the Twig previews and the Overwrite warning."""

from __future__ import annotations

from flask import abort, flash, make_response, redirect, render_template, request, url_for
from flask_login import current_user

from webapp.extensions import db
from webapp.integration.blueprint import bp
from webapp.integration.common import (
    fragment_or_panel,
    push_button_oob,
    store_connection,
    varying,
    wants_fragment,
)
from webapp.integration.forms import TEMPLATE_NAMES, SettingsForm
from webapp.integration.panel import render_panel, settings_context
from webapp.integration.previews import (
    overwrite_drops,
    preview,
    push_cost,
    sample_items,
    settings_form,
)
from webapp.models import JoorConnection
from webapp.numbers import int_arg
from webapp.sync.connection.settings import (
    SETTING_LABELS,
    Actor,
    SettingsError,
    apply_settings,
    value_label,
)
from webapp.sync.push.enqueue import enqueue_push_after_settings


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
