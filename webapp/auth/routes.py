"""Login and logout views."""

from __future__ import annotations

import logging
from urllib.parse import urlsplit

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user, login_user, logout_user
from sqlalchemy import func, select
from werkzeug.security import check_password_hash, generate_password_hash

from webapp.auth.blueprint import bp
from webapp.auth.forms import LoginForm
from webapp.auth.limits import login_limiter, wait_words
from webapp.auth.sessions import revoke_sessions
from webapp.clock import utcnow
from webapp.extensions import db
from webapp.models import User

log = logging.getLogger(__name__)
WRONG_LOGIN = "Email or password is incorrect."
# Compared against when the email is unknown, so both failures take the same time.
_DUMMY_HASH = generate_password_hash("not-a-password")


def _safe_next(target: str | None) -> str:
    """Return a same-site path to go to after login, never an outside address."""
    if target and target.startswith("/") and not urlsplit(target).netloc and "\\" not in target:
        return target
    return url_for("integration.panel")


@bp.route("/login", methods=["GET", "POST"])
def login():
    """Show the login form and sign the user in."""
    if current_user.is_authenticated:
        return redirect(_safe_next(request.args.get("next")))
    form = LoginForm()
    if not form.validate_on_submit():
        return render_template("auth/login.html", form=form), 422 if form.is_submitted() else 200
    limiter, address = login_limiter(), request.remote_addr or "unknown"
    wait = limiter.take(address, form.email.data)
    if wait:
        flash(wait_words(wait))
        return render_template("auth/login.html", form=form), 429
    user = db.session.scalar(select(User).where(func.lower(User.email) == form.email.data.lower()))
    valid = user.check_password(form.password.data) if user else _fake_check(form.password.data)
    if not valid:
        log.info("failed login from %s", address)
        flash(WRONG_LOGIN)
        return render_template("auth/login.html", form=form), 401
    limiter.give_back(address, form.email.data)
    user.last_login_at = utcnow()
    db.session.commit()
    login_user(user, remember=form.remember.data)
    return redirect(_safe_next(request.args.get("next")))


def _fake_check(password: str) -> bool:
    """Spend the time a real password check takes, and fail."""
    check_password_hash(_DUMMY_HASH, password)
    return False


@bp.post("/logout")
def logout():
    """Sign the user out here and on every other device."""
    revoke_sessions(current_user.id)
    logout_user()
    flash("You are signed out, here and on every other device where you were signed in.")
    return redirect(url_for("auth.login"))
