"""Default-deny login and security headers."""

from __future__ import annotations

from flask import Flask, Response, current_app, redirect, request, url_for
from flask_login import current_user

from webapp.auth.sessions import load_user
from webapp.extensions import login_manager

# Endpoints reachable without a logged-in user; everything else requires one.
PUBLIC_ENDPOINTS = {"auth.login", "health.healthz", "static", None}
# Blueprints that authenticate by their own means (the JSON API uses store API keys).
SELF_AUTHENTICATED_BLUEPRINTS = {"api"}

CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


def init_app(app: Flask) -> None:
    """Install the login requirement, the user loader and the headers."""
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Please log in to continue."
    login_manager.user_loader(load_user)
    app.before_request(require_login)
    app.after_request(set_security_headers)


def require_login():
    """Send anonymous visitors to the login page (HTMX requests get a redirect header)."""
    if request.endpoint in PUBLIC_ENDPOINTS or request.blueprint in SELF_AUTHENTICATED_BLUEPRINTS:
        return None
    if current_user.is_authenticated:
        return None
    login_url = url_for("auth.login", next=request.full_path if request.method == "GET" else None)
    if request.headers.get("HX-Request"):
        return Response(status=401, headers={"HX-Redirect": login_url})
    return redirect(login_url)


def set_security_headers(response: Response) -> Response:
    """Add CSP, framing, sniffing and referrer headers; HSTS behind HTTPS."""
    response.headers.setdefault("Content-Security-Policy", CSP)
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    response.headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
    if current_app.config.get("BEHIND_HTTPS"):
        response.headers.setdefault("Strict-Transport-Security", "max-age=31536000")
    if _private(response):
        # A merchant's pages stay out of shared caches and the back button after logout.
        response.headers["Cache-Control"] = "no-store"
    return response


def _private(response: Response) -> bool:
    """Tell whether the response is a page of a logged-in merchant."""
    if request.endpoint == "static" or request.blueprint in SELF_AUTHENTICATED_BLUEPRINTS:
        return False
    return current_user.is_authenticated
