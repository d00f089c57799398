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


def test_runs_stored_before_the_new_states_are_shown_as_what_happened(tmp_path, service_urls):
    # Held pushes and cancelled imports were stored as failed, and an import about to be
    # retried as queued with the time in its error.
    from sqlalchemy import text

    url = f"sqlite:///{tmp_path / 'states.sqlite3'}"
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "REDIS_URL": service_urls["redis"]})
    rows = [
        ("inventory", "failed", "Nothing was sent: this Overwrite would drop 3 of the 9 styles "
         "this store has pushed to JOOR. Confirm it with Push inventory now on the panel, or "
         "run `joor push --yes`."),
        ("manual", "failed", "Cancelled by a@b.c after 200 orders; the orders imported before "
         "then stay."),
        ("manual", "queued", "JOOR is having trouble right now. Next attempt in about 10 s."),
        ("poll", "queued", "JOOR is having trouble right now. Next attempt in about 5 min."),
        ("inventory", "failed", "JOOR refused all 3 SKUs sent."),
        ("manual", "queued", ""),
    ]  # fmt: skip
    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"), revision="135d360baf4f")
        engine = create_engine(url)
        with engine.begin() as conn:
            conn.execute(text("INSERT INTO stores (id, slug, name, created_at) "
                              "VALUES (1, 's', 'S', '2026-11-01')"))  # fmt: skip
            for n, (kind, status, error) in enumerate(rows, 1):
                conn.execute(
                    text("INSERT INTO sync_runs (id, store_id, kind, status, params, done, "
                         "counts, credits_used, error, job_id, attempts, created_by, "
                         "created_at, heartbeat_at) VALUES (:n, 1, :kind, :status, '{}', 0, "
                         "'{}', 0, :error, '', 1, '', '2026-11-01', '2026-11-01 10:00:00')"),
                    {"n": n, "kind": kind, "status": status, "error": error},
                )  # fmt: skip
        upgrade(directory=str(ROOT / "migrations"))
        with engine.connect() as conn:
            found = conn.execute(
                text("SELECT status, error, next_attempt_at FROM sync_runs ORDER BY id")
            ).all()
    assert [row[0] for row in found] == [
        "awaiting_confirmation", "cancelled", "retrying", "retrying", "failed", "queued",
    ]  # fmt: skip
    assert found[2][1] == "JOOR is having trouble right now."
    retry_times = [str(row[2])[:19] for row in found[2:4]]
    assert retry_times == ["2026-11-01 10:00:10", "2026-11-01 10:05:00"]
