"""Default-deny login, security headers and the login attempt limiter."""

from __future__ import annotations

import hashlib

from flask import Flask, Response, current_app, redirect, request, url_for
from flask_login import current_user

from webapp.extensions import get_redis, login_manager

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
    login_manager.user_loader(_load_user)
    app.before_request(require_login)
    app.after_request(set_security_headers)


def _load_user(user_id: str):
    """Load the session's user by id."""
    from webapp.extensions import db
    from webapp.models import User

    return db.session.get(User, int(user_id)) if user_id.isdigit() else None


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
    return response


class LoginLimiter:
    """Fixed-window counters in Redis per client address and per email."""

    def __init__(self, limit: int, window: int) -> None:
        self.limit = limit
        self.window = window

    def _keys(self, address: str, email: str) -> list[str]:
        email_hash = hashlib.sha256(email.strip().lower().encode()).hexdigest()[:24]
        return [f"login:addr:{address}", f"login:email:{email_hash}"]

    def blocked_for(self, address: str, email: str) -> int:
        """Return seconds until another attempt is allowed (0 when allowed now)."""
        redis = get_redis()
        waits = [
            max(redis.ttl(key), 1)
            for key in self._keys(address, email)
            if int(redis.get(key) or 0) >= self.limit
        ]
        return max(waits, default=0)

    def record_failure(self, address: str, email: str) -> None:
        """Count one failed attempt against the address and the email."""
        pipe = get_redis().pipeline()
        for key in self._keys(address, email):
            # SET NX starts the window on the first failure (EXPIRE NX needs Redis 7).
            pipe.set(key, 0, nx=True, ex=self.window)
            pipe.incr(key)
        pipe.execute()

    def reset(self, address: str, email: str) -> None:
        """Forget failures after a successful login."""
        get_redis().delete(*self._keys(address, email))


def login_limiter() -> LoginLimiter:
    """Return the limiter configured for this app."""
    cfg = current_app.config
    return LoginLimiter(cfg["LOGIN_ATTEMPTS_PER_WINDOW"], cfg["LOGIN_WINDOW_SECONDS"])
