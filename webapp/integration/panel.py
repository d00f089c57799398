"""The JOOR panel page, and what each of its sections shows (the sections' views import this).

Every section has a context builder here: the status badge, Connect, Connection details,
Settings, Manual Import and the newest runs. `render_panel` draws the whole page from them,
keeping a submitted form and its errors where one is given; the section modules serve the
same contexts as HTMX partials.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from flask import current_app, make_response, render_template
from sqlalchemy import select

from webapp.clock import utcnow
from webapp.extensions import db
from webapp.formkit import select_choices
from webapp.integration.alerts import alert_banner
from webapp.integration.common import store_connection, varying
from webapp.integration.forms import (
    TEMPLATE_NAMES,
    ConnectForm,
    EmptyForm,
    ImportForm,
    SettingsForm,
    environment_choices,
)
from webapp.integration.previews import (
    form_preview,
    overwrite_drops,
    push_cost,
    sample_items,
    settings_form,
)
from webapp.integration.run_data import recent_context
from webapp.liveness import Liveness, store_liveness
from webapp.models import JoorConnection, SettingsChange, SyncRun
from webapp.models.joor import STATUS_CHECKING, STATUS_DISCONNECTED
from webapp.models.sync import KIND_MANUAL, KIND_POLL
from webapp.scoping import scoped
from webapp.sync.connection.clients import factory_from_app
from webapp.sync.connection.enqueue import probe_pending
from webapp.sync.connection.health import connection_verdict
from webapp.sync.connection.probing import PAGING_WORDS
from webapp.sync.orders.importing import IMPORT_ERROR_PREFIX

log = logging.getLogger(__name__)
AUDIT_LINES = 20


def render_panel(
    status: int = 200,
    *,
    connect: ConnectForm | None = None,
    settings: SettingsForm | None = None,
    import_form: ImportForm | None = None,
):
    """Render the whole panel, keeping a submitted form (and its errors) where given."""
    conn = store_connection()
    live = store_liveness(conn.store_id)  # the status and the newest runs share it
    html = render_template(
        "integration/panel.html",
        status_ctx=status_context(conn, live),
        connect_ctx=connect_context(conn, connect),
        details_ctx=details_context(conn),
        settings_ctx=settings_context(conn, settings),
        import_ctx=import_context(import_form),
        recent=recent_context(live),
        alert_banner=alert_banner(conn.store_id),
    )
    return varying(make_response(html, status))


def connect_form(*, submitted: bool = False, environment: str | None = None) -> ConnectForm:
    """Return the connect form offering this server's environments (filled from the request).

    A new form starts on `environment` (the one connected to, when replacing a token).
    """
    form = ConnectForm() if submitted else ConnectForm(formdata=None, environment=environment)
    form.environment.choices = select_choices(
        environment_choices(current_app.config.get("JOOR_LOCAL_URL"))
    )
    return form


def credit_usage(conn: JoorConnection):
    """Return the account's credits in the current JOOR window (read from Redis), or None."""
    if not conn.account_key or not conn.is_connected:
        return None

    try:
        return factory_from_app(current_app).budget_usage(conn)
    except Exception:  # noqa: BLE001 - a Redis hiccup must not break the status badge
        log.warning("store %s: credit usage unavailable", conn.store_id, exc_info=True)
        return None


def status_context(conn: JoorConnection, live: Liveness | None = None) -> dict:
    """What the status fragment shows (and the runs' liveness mark its next poll sends)."""
    live = live or store_liveness(conn.store_id)
    return {
        "runs_mark": live.mark,
        "conn": conn,
        "usage": credit_usage(conn),
        "live": conn.status != STATUS_DISCONNECTED,
        "environments": dict(environment_choices("local")),
        "import_failing": (conn.last_error or "").startswith(IMPORT_ERROR_PREFIX),
        "first_check": conn.watermark is None and not _has_polled(conn.store_id),
        "verdict": connection_verdict(db.session, conn),
    }


def _has_polled(store_id: int) -> bool:
    """Tell whether a scheduled check has run for the store (even one that failed)."""
    query = select(SyncRun.id).where(SyncRun.store_id == store_id, SyncRun.kind == KIND_POLL)
    return db.session.scalar(query.limit(1)) is not None


# A worker checks a token in about a second; after this long, say what may be wrong.
SLOW_CHECK = timedelta(seconds=20)


def connect_context(conn: JoorConnection, form: ConnectForm | None = None) -> dict:
    """What the connect section shows."""
    return {
        "conn": conn,
        # After a refused token, the environment the merchant chose for it, not Production.
        "form": form or connect_form(environment=conn.pending_environment or conn.environment),
        "disconnect_form": EmptyForm(formdata=None),
        "checking": conn.status == STATUS_CHECKING,
        "check_is_slow": _check_is_slow(conn),
        "environments": dict(environment_choices("local")),
    }


def _check_is_slow(conn: JoorConnection) -> bool:
    """Tell whether a token check has waited long enough that no worker is likely running."""
    return bool(
        conn.status == STATUS_CHECKING
        and conn.pending_since
        and utcnow() - conn.pending_since > SLOW_CHECK
    )


def details_context(conn: JoorConnection, *, opened: bool = False) -> dict:
    """What the Connection details section shows."""
    return {
        "conn": conn,
        "result": conn.probe_result or None,
        "learned": conn.wire_dialect or {},
        "checking": conn.is_connected and probe_pending(conn.store_id),
        "opened": opened,
        "form": EmptyForm(formdata=None),
        "paging_words": PAGING_WORDS,
    }


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
        "previews": {n: form_preview(form, n, items) for n in TEMPLATE_NAMES},
        "has_items": bool(items),
        # The saved settings' count comes from a worker; a form being corrected waits for it.
        "overwrite": overwrite_drops(conn, form, wait=submitted),
        "push_cost": push_cost(conn, form),
        "changes": changes,
        **extra,
    }


def latest_run(kind: str) -> SyncRun | None:
    """Return the store's newest run of a kind."""
    return db.session.scalar(
        scoped(SyncRun).where(SyncRun.kind == kind).order_by(SyncRun.id.desc())
    )


def import_context(form: ImportForm | None = None) -> dict:
    """What the Manual Import section shows: the form and the latest manual run."""
    return {"import_form": form or ImportForm(formdata=None), "run": latest_run(KIND_MANUAL)}
