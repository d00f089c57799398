"""The settings page: store name, API key status, create or regenerate and revoke the key."""

from __future__ import annotations

import logging

from flask import flash, redirect, url_for
from flask_login import current_user

from webapp.account.blueprint import bp
from webapp.account.page import settings_page
from webapp.stores import issue_api_key, revoke_api_key

log = logging.getLogger(__name__)


@bp.get("/settings")
def settings():
    """Show the store's settings and API key status."""
    return settings_page()


@bp.post("/api-key")
def create_api_key():
    """Create (or replace) the store's API key and show it once."""
    key = issue_api_key(current_user.store)
    log.info("API key issued for store %s by user %s", current_user.store_id, current_user.id)
    response = settings_page(new_key=key)
    # The key is in this page only: keep it out of every cache.
    return response, 200, {"Cache-Control": "no-store"}


@bp.post("/api-key/revoke")
def revoke_key():
    """Remove the store's API key."""
    revoke_api_key(current_user.store)
    log.info("API key revoked for store %s by user %s", current_user.store_id, current_user.id)
    flash("The API key is revoked; calls with it are refused from now on.")
    return redirect(url_for("account.settings"))
