"""Benchmark the health verdict and the clock's alert check on SQLite.

One store has a few hundred runs and a last push JOOR refused whole (3,113 SKUs, one event
each, as in issue 17); other stores have a connection and a few runs. Measures the verdict the
status badge works out on every poll, and one alert check of every store (what the clock asks
of a worker each minute). Prints one JSON line: median milliseconds.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

SECRET = "bench-secret-key"  # noqa: S105 - a throwaway key for a throwaway database


def seed(stores: int, runs: int, skus: int) -> int:
    """Create the stores, their runs and the refused push; return the first store's id."""
    from sqlalchemy import insert

    from webapp.extensions import db
    from webapp.models import SyncEvent, SyncRun
    from webapp.stores import create_store
    from webapp.sync.connection.state import get_connection

    now = datetime.now(UTC)
    ids = []
    for n in range(stores):
        store = create_store(f"bench-{n}", f"Bench {n}", f"bench{n}@example.com", "password 123")
        conn = get_connection(db.session, store.id)
        conn.status, conn.token_encrypted, conn.token_last4 = "connected", "x", "abcd"
        conn.connected_at, conn.sync_inventory, conn.warehouse = now, True, "Defualt"
        ids.append(store.id)
        count = runs if n == 0 else 5
        rows = [
            {"store_id": store.id, "kind": ("poll", "manual", "inventory")[k % 3],
             "status": "succeeded", "params": {}, "counts": {"imported": 1}, "created_at": now,
             "finished_at": now - timedelta(minutes=count - k)}
            for k in range(count)
        ]  # fmt: skip
        db.session.execute(insert(SyncRun), rows)
    push = SyncRun(store_id=ids[0], kind="inventory", status="failed", params={},
                   counts={"sent": skus, "passed": 0, "failed": skus}, finished_at=now)  # fmt: skip
    db.session.add(push)
    db.session.commit()
    events = [
        {"run_id": push.id, "store_id": ids[0], "subject": f"{n:012d}", "outcome": "failed",
         "reason": "unknown warehouse: Defualt", "detail": {"warehouse": "Defualt"},
         "created_at": now}
        for n in range(skus)
    ]  # fmt: skip
    db.session.execute(insert(SyncEvent), events)
    db.session.commit()
    return ids[0]


def timed(action, repeat: int) -> float:
    """Median milliseconds of `repeat` calls."""
    timings = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        action()
        timings.append(time.perf_counter() - t0)
    return round(statistics.median(timings) * 1000, 2)


def main() -> None:
    """Seed, measure, print one JSON line."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--stores", type=int, default=200)  # at least 2
    parser.add_argument("--runs", type=int, default=300)
    parser.add_argument("--skus", type=int, default=3113)
    parser.add_argument("--repeat", type=int, default=50)
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="joorsync-bench-"))
    os.environ.update(DATABASE_URL=f"sqlite:///{tmp / 'bench.sqlite3'}", SECRET_KEY=SECRET)
    from webapp import create_app
    from webapp.alerts.evaluation import evaluate_store
    from webapp.extensions import db
    from webapp.sync.connection.health import connection_verdict, stored_verdicts
    from webapp.sync.connection.state import get_connection

    app = create_app()
    with app.app_context():
        db.create_all()
        first = seed(args.stores, args.runs, args.skus)
        conn = get_connection(db.session, first)
        other = get_connection(db.session, first + 1)
        verdict = connection_verdict(db.session, conn)
        figures = {
            "verdict": verdict.state,
            "verdict_ms": timed(lambda: connection_verdict(db.session, conn), args.repeat),
            "verdict_without_refusals_ms": timed(
                lambda: connection_verdict(db.session, other), args.repeat
            ),
            "alert_check_all_stores_ms": timed(
                lambda: [evaluate_store(db.session, n) for n in range(1, args.stores + 1)], 3
            ),
            "healthz_store_verdicts_ms": timed(lambda: stored_verdicts(db.session), args.repeat),
        }
    print(json.dumps({"bench": "health_verdict", "stores": args.stores, "skus": args.skus,
                      **figures}))  # fmt: skip


if __name__ == "__main__":
    main()
