"""Import a large window against JOOR dialects that page differently; one JSON line.

`python -m bench.dialect_import [--orders 10000] [--dialect page-number --dialect next-key]`
serves `python -m joorsim --dialect D` for each dialect, imports every order of the last 31
days through the real service (store lock, Redis credit budget, the client's paging, mapping,
batched commits) into a fresh SQLite file, and reports per dialect: the orders in JOOR's
window, the orders stored, duplicates (must be 0), the run's credits and the paging scheme the
client found.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
import uuid
from pathlib import Path

from sqlalchemy import func, select

from bench.import_orders import make_app, manual_run, simulator

DIALECTS = ("page-number", "next-key")


def import_window(app, token: str) -> dict:
    """Import the last 31 days for a new store on the token; return what was stored."""
    from webapp.extensions import db
    from webapp.models import Order
    from webapp.sync.connection import factory_from_app, get_connection
    from webapp.sync.import_runs import import_run

    with app.app_context():
        run = manual_run(app, token)
        started = time.perf_counter()
        run = import_run(db.session, factory_from_app(app), app.extensions["redis"], run.id)
        seconds = time.perf_counter() - started
        stored = select(Order.source_id).where(Order.store_id == run.store_id)
        count = db.session.scalar(select(func.count()).select_from(stored.subquery()))
        distinct = db.session.scalar(select(func.count(func.distinct(Order.source_id))))
        learned = get_connection(db.session, run.store_id).wire_dialect or {}
        return {
            "status": run.status,
            "error": run.error,
            "orders_in_window": run.done,
            "orders_stored": count,
            "duplicates": count - distinct,
            "counts": run.counts,
            "credits": run.credits_used,
            "paging_found": learned.get("paging"),
            "seconds": round(seconds, 2),
        }


def run(orders: int, dialects: list[str]) -> dict:
    """Run each dialect on its own simulator and database."""
    tmp = Path(tempfile.mkdtemp(prefix="bench-dialects-"))
    results = {}
    for dialect in dialects:
        token = f"bench-{dialect}-{uuid.uuid4().hex[:8]}"
        with simulator(orders, 1, dialect=dialect, tokens=(token,)) as root:
            app = make_app(tmp / f"{dialect}.sqlite3", root)
            results[dialect] = import_window(app, token)
    return {"benchmark": "dialect_import", "orders_in_simulator": orders, "dialects": results}


def main() -> None:
    """Parse arguments, run, print one JSON line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=10_000)
    parser.add_argument("--dialect", action="append")
    args = parser.parse_args()
    print(json.dumps(run(args.orders, args.dialect or list(DIALECTS))))


if __name__ == "__main__":
    main()
