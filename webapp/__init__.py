"""Joor Sync: the order desk's JOOR integration, as a Flask application factory."""

from __future__ import annotations

import logging
from pathlib import Path

from flask import Flask

ROOT = Path(__file__).resolve().parent.parent


def create_app(config: dict | None = None) -> Flask:
    """Build the app: settings from the environment, overridden by `config` (tests)."""
    app = Flask(
        __name__,
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
        instance_path=str(ROOT / "instance"),
    )
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    from webapp.config import from_environment, secret_key

    app.config.from_mapping(from_environment(app.instance_path))
    if config:
        app.config.from_mapping(config)
    app.config["SECRET_KEY"] = secret_key(app.config["SECRET_KEY"], app.instance_path)
    hops = app.config.get("PROXY_HOPS", 0)
    if hops:
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    logging.getLogger("alembic.runtime.plugins").setLevel(logging.WARNING)

    _init_extensions(app)
    _register_blueprints(app)
    from webapp import errors, security, teardown, templating
    from webapp.cli import register_commands

    teardown.init_app(app)
    security.init_app(app)
    errors.init_app(app)
    templating.init_app(app)
    register_commands(app)
    return app


def _init_extensions(app: Flask) -> None:
    """Bind the extensions to this app."""
    from webapp import models  # noqa: F401 - registers the tables with the metadata
    from webapp.extensions import (
        csrf,
        db,
        htmx,
        init_cipher,
        init_redis,
        login_manager,
        migrate,
    )

    db.init_app(app)
    migrate.init_app(
        app, db, directory=str(ROOT / "migrations"), compare_type=True, render_as_batch=True
    )
    csrf.init_app(app)
    login_manager.init_app(app)
    htmx.init_app(app)
    init_redis(app)
    init_cipher(app)


def _register_blueprints(app: Flask) -> None:
    """Import and register every blueprint (inside the factory, never at import time)."""
    from webapp.numbers import IdConverter

    # Before any rule is added: every <int:...> then refuses ids no row can have.
    app.url_map.converters["int"] = IdConverter
    from webapp.account import bp as account_bp
    from webapp.api import bp as api_bp
    from webapp.auth import bp as auth_bp
    from webapp.health import bp as health_bp
    from webapp.integration import bp as integration_bp
    from webapp.inventory import bp as inventory_bp
    from webapp.orders import bp as orders_bp

    for blueprint in (
        auth_bp,
        health_bp,
        integration_bp,
        orders_bp,
        inventory_bp,
        api_bp,
        account_bp,
    ):
        app.register_blueprint(blueprint)
