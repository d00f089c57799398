"""Login, logout, and the login requirement on every page."""

from __future__ import annotations

import re

import pytest

from tests.conftest import login
from tests.factories import PASSWORD

PUBLIC = {"/login", "/healthz"}


def _login_form_token(client) -> str:
    page = client.get("/login").get_data(as_text=True)
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)


def _get_paths(app):
    """Every GET route, with 1 for each URL argument."""
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint == "static":
            continue
        yield rule.rule, re.sub(r"<(?:[^:>]+:)?[^>]+>", "1", rule.rule)


def test_every_page_but_login_and_healthz_requires_a_user(app, client):
    checked = 0
    for rule, path in _get_paths(app):
        if path in PUBLIC or rule.startswith("/api/"):
            continue
        response = client.get(path)
        assert response.status_code == 302, path
        assert response.headers["Location"].startswith("/login"), path
        checked += 1
    assert checked >= 2


def test_htmx_request_without_a_user_gets_a_redirect_header(client):
    response = client.get("/integrations/joor", headers={"HX-Request": "true"})
    assert response.status_code == 401
    assert response.headers["HX-Redirect"].startswith("/login")


def test_login_reaches_the_panel_and_logout_ends_the_session(app, user):
    client = login(app, user.email)
    assert client.get("/integrations/joor").status_code == 200
    response = client.post("/logout")
    assert response.status_code == 302
    assert client.get("/integrations/joor").status_code == 302


def test_logout_is_refused_without_a_csrf_token(app, user):
    client = login(app, user.email)
    client.csrf_token = None
    assert client.post("/logout").status_code == 400
    assert client.get("/integrations/joor").status_code == 200


def test_wrong_email_and_wrong_password_get_the_same_answer(client, user):
    token = _login_form_token(client)
    wrong_password = client.post(
        "/login", data={"email": user.email, "password": "nope-nope", "csrf_token": token}
    )
    wrong_email = client.post(
        "/login", data={"email": "nobody@example.com", "password": PASSWORD, "csrf_token": token}
    )
    assert wrong_password.status_code == wrong_email.status_code == 401
    assert "Email or password is incorrect." in wrong_password.get_data(as_text=True)
    assert "Email or password is incorrect." in wrong_email.get_data(as_text=True)


def test_login_attempts_are_rate_limited(app, client, user):
    app.config["LOGIN_ATTEMPTS_PER_WINDOW"] = 3
    token = _login_form_token(client)
    for _ in range(3):
        bad = {"email": user.email, "password": "wrong-wrong", "csrf_token": token}
        assert client.post("/login", data=bad).status_code == 401
    good = {"email": user.email, "password": PASSWORD, "csrf_token": token}
    blocked = client.post("/login", data=good)
    assert blocked.status_code == 429
    assert "Too many login attempts" in blocked.get_data(as_text=True)


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/x", "/\\evil"])
def test_login_never_redirects_off_site(client, user, target):
    token = _login_form_token(client)
    response = client.post(
        f"/login?next={target}",
        data={"email": user.email, "password": PASSWORD, "csrf_token": token},
    )
    assert response.headers["Location"] == "/integrations/joor"


def test_passwords_are_stored_hashed(user):
    assert PASSWORD not in user.password_hash
    assert user.check_password(PASSWORD)


def test_home_leads_to_login_then_to_the_panel(client, auth_client):
    assert client.get("/").headers["Location"].startswith("/login")
    assert auth_client.get("/").headers["Location"] == "/integrations/joor"


def test_unknown_pages_answer_404_in_the_product_layout(auth_client):
    response = auth_client.get("/no-such-page")
    assert response.status_code == 404
    assert "There is nothing here" in response.get_data(as_text=True)
    assert "Log out" in response.get_data(as_text=True)
