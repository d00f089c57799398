"""The CSV import pages: upload, report bad rows, apply the good ones when confirmed."""

from __future__ import annotations

import re
import secrets
from pathlib import Path

from flask import abort, current_app, flash, redirect, render_template, url_for
from flask_login import current_user

from webapp.clock import now_epoch
from webapp.extensions import db
from webapp.inventory.blueprint import bp
from webapp.inventory.bulk import upsert_items
from webapp.inventory.csv_import import CsvCheck, CsvFileError, check_csv
from webapp.inventory.forms import UploadForm
from webapp.orders.forms import EmptyForm
from webapp.scoping import current_store_id
from webapp.sync.push.enqueue import enqueue_push_inventory

TOKEN = re.compile(r"^[A-Za-z0-9_-]{20,40}$")
KEEP_SECONDS = 24 * 3600


def _upload_dir() -> Path:
    """Return the folder where uploads wait for confirmation."""
    folder = Path(current_app.instance_path) / "imports"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _upload_path(token: str) -> Path:
    """Return the waiting file for a token; it is bound to the current store and user."""
    if not TOKEN.match(token):
        abort(404)
    return _upload_dir() / f"{current_store_id()}-{current_user.id}-{token}.csv"


def _forget_old_uploads() -> None:
    """Remove uploads nobody confirmed within a day."""
    cutoff = now_epoch() - KEEP_SECONDS
    for path in _upload_dir().glob("*.csv"):
        if path.stat().st_mtime < cutoff:
            path.unlink(missing_ok=True)


@bp.get("/import")
def upload():
    """Show the CSV upload form and what the file may hold."""
    return render_template("inventory/import.html", form=UploadForm())


@bp.post("/import")
def upload_post():
    """Check an uploaded CSV; apply it when every row is good, else report the bad rows."""
    form = UploadForm()
    if not form.validate_on_submit():
        return render_template("inventory/import.html", form=form), 422
    _forget_old_uploads()
    token = secrets.token_urlsafe(18)
    path = _upload_path(token)
    form.file.data.save(path)
    try:
        check = check_csv(path)
    except CsvFileError as exc:
        path.unlink(missing_ok=True)
        return render_template("inventory/import.html", form=form, file_error=str(exc)), 422
    if check.error_count:
        return render_template(
            "inventory/import_report.html", check=check, token=token, form=EmptyForm()
        ), 422
    path.unlink(missing_ok=True)
    return _apply(check)


def _apply(check: CsvCheck):
    """Write the good rows in bulk, enqueue one push if stock changed, and say what happened."""
    store_id = current_store_id()
    result = upsert_items(store_id, check.rows)
    db.session.commit()
    if result.changed:
        codes = [row["code"] for row in check.rows]
        enqueue_push_inventory(store_id, reason="CSV import", items=codes)
    skipped = f", {check.error_count:,} bad row(s) left out" if check.error_count else ""
    flash(f"Imported {result.created:,} new and {result.updated:,} updated item(s){skipped}.")
    return redirect(url_for("inventory.index"))


@bp.post("/import/<token>/apply")
def apply_import(token: str):
    """Apply only the good rows of a checked upload, once the merchant confirms."""
    path = _upload_path(token)
    if not EmptyForm().validate_on_submit():
        abort(400)
    if not path.exists():
        flash("That upload has expired or was already applied; upload the file again.")
        return redirect(url_for("inventory.upload"))
    try:
        check = check_csv(path)
    finally:
        path.unlink(missing_ok=True)
    return _apply(check)


@bp.post("/import/<token>/discard")
def discard_import(token: str):
    """Forget a checked upload without writing anything."""
    path = _upload_path(token)
    if not EmptyForm().validate_on_submit():
        abort(400)
    path.unlink(missing_ok=True)
    flash("Import cancelled; nothing was changed.")
    return redirect(url_for("inventory.upload"))
