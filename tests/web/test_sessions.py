"""Revocable sessions: logout and a password change end every old cookie (issue 21, item 7)."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from flask.sessions import SecureCookieSessionInterface

from tests.conftest import CSRF_IN_PAGE
from tests.factories import PASSWORD
from webapp import create_app

PANEL = "/integrations/joor"
NEW_PASSWORD = "a new password, long enough"


def form_token(client, path: str = "/login") -> str:
    """The CSRF token of the form on `path`."""
    page = client.get(path).get_data(as_text=True)
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)


def sign_in(app, email: str, password: str = PASSWORD, *, remember: bool = False):
    """Log in through the form (ticking "keep me signed in" when asked); return the client."""
    client = app.test_client()
    form = {"email": email, "password": password, "csrf_token": form_token(client)}
    if remember:
        form["remember"] = "y"
    response = client.post("/login", data=form)
    assert response.status_code == 302, response.status_code
    client.csrf_token = CSRF_IN_PAGE.search(client.get(PANEL).get_data(as_text=True)).group(1)
    return client


def copy_of(app, client, *names: str):
    """A second browser holding copies of `client`'s cookies (a stolen or forgotten one)."""
    other = app.test_client()
    for name in names:
        other.set_cookie(name, client.get_cookie(name).value)
    return other


def signed_in(client) -> bool:
    """Tell whether the client reaches the panel (not the login page)."""
    return client.get(PANEL).status_code == 200


def test_an_old_session_cookie_is_refused_after_logout(app, user):
    client = sign_in(app, user.email)
    stolen = copy_of(app, client, "session")
    assert signed_in(stolen)
    assert client.post("/logout").status_code == 302
    assert not signed_in(stolen) and not signed_in(client)


def test_an_old_remember_token_is_refused_after_logout(app, user):
    client = sign_in(app, user.email, remember=True)
    assert signed_in(copy_of(app, client, "remember_token"))  # it does sign a browser in
    kept = copy_of(app, client, "remember_token")
    client.post("/logout")
    assert not signed_in(kept)


def test_logout_signs_out_every_other_device(app, user):
    laptop, phone = sign_in(app, user.email), sign_in(app, user.email, remember=True)
    laptop.post("/logout")
    assert not signed_in(phone)
    assert "signed out, here and on every other device" in laptop.get("/login").get_data(
        as_text=True
    )


def test_a_session_from_before_session_versions_is_refused(app, user):
    client = app.test_client()
    serializer = SecureCookieSessionInterface().get_signing_serializer(app)
    client.set_cookie("session", serializer.dumps({"_user_id": str(user.id), "_fresh": True}))
    assert not signed_in(client)


def change_password(client, current: str, new: str = NEW_PASSWORD, confirm: str | None = None):
    """Post the change-password form."""
    form = {"current_password": current, "new_password": new, "confirm": confirm or new}
    return client.post("/account/password", data=form)


def test_changing_the_password_revokes_every_other_session_and_keeps_this_one(app, user):
    here = sign_in(app, user.email, remember=True)
    other_browser = sign_in(app, user.email)
    other_remembered = copy_of(app, sign_in(app, user.email, remember=True), "remember_token")
    response = change_password(here, PASSWORD)
    assert response.status_code == 302 and response.headers["Location"] == "/account/settings"
    assert "Every other device where you were signed in is signed out." in here.get(
        "/account/settings"
    ).get_data(as_text=True)
    assert signed_in(here)
    assert not signed_in(other_browser) and not signed_in(other_remembered)
    # This browser's remember cookie was issued again, with the new version.
    assert signed_in(copy_of(app, here, "remember_token"))
    assert sign_in(app, user.email, NEW_PASSWORD)
    old = app.test_client()
    form = {"email": user.email, "password": PASSWORD, "csrf_token": form_token(old)}
    assert old.post("/login", data=form).status_code == 401


