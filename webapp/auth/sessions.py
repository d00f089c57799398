"""Revocable sessions: the user's session version travels in every session and remember cookie.

Flask-Login keeps `User.get_id()` in the signed session and in the `remember_token` cookie;
neither can be recalled from a browser. The id carries the user's session version, so logging
out or changing the password (each bumps it) refuses every copy of the old ones at once.
"""

from __future__ import annotations

from flask import current_app, request
from sqlalchemy import update

from webapp.extensions import db
from webapp.models import User
from webapp.numbers import whole_number


def load_user(session_id: str) -> User | None:
    """Return the user a session names, unless its version has been revoked since."""
    user_id, _, version = session_id.partition(":")
    user_id, version = whole_number(user_id, low=1), whole_number(version, high=2**62)
    if user_id is None or version is None:
        return None  # a session from before versions, or not ours: log in again
    user = db.session.get(User, user_id)
    return user if user is not None and user.session_version == version else None


def revoke_sessions(user_id: int) -> None:
    """End every session and remember cookie of the user; commit."""
    # In SQL, so two revocations at once both count.
    bump = update(User).where(User.id == user_id).values(session_version=User.session_version + 1)
    db.session.execute(bump)
    db.session.commit()


def remembered() -> bool:
    """Tell whether this browser sent a remember cookie (kept when signing in again)."""
    return bool(
        request.cookies.get(current_app.config.get("REMEMBER_COOKIE_NAME", "remember_token"))
    )
