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


def test_behind_a_router_login_limits_count_each_visitors_own_address(
    service_urls, _schema, user, monkeypatch
):
    # On a PaaS every request comes from the router: its X-Forwarded-For names the visitor.
    import re

    from tests.factories import PASSWORD

    monkeypatch.setenv("BEHIND_HTTPS", "1")  # PROXY_HOPS defaults to the one router
    app = create_app({"TESTING": True, "SECRET_KEY": "x", "LOGIN_ATTEMPTS_PER_WINDOW": 3,
                      "LOGIN_ATTEMPTS_PER_ADDRESS": 9,
                      "SQLALCHEMY_DATABASE_URI": service_urls["database"],
                      "REDIS_URL": service_urls["redis"]})  # fmt: skip

    def attempt(visitor: str, email: str, password: str) -> int:
        client = app.test_client()
        headers = {"X-Forwarded-For": visitor, "X-Forwarded-Proto": "https",
                   "Referer": "https://localhost/login"}  # fmt: skip
        environ = {"REMOTE_ADDR": "10.0.0.1"}  # the router
        sent = {"headers": headers, "environ_base": environ, "base_url": "https://localhost"}
        page = client.get("/login", **sent).get_data(as_text=True)
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
        form = {"email": email, "password": password, "csrf_token": token}
        return client.post("/login", data=form, **sent).status_code

    for n in range(9):  # someone guesses at other accounts: 9 per address across emails
        assert attempt("203.0.113.9", f"guess{n}@example.com", "wrong-wrong") == 401
    assert attempt("203.0.113.9", "guess9@example.com", "wrong-wrong") == 429
    assert attempt("198.51.100.7", user.email, PASSWORD) == 302  # everyone else still gets in
