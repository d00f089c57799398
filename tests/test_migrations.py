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


def test_a_store_already_overwriting_is_not_asked_again_after_the_upgrade(tmp_path, service_urls):
    # Before overwritten_warehouses existed, a store in Overwrite mode with a full push behind
    # it had overwritten its warehouse: the upgrade says so, and only for that store.
    from sqlalchemy import text

    url = f"sqlite:///{tmp_path / 'upgraded.sqlite3'}"
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "REDIS_URL": service_urls["redis"]})
    columns = (
        "id, store_id, environment, token_last4, pending_environment, account_key, status, "
        "last_error, poll_minutes, order_type, warehouse, sync_inventory, inventory_mode, "
        "identifier, tpl_style_number, tpl_style_identifier, tpl_color_code, tpl_size, "
        "created_at, last_full_push_at"
    )
    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"), revision="91c0186e2e12")
        engine = create_engine(url)
        with engine.begin() as conn:
            for n, (mode, pushed) in enumerate(
                [("overwrite", "2026-11-01"), ("update", "2026-11-01"), ("overwrite", None)], 1
            ):
                conn.execute(
                    text("INSERT INTO stores (id, slug, name, created_at) "
                         "VALUES (:n, :slug, 'S', '2026-11-01')"),
                    {"n": n, "slug": f"s{n}"},
                )  # fmt: skip
                conn.execute(
                    text(f"INSERT INTO joor_connections ({columns}) VALUES (:n, :n, 'local', '', "
                         "'', '', 'connected', '', 15, 'approved', 'Main', 1, :mode, 'upc', "
                         "'', '', '', '', '2026-11-01', :pushed)"),  # noqa: S608 - constants
                    {"n": n, "mode": mode, "pushed": pushed},
                )  # fmt: skip
        upgrade(directory=str(ROOT / "migrations"))
        with engine.connect() as conn:
            rows = conn.execute(
                text("SELECT id, overwritten_warehouses FROM joor_connections ORDER BY id")
            ).all()
    assert [(row_id, json_value) for row_id, json_value in rows] == [
        (1, '["Main"]'),
        (2, None),
        (3, None),
    ]
