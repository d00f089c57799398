"""Fixtures shared by every test: a real database, a real Redis, the app and logged-in clients."""

from __future__ import annotations

import copy
import os
import re
import tempfile
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.security import generate_password_hash

from tests import services
from tests.factories import PASSWORD, make_store
from webapp import create_app
from webapp.extensions import db
from webapp.models import store as store_model

# Fixtures shared across directories (simulators and the stores connected to them).
pytest_plugins = ["tests.fixtures.orders", "tests.fixtures.push", "tests.fixtures.changes"]

TEST_SECRET = "test-secret-key-not-for-production"
TEST_PASSWORD_HASH = "scrypt:1024:8:1"
CSRF_IN_PAGE = re.compile(r'"X-CSRFToken": "([^"]+)"')


def pytest_collection_modifyitems(config, items):
    """Run the browser tests on one xdist worker (`--dist loadgroup`): one Chromium, not two."""
    for item in items:
        if "e2e" in item.keywords:
            item.add_marker(pytest.mark.xdist_group("browser"))


@pytest.fixture(scope="session", autouse=True)
def _cheap_password_hashes():
    """Hash test users' passwords with scrypt at a test's cost, once per password.

    The product's scrypt (N=32768) takes 100-200 ms of CPU to make and 100 ms to check: a third
    of the CPU of a test that logs in. As Django's docs advise for tests, the users made here
    get the same algorithm with a small N (about 3 ms); every login still checks the hash stored.
    """
    hashes: dict[str, str] = {}

    def hashed(password: str) -> str:
        if password not in hashes:
            hashes[password] = generate_password_hash(password, method=TEST_PASSWORD_HASH)
        return hashes[password]

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(store_model, "generate_password_hash", hashed)
        yield


@pytest.fixture(scope="session")
def service_urls():
    """Start (or find) the database and Redis for the whole session (each xdist worker's own)."""
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
    """Delete every row, children first, so each test starts from nothing.

    DELETE, not TRUNCATE: on a few rows it takes milliseconds where TRUNCATE, which makes new
    files for every table, took 44 to 300 ms a test on PostgreSQL. Sequences start again at 1.
    """
    tables = list(reversed(db.metadata.sorted_tables))
    if db.engine.dialect.name == "postgresql":
        # One round trip: every DELETE, then every sequence a test used back to 1.
        statements = [f"DELETE FROM {table.name}" for table in tables] + [RESTART_SEQUENCES]
        db.session.connection().exec_driver_sql("; ".join(statements))
    else:
        for table in tables:
            db.session.execute(table.delete())
    db.session.commit()


RESTART_SEQUENCES = (
    "SELECT setval(quote_ident(schemaname) || '.' || quote_ident(sequencename), 1, false)"
    " FROM pg_sequences"
    " WHERE schemaname = current_schema() AND last_value IS NOT NULL"
)


class SharedApp:
    """One app for the session, put back as built before every test.

    Building the app took 20 to 70 ms a test. A test may change its config and extensions (put
    back from a copy) or add routes or middleware; then the next test gets a new app.
    """

    def __init__(self, service_urls) -> None:
        self.service_urls = service_urls
        self.app: Flask | None = None

    def checkout(self) -> Flask:
        """Return the app as built: its config, extensions and client class restored."""
        if self.app is None:
            self.app = _make_app(self.service_urls)
            self.app.test_client_class = CSRFClient
            self.pristine = _State.of(self.app)
        self.pristine.restore(self.app)
        return self.app

    def checkin(self) -> None:
        """Drop the app if the test changed what cannot be put back (routes, middleware)."""
        if self.app is not None and not self.pristine.same_shape(self.app):
            with self.app.app_context():
                db.engine.dispose()
            self.app = None

    def close(self) -> None:
        """Release the app's database connections."""
        if self.app is not None:
            with self.app.app_context():
                db.engine.dispose()


class _State:
    """What a test may change on an app, copied so it can be put back."""

    def __init__(self, config, extensions, shape) -> None:
        self.config, self.extensions, self.shape = config, extensions, shape

    @classmethod
    def of(cls, app: Flask) -> _State:
        return cls(copy.deepcopy(dict(app.config)), dict(app.extensions), cls.shape_of(app))

    @staticmethod
    def shape_of(app: Flask) -> tuple:
        return (
            app.wsgi_app,
            tuple(app.view_functions),
            tuple(app.url_map.iter_rules()),
            {key: tuple(funcs) for key, funcs in app.before_request_funcs.items()},
            {key: tuple(funcs) for key, funcs in app.after_request_funcs.items()},
            {key: tuple(funcs) for key, funcs in app.teardown_request_funcs.items()},
            tuple(app.teardown_appcontext_funcs),
            {key: dict(handlers) for key, handlers in app.error_handler_spec.items()},
            tuple(app.jinja_env.globals),
            tuple(app.jinja_env.filters),
        )

    def same_shape(self, app: Flask) -> bool:
        return self.shape_of(app) == self.shape

    def restore(self, app: Flask) -> None:
        app.config.clear()
        app.config.update(copy.deepcopy(self.config))
        app.extensions.clear()
        app.extensions.update(self.extensions)
        app.test_client_class = CSRFClient
        # A new test may set the app up (add a route) as if no request had been served yet.
        app._got_first_request = False


@pytest.fixture(scope="session")
def _shared_app(service_urls, _schema):
    shared = SharedApp(service_urls)
    yield shared
    shared.close()


@pytest.fixture
def app(_shared_app):
    """The app as built, on empty tables and an empty Redis database."""
    app = _shared_app.checkout()
    with app.app_context():
        _empty_tables()
        app.extensions["redis"].flushdb()
        yield app
        db.session.remove()
    _shared_app.checkin()


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
