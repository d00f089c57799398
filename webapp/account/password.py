"""Changing one's password, which signs out every other device."""

from __future__ import annotations

import logging

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user, login_user

from webapp.account.blueprint import bp
from webapp.account.forms import PasswordForm
from webapp.auth.limits import login_limiter, wait_words
from webapp.auth.sessions import remembered, revoke_sessions

log = logging.getLogger(__name__)
CHANGED = "Your password is changed. Every other device where you were signed in is signed out."


def _page(form: PasswordForm, status: int = 200):
    """Render the change-password page."""
    return render_template("account/password.html", form=form), status


@bp.route("/password", methods=["GET", "POST"])
def change_password():
    """Check the current password, set the new one and end every other session."""
    form = PasswordForm()
    if not form.validate_on_submit():
        return _page(form, 422 if form.is_submitted() else 200)
    # A stolen session must not become a way to guess the password: the login limits apply.
    limiter, address = login_limiter(), request.remote_addr or "unknown"
    wait = limiter.take(address, current_user.email)
    if wait:
        form.current_password.errors.append(wait_words(wait))
        return _page(form, 429)
    if not current_user.check_password(form.current_password.data):
        form.current_password.errors.append("This is not your current password.")
        return _page(form, 422)
    limiter.give_back(address, current_user.email)
    user = current_user._get_current_object()
    user.set_password(form.new_password.data)
    revoke_sessions(user.id)  # commits the new password with the new version
    login_user(user, remember=remembered())  # this device goes on with the new version
    log.info("password changed for user %s", user.id)
    flash(CHANGED)
    return redirect(url_for("account.settings"))
