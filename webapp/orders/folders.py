"""Folder views: create, rename and remove the store's order folders."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from sqlalchemy import func, select

from webapp.extensions import db
from webapp.models import Folder, JoorConnection
from webapp.orders import queries
from webapp.orders.blueprint import bp
from webapp.orders.forms import EmptyForm, FolderForm
from webapp.scoping import current_store_id, get_scoped_or_404, scoped


def _name_taken(name: str, except_id: int | None = None) -> bool:
    """Tell whether another folder of the store already has this name (any case)."""
    query = scoped(Folder).where(func.lower(Folder.name) == name.lower())
    if except_id is not None:
        query = query.where(Folder.id != except_id)
    return db.session.scalar(query) is not None


def _page(form: FolderForm | None = None, failed_id: int | None = None, error: str = ""):
    """Render the folders page, with a form's errors where one failed."""
    return render_template(
        "orders/folders.html",
        counts=queries.folder_counts(),
        form=form or FolderForm(formdata=None),
        failed_id=failed_id,
        error=error,
    )


@bp.get("/folders")
def folders():
    """List the folders with their order counts."""
    return _page()


@bp.post("/folders")
def create_folder():
    """Create a folder."""
    form = FolderForm()
    valid = form.validate_on_submit()
    if valid and _name_taken(form.name.data.strip()):
        form.name.errors.append("You already have a folder with this name.")
        valid = False
    if not valid:
        return _page(form), 422
    last = db.session.scalar(
        select(func.max(Folder.position)).where(Folder.store_id == current_store_id())
    )
    db.session.add(
        Folder(store_id=current_store_id(), name=form.name.data.strip(), position=(last or 0) + 1)
    )
    db.session.commit()
    flash(f"Folder {form.name.data.strip()} created.")
    return redirect(url_for("orders.folders"))


@bp.post("/folders/<int:folder_id>/rename")
def rename_folder(folder_id: int):
    """Rename a folder."""
    folder = get_scoped_or_404(Folder, folder_id)
    form = FolderForm()
    if not form.validate_on_submit():
        return _page(failed_id=folder.id, error="; ".join(form.name.errors or ["Invalid."])), 422
    name = form.name.data.strip()
    if _name_taken(name, except_id=folder.id):
        return _page(failed_id=folder.id, error="You already have a folder with this name."), 422
    folder.name = name
    db.session.commit()
    flash(f"Folder renamed to {name}.")
    return redirect(url_for("orders.folders"))


@bp.post("/folders/<int:folder_id>/final")
def mark_final(folder_id: int):
    """Mark a folder final (JOOR's changes to its orders are only noted), or not final."""
    folder = get_scoped_or_404(Folder, folder_id)
    if not EmptyForm().validate_on_submit():
        return _page(failed_id=folder.id, error="The form expired; try again."), 422
    folder.is_final = request.form.get("final") == "1"
    db.session.commit()
    if folder.is_final:
        flash(f"{folder.name} is final: changes made in JOOR to its orders are only noted.")
    else:
        flash(f"{folder.name} is no longer final: orders cancelled in JOOR move out of it.")
    return redirect(url_for("orders.folders"))


@bp.post("/folders/<int:folder_id>/delete")
def delete_folder(folder_id: int):
    """Remove an empty folder (never the last one, nor the one JOOR imports land in)."""
    folder = get_scoped_or_404(Folder, folder_id)
    if not EmptyForm().validate_on_submit():
        return _page(failed_id=folder.id, error="The form expired; try again."), 422
    refusal = _removal_refusal(folder)
    if refusal:
        return _page(failed_id=folder.id, error=refusal), 409
    db.session.delete(folder)
    db.session.commit()
    flash(f"Folder {folder.name} removed.")
    return redirect(url_for("orders.folders"))


def _removal_refusal(folder: Folder) -> str:
    """Say why a folder cannot be removed, or return '' when it can."""
    count = queries.orders_in_folder(folder.id)
    if count:
        return f"{folder.name} holds {count} order(s); move them to another folder first."
    if len(queries.folders()) <= 1:
        return "Orders need at least one folder, so the last one stays."
    connection = db.session.scalar(scoped(JoorConnection))
    if connection is not None and connection.folder_id == folder.id:
        return f"New JOOR orders land in {folder.name}; choose another folder in the JOOR panel."
    if connection is not None and connection.cancelled_folder_id == folder.id:
        return (
            f"Orders cancelled in JOOR move to {folder.name}; choose another folder for them in "
            "the JOOR panel."
        )
    return ""
