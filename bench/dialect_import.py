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
import uuid
from pathlib import Path

from sqlalchemy import func, select

from bench.import_orders import import_all, make_app, simulator

DIALECTS = ("page-number", "next-key")


def import_window(app, token: str) -> dict:
    """Import the last 31 days for a new store on the token; return what was stored."""
    from webapp.extensions import db
    from webapp.models import JoorConnection, Order, SyncRun

    imported = import_all(app, token)  # the app's database holds this one store
    with app.app_context():
        count = db.session.scalar(select(func.count(Order.id)))
        distinct = db.session.scalar(select(func.count(func.distinct(Order.source_id))))
        run = db.session.scalar(select(SyncRun).order_by(SyncRun.id.desc()))
        learned = db.session.scalar(select(JoorConnection.wire_dialect)) or {}
        return {
            "status": run.status,
            "error": run.error,
            "orders_in_window": imported["orders"],
            "orders_stored": count,
            "duplicates": count - distinct,
            "counts": imported["counts"],
            "credits": imported["credits"],
            "paging_found": learned.get("paging"),
            "seconds": round(imported["seconds"], 2),
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
