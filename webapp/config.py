"""Settings from the environment, with defaults that run on one laptop."""

from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path


def database_url(raw: str | None, instance_path: str) -> str:
    """Return the SQLAlchemy URL: PostgreSQL when DATABASE_URL is set, else SQLite in instance/."""
    if not raw:
        return f"sqlite:///{Path(instance_path) / 'joorsync.sqlite3'}"
    # PaaS hosts hand out postgres://, which SQLAlchemy 2 no longer accepts.
    if raw.startswith("postgres://"):
        raw = "postgresql://" + raw.removeprefix("postgres://")
    if raw.startswith("postgresql://"):
        raw = "postgresql+psycopg://" + raw.removeprefix("postgresql://")
    return raw


class ConfigError(RuntimeError):
    """A setting the deployment must give is missing or wrong; the message says which."""


SIGNING_SETTING_MISSING = (
    "SECRET_KEY is not set. With DATABASE_URL the app runs as a deployment: every web, worker "
    "and clock process must share one SECRET_KEY (it signs sessions and, unless "
    "TOKEN_ENCRYPTION_KEYS is set, encrypts the stored JOOR tokens), and a key made up on each "
    "machine would lose both at every deploy. Set it to a long random value, for example the "
    "output of: python -c 'import secrets; print(secrets.token_urlsafe(48))'"
)


def secret_key(configured: str | None, instance_path: str) -> str:
    """The secret key: the one configured, else (on one laptop only) one kept in instance/."""
    if configured:
        return configured
    if os.environ.get("DATABASE_URL"):
        raise ConfigError(SIGNING_SETTING_MISSING)
    return local_secret(instance_path)


def local_secret(instance_path: str) -> str:
    """Return a secret key kept in instance/, created once, so web, worker and clock agree."""
    path = Path(instance_path) / "secret_key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        # Written whole under another name, then linked into place: processes starting at
        # once (gunicorn's workers) never read a half-written key, and only one key wins.
        draft = path.with_name(f".secret_key.{os.getpid()}.{secrets.token_hex(4)}")
        fd = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(secrets.token_urlsafe(48))
        try:
            os.link(draft, path)
        except FileExistsError:
            pass  # another process was first: its key is the one
        finally:
            draft.unlink()
    return path.read_text().strip()


def login_limits(env) -> dict:
    """Failed logins allowed in a window: per address and email, per address, per email."""
    per_pair = int(env.get("LOGIN_ATTEMPTS_PER_WINDOW", "10"))
    return {
        "LOGIN_ATTEMPTS_PER_WINDOW": per_pair,
        # Wider counters, above one visitor's own: guessing across emails, or from many places.
        "LOGIN_ATTEMPTS_PER_ADDRESS": int(env.get("LOGIN_ATTEMPTS_PER_ADDRESS", 3 * per_pair)),
        "LOGIN_ATTEMPTS_PER_EMAIL": int(env.get("LOGIN_ATTEMPTS_PER_EMAIL", 3 * per_pair)),
        "LOGIN_WINDOW_SECONDS": int(env.get("LOGIN_WINDOW_SECONDS", "300")),
    }


def from_environment(instance_path: str) -> dict:
    """Build the Flask config mapping from environment variables."""
    env = os.environ
    behind_https = env.get("BEHIND_HTTPS", "").lower() in {"1", "true", "yes"}
    return {
        "SECRET_KEY": env.get("SECRET_KEY", ""),  # resolved by secret_key() after overrides
        "TOKEN_ENCRYPTION_KEYS": env.get("TOKEN_ENCRYPTION_KEYS", ""),
        "SQLALCHEMY_DATABASE_URI": database_url(env.get("DATABASE_URL"), instance_path),
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "REDIS_URL": env.get("REDIS_URL", ""),
        "JOOR_LOCAL_URL": env.get("JOOR_LOCAL_URL", ""),
        "JOOR_TIMEOUT": float(env.get("JOOR_TIMEOUT", "30")),
        "BEHIND_HTTPS": behind_https,
        # Proxies in front of the app whose X-Forwarded-For/-Proto are believed: a PaaS router
        # (one) when TLS ends before the app. Without it every visitor has the router's address.
        "PROXY_HOPS": int(env.get("PROXY_HOPS", "1" if behind_https else "0")),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": behind_https,
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SECURE": behind_https,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_DURATION": timedelta(days=30),
        "PREFERRED_URL_SCHEME": "https" if behind_https else "http",
        "WTF_CSRF_TIME_LIMIT": None,
        **login_limits(env),
        "MAX_CONTENT_LENGTH": int(env.get("MAX_UPLOAD_MB", "50")) * 1024 * 1024,
        "PUSH_DEBOUNCE_SECONDS": int(env.get("PUSH_DEBOUNCE_SECONDS", "10")),
        "RUN_LOG_DAYS": int(env.get("RUN_LOG_DAYS", "90")),
        **alert_settings(env),
    }


def alert_settings(env) -> dict:
    """Where alert emails go out and how webhooks are reached (README: Configuration)."""
    return {
        "SMTP_URL": env.get("SMTP_URL", ""),
        "SMTP_FROM": env.get("SMTP_FROM", "Joor Sync <alerts@localhost>"),
        # Only for tests and `make run`: a production server never calls its own loopback.
        "ALERT_WEBHOOK_ALLOW_LOOPBACK": env.get("ALERT_WEBHOOK_ALLOW_LOOPBACK", "").lower()
        in {"1", "true", "yes"},
        "ALERT_WEBHOOK_CA_FILE": env.get("ALERT_WEBHOOK_CA_FILE", ""),
        "PUBLIC_URL": env.get("PUBLIC_URL", ""),
    }