@pytest.mark.parametrize(
    "current, new, confirm, says",
    [
        ("not-my-password", NEW_PASSWORD, None, "This is not your current password."),
        (PASSWORD, "short", None, "Use 8 to 200 characters."),
        (PASSWORD, NEW_PASSWORD, "something else", "The two new passwords are not the same."),
        ("", NEW_PASSWORD, None, "Enter your current password."),
    ],
)
def test_a_refused_password_change_says_why_and_changes_nothing(app, user, current, new,
                                                                 confirm, says):  # fmt: skip
    here, other = sign_in(app, user.email), sign_in(app, user.email)
    response = change_password(here, current, new, confirm)
    assert response.status_code == 422 and says in response.get_data(as_text=True)
    assert signed_in(other) and sign_in(app, user.email, PASSWORD)


def test_changing_the_password_needs_the_forms_csrf_token(app, user):
    client = sign_in(app, user.email)
    client.csrf_token = None
    assert change_password(client, PASSWORD).status_code == 400
    assert sign_in(app, user.email, PASSWORD)


def test_guessing_the_current_password_meets_the_login_limits(app, user):
    app.config.update(LOGIN_ATTEMPTS_PER_WINDOW=3)
    client = sign_in(app, user.email)
    statuses = [change_password(client, f"guess-{n}").status_code for n in range(4)]
    assert statuses == [422, 422, 422, 429]


def test_the_settings_page_links_to_the_password_page(app, user):
    client = sign_in(app, user.email)
    assert 'href="/account/password"' in client.get("/account/settings").get_data(as_text=True)
    page = client.get("/account/password").get_data(as_text=True)
    assert 'autocomplete="current-password"' in page and 'name="csrf_token"' in page


def test_the_remember_cookie_is_lax_httponly_and_lasts_30_days(app, user, time_machine):
    now = datetime.now(UTC).replace(microsecond=0)  # a cookie's expiry is kept to the second
    time_machine.move_to(now, tick=False)
    client = app.test_client()
    form = {"email": user.email, "password": PASSWORD, "csrf_token": form_token(client),
            "remember": "y"}  # fmt: skip
    response = client.post("/login", data=form)
    cookie = next(c for c in response.headers.getlist("Set-Cookie") if "remember_token=" in c)
    assert "SameSite=Lax" in cookie and "HttpOnly" in cookie and "Secure" not in cookie
    expires = client.get_cookie("remember_token").expires
    assert expires == now + timedelta(days=30)


def test_the_remember_cookie_is_secure_behind_https(service_urls, _schema, user, monkeypatch):
    monkeypatch.setenv("BEHIND_HTTPS", "1")
    app = create_app({"TESTING": True, "SECRET_KEY": "x", "PROXY_HOPS": 0,
                      "SQLALCHEMY_DATABASE_URI": service_urls["database"],
                      "REDIS_URL": service_urls["redis"]})  # fmt: skip
    client = app.test_client()
    sent = {"base_url": "https://localhost", "headers": {"Referer": "https://localhost/login"}}
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"',
                      client.get("/login", **sent).get_data(as_text=True)).group(1)  # fmt: skip
    form = {"email": user.email, "password": PASSWORD, "csrf_token": token, "remember": "y"}
    response = client.post("/login", data=form, **sent)
    cookie = next(c for c in response.headers.getlist("Set-Cookie") if "remember_token=" in c)
    assert "Secure" in cookie and "SameSite=Lax" in cookie


@pytest.mark.parametrize(
    "path", [PANEL, "/orders/", "/inventory/", "/account/settings", "/account/password", "/nope"]
)
def test_logged_in_pages_are_never_stored(auth_client, path):
    assert auth_client.get(path).headers["Cache-Control"] == "no-store"


def test_public_pages_and_files_keep_their_caching(client, auth_client):
    assert "no-store" not in client.get("/login").headers.get("Cache-Control", "")
    css = auth_client.get("/static/css/app.css")
    assert "no-store" not in css.headers.get("Cache-Control", "")
