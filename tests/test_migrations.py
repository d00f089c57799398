"""Migrations: a single head, and an upgraded empty database matches the models."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask_migrate import upgrade
from sqlalchemy import create_engine, inspect

from webapp import ROOT, create_app
from webapp.extensions import db


def _script() -> ScriptDirectory:
    return ScriptDirectory(str(ROOT / "migrations"))


def test_migrations_have_a_single_head():
    assert len(_script().get_heads()) == 1


def test_upgrade_of_an_empty_database_has_no_drift(tmp_path, service_urls):
    url = f"sqlite:///{tmp_path / 'migrated.sqlite3'}"
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "REDIS_URL": service_urls["redis"]})
    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"))
        engine = create_engine(url)
        with engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": True})
            diff = compare_metadata(context, db.metadata)
        tables = set(inspect(engine).get_table_names())
    assert diff == []
    assert {"orders", "sync_runs", "joor_connections", "inventory_items"} <= tables
