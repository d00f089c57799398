"""Cancelling an import from its run page."""

from __future__ import annotations

from flask import abort, flash, url_for
from flask_login import current_user

from webapp.integration.blueprint import bp
from webapp.integration.common import go_to
from webapp.integration.forms import EmptyForm
from webapp.models import SyncRun
from webapp.models.sync import KIND_INVENTORY
from webapp.scoping import get_scoped_or_404
from webapp.sync.orders.enqueue import cancel_import_run


@bp.post("/joor/runs/<int:run_id>/cancel")
def cancel_run(run_id: int):
    """Stop a queued or running import: at once while it waits, after its page if it runs."""
    run = get_scoped_or_404(SyncRun, run_id)
    if run.kind == KIND_INVENTORY or not EmptyForm().validate_on_submit():
        abort(400)

    flash(cancel_import_run(run, current_user.email))
    return go_to(url_for("integration.run_detail", run_id=run.id))
