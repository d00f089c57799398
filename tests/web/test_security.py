"""Security headers, cookie flags and CSRF."""

from __future__ import annotations

from tests.conftest import login
from webapp import create_app


def test_pages_carry_the_security_headers(auth_client):
    response = auth_client.get("/integrations/joor")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert "Strict-Transport-Security" not in response.headers


def test_pages_have_no_inline_script_or_hx_on(auth_client):
    html = auth_client.get("/integrations/joor").get_data(as_text=True)
    assert "<script>" not in html and "hx-on" not in html
    assert "/static/vendor/htmx-2." in html


def test_hsts_and_secure_cookies_behind_https(service_urls, _schema, user, monkeypatch):
    monkeypatch.setenv("BEHIND_HTTPS", "1")
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "x",
            "SQLALCHEMY_DATABASE_URI": service_urls["database"],
            "REDIS_URL": service_urls["redis"],
        }
    )
    client = app.test_client()
    response = client.get("/login", base_url="https://localhost")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")
    cookie = response.headers.get("Set-Cookie", "")
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_session_cookie_is_httponly_and_lax(client):
    response = client.get("/login")
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_post_without_csrf_token_is_rejected(app, user):
    client = login(app, user.email)
    client.csrf_token = None
    response = client.post("/logout", headers={"HX-Request": "true"})
    assert response.status_code == 400


def test_htmx_post_with_the_header_token_is_accepted(app, user):
    client = login(app, user.email)
    response = client.post("/logout", headers={"HX-Request": "true"})
    assert response.status_code == 302
