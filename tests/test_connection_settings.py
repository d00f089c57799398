"""Database connections as the app sets them up: WAL on SQLite, no prepared plans on PostgreSQL."""

from __future__ import annotations

from sqlalchemy import select, text

from webapp.extensions import db
from webapp.models import InventoryItem


def test_a_statement_run_many_times_is_planned_for_its_own_values(app, store):
    # A prepared statement may fall back to a generic plan that scans the whole store for a
    # chunk of item codes (a 100,000-row CSV took two minutes on PostgreSQL instead of 10 s).
    for n in range(12):
        db.session.scalars(
            select(InventoryItem).where(
                InventoryItem.store_id == store.id, InventoryItem.code.in_([str(n)])
            )
        )
    if db.engine.dialect.name == "postgresql":
        prepared = db.session.scalar(text("SELECT count(*) FROM pg_prepared_statements"))
        assert prepared == 0
    else:
        assert db.session.scalar(text("PRAGMA journal_mode")) == "wal"
