"""Flask extensions, created unbound and initialised in create_app()."""

from __future__ import annotations

import redis
from flask import Flask, current_app
from flask_htmx import HTMX
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy.orm import DeclarativeBase

from webapp import postgres as _postgres  # noqa: F401 - registers the PostgreSQL connection settings
from webapp import sqlite as _sqlite  # noqa: F401 - registers the SQLite connection settings
from webapp.crypto import cipher


class Base(DeclarativeBase):
    """Declarative base for every model."""


db = SQLAlchemy(model_class=Base)
migrate = Migrate()
csrf = CSRFProtect()
login_manager = LoginManager()
htmx = HTMX()


def init_redis(app: Flask) -> None:
    """Attach one Redis connection pool to the app, starting the embedded server if needed."""
    url = app.config.get("REDIS_URL")
    if not url:
        from webapp.local_redis import ensure_local_redis

        url = ensure_local_redis(app.instance_path)
        app.config["REDIS_URL"] = url
    app.extensions["redis"] = redis.Redis.from_url(url, socket_timeout=10)


def get_redis() -> redis.Redis:
    """Return the app's Redis connection."""
    return current_app.extensions["redis"]


def init_cipher(app: Flask) -> None:
    """Attach the token cipher built from the configured keys."""
    app.extensions["token_cipher"] = cipher(
        app.config.get("TOKEN_ENCRYPTION_KEYS", ""), app.config["SECRET_KEY"]
    )


def get_cipher():
    """Return the token cipher."""
    return current_app.extensions["token_cipher"]
