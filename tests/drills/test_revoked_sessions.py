"""Drill: revoked sessions (issue 21 item 7).

Before the fix, after logout the old session cookie and the 1-year `remember_token` still
signed a browser in. Here copies of a merchant's cookies (a shared computer, a stolen laptop)
are replayed against the live app after a logout and after a password change. The drill
prints how many old cookies were replayed and how many still got in.
"""

from __future__ import annotations

import json

from tests.drills.live_web import Browser, serving
from tests.factories import PASSWORD

NEW_PASSWORD = "another long password"


def copies(base: str, browser: Browser) -> dict[str, Browser]:
    """Browsers holding a copy of one cookie each (the session alone, the remember cookie alone)."""
    held = {}
    for name in ("session", "remember_token"):
        copy = Browser(base)
        copy.cookies.set(name, browser.cookies.get(name))
        held[name] = copy
    return held


def report(moment: str, replayed: dict[str, Browser]) -> list[str]:
    """Replay each copy; print and return the names of those that still got in."""
    got_in = [name for name, copy in replayed.items() if copy.signed_in()]
    figures = {"drill": "revoked_sessions", "after": moment,
               "old_cookies_replayed": len(replayed), "still_signed_in": got_in}  # fmt: skip
    print(json.dumps(figures))
    return got_in


def test_old_cookies_are_refused_after_logout_and_after_a_password_change(app, user):
    with serving(app) as base:
        shared_computer = Browser(base)
        assert shared_computer.log_in(user.email, remember=True) == 302
        left_behind = copies(base, shared_computer)
        assert report("login (control)", left_behind) == ["session", "remember_token"]
        logout = shared_computer.post("/logout", data={"csrf_token": shared_computer.page_token()})
        assert logout.status_code == 302, logout.text
        assert report("logout", left_behind) == []

        laptop, phone = Browser(base), Browser(base)  # the phone changes the password
        assert laptop.log_in(user.email, remember=True) == phone.log_in(user.email) == 302
        stolen = copies(base, laptop) | {"laptop": laptop}
        token = phone.form_token("/account/password")
        form = {"current_password": PASSWORD, "new_password": NEW_PASSWORD,
                "confirm": NEW_PASSWORD, "csrf_token": token}  # fmt: skip
        assert phone.post("/account/password", data=form).status_code == 302
        assert phone.signed_in()  # the device that changed it stays in
        assert report("password change", stolen) == []
        assert Browser(base).log_in(user.email, PASSWORD) == 401
        assert Browser(base).log_in(user.email, NEW_PASSWORD) == 302
