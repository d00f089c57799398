"""Fixtures shared by every test: a real database, a real Redis, the app and logged-in clients."""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from sqlalchemy import text

from tests import services
from tests.factories import PASSWORD, make_store
from webapp import create_app
from webapp.extensions import db

# Fixtures shared across directories (simulators and the stores connected to them).
pytest_plugins = ["tests.fixtures.orders", "tests.fixtures.push", "tests.fixtures.changes"]

TEST_SECRET = "test-secret-key-not-for-production"
CSRF_IN_PAGE = re.compile(r'"X-CSRFToken": "([^"]+)"')


@pytest.fixture(scope="session")
def service_urls():
    """Start (or find) the database and Redis for the whole session."""
    tmp = Path(tempfile.mkdtemp(prefix="joorsync-test-"))
    redis_url, server = services.redis_url()
    yield {"database": services.database_url(tmp), "redis": redis_url, "tmp": tmp}
    if server:
        server.stop()


@pytest.fixture(scope="session")
def service_env(service_urls) -> dict[str, str]:
    """Environment for subprocesses (workers, gunicorn) that must share the test services."""
    env = dict(os.environ)
    env.update(
        DATABASE_URL=service_urls["database"],
        REDIS_URL=service_urls["redis"],
        SECRET_KEY=TEST_SECRET,
    )
    return env


@pytest.fixture(scope="session")
def _schema(service_urls):
    """Create the schema once per session (the migration test checks migrations separately)."""
    app = _make_app(service_urls)
    with app.app_context():
        db.drop_all()
        db.create_all()
        db.engine.dispose()


def _make_app(service_urls, **extra):
    config = {
        "TESTING": True,
        "SECRET_KEY": TEST_SECRET,
        "SQLALCHEMY_DATABASE_URI": service_urls["database"],
        "REDIS_URL": service_urls["redis"],
        "SERVER_NAME": None,
        **extra,
    }
    return create_app(config)


def _empty_tables() -> None:
    """Delete every row, children first, so each test starts from nothing."""
    if db.engine.dialect.name == "postgresql":
        names = ", ".join(t.name for t in db.metadata.sorted_tables)
        db.session.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    else:
        for table in reversed(db.metadata.sorted_tables):
            db.session.execute(table.delete())
    db.session.commit()


@pytest.fixture
def app(service_urls, _schema):
    """A fresh app on empty tables and an empty Redis database."""
    app = _make_app(service_urls)
    app.test_client_class = CSRFClient
    with app.app_context():
        _empty_tables()
        app.extensions["redis"].flushdb()
        yield app
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def client(app) -> FlaskClient:
    """An anonymous test client."""
    return app.test_client()


@pytest.fixture
def runner(app):
    """A CLI runner for `flask` commands."""
    return app.test_cli_runner()


class CSRFClient(FlaskClient):
    """A test client that sends the page's CSRF token on unsafe requests, as htmx does.

    Each request runs in its own app context, as in production: otherwise `g` (Flask-Login's
    cached user, the CSRF token) would leak from one client's request into another's.
    """

    csrf_token: str | None = None

    def open(self, *args, **kwargs):
        method = (kwargs.get("method") or "GET").upper()
        if self.csrf_token and method not in {"GET", "HEAD", "OPTIONS"}:
            headers = dict(kwargs.pop("headers", None) or {})
            headers.setdefault("X-CSRFToken", self.csrf_token)
            kwargs["headers"] = headers
        with self.application.app_context():
            response = super().open(*args, **kwargs)
            db.session.remove()
        # The test's own session must see what the request committed.
        db.session.expire_all()
        return response


def login(app, email: str, password: str = PASSWORD) -> CSRFClient:
    """Log in through the real form and return a client carrying the session's CSRF token."""
    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    response = client.post(
        "/login", data={"email": email, "password": password, "csrf_token": token}
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    page = client.get("/integrations/joor").get_data(as_text=True)
    client.csrf_token = CSRF_IN_PAGE.search(page).group(1)
    return client


@pytest.fixture
def store(app):
    """A store with its default folders and one user."""
    return make_store("acme")


@pytest.fixture
def user(store):
    """The store's first user."""
    return store.users[0]


@pytest.fixture
def auth_client(app, user) -> CSRFClient:
    """A client logged in as the store's user, sending CSRF tokens like the browser."""
    return login(app, user.email)


@pytest.fixture
def other_store(app):
    """A second store, for isolation tests."""
    return make_store("rival")
