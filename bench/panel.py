"""Benchmark the panel under gunicorn on loopback: the status partial, the log, the live parts.

A SQLite database gets one store, a few hundred runs, one run with 100,000 events, one import
running (what the live partials poll for) and 200 items pushed to JOOR; gunicorn (2 workers)
serves the app; a logged-in requests.Session fetches each page N times in a row. Prints one
JSON line: requests per second and median latency (ms) per page.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
EMAIL, PASSWORD = "bench@example.com", "bench password 1"
SECRET = "bench-secret-key"  # noqa: S105 - a throwaway key for a throwaway database


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


ITEMS = 200


def seed(events: int, runs: int) -> tuple[int, int]:
    """Create the store, its connection, runs, one big run and one running; return their ids."""
    from sqlalchemy import insert

    from webapp import create_app
    from webapp.extensions import db
    from webapp.models import SyncEvent, SyncRun
    from webapp.stores import create_store
    from webapp.sync.connection.state import get_connection

    app = create_app()
    with app.app_context():
        db.create_all()
        store = create_store("bench", "Bench store", EMAIL, PASSWORD)
        conn = get_connection(db.session, store.id)
        conn.status, conn.token_last4, conn.account_key = "connected", "abcd", "bench-account"
        now = datetime.now(UTC)
        small = [
            {"store_id": store.id, "kind": ("poll", "manual", "inventory")[n % 3],
             "status": "succeeded", "params": {}, "total": 10, "done": 10,
             "counts": {"imported": 10}, "created_at": now}
            for n in range(runs)
        ]  # fmt: skip
        db.session.execute(insert(SyncRun), small)
        big = SyncRun(store_id=store.id, kind="manual", status="succeeded", total=events,
                      done=events, counts={"imported": events - 500, "failed": 500})  # fmt: skip
        db.session.add(big)
        db.session.commit()
        for start in range(0, events, 10_000):
            rows = [
                {"run_id": big.id, "store_id": store.id, "subject": f"J{n:07d}",
                 "outcome": "failed" if n % 200 == 0 else "imported",
                 "reason": "new order", "created_at": now}
                for n in range(start, min(events, start + 10_000))
            ]  # fmt: skip
            db.session.execute(insert(SyncEvent), rows)
        db.session.commit()
        live = _seed_running(store.id, now)
        _seed_items(store.id, now)
        return big.id, live


def _seed_running(store_id: int, now: datetime) -> int:
    """One manual import half way through 4,000 orders; return its id."""
    from sqlalchemy import insert

    from webapp.extensions import db
    from webapp.models import SyncEvent, SyncRun

    run = SyncRun(store_id=store_id, kind="manual", status="running", total=4000, done=2000,
                  counts={"imported": 2000}, params={"since": "2026-01-01"}, started_at=now,
                  heartbeat_at=now)  # fmt: skip
    db.session.add(run)
    db.session.commit()
    rows = [
        {"run_id": run.id, "store_id": store_id, "subject": f"L{n:07d}", "outcome": "imported",
         "reason": "new order", "created_at": now}
        for n in range(2000)
    ]  # fmt: skip
    db.session.execute(insert(SyncEvent), rows)
    db.session.commit()
    return run.id


def _seed_items(store_id: int, now: datetime) -> None:
    """Items identified by UPC, each with the count JOOR last accepted in Default."""
    from sqlalchemy import insert

    from webapp.extensions import db
    from webapp.models import InventoryItem, PushedStock
    from webapp.sync.connection.state import get_connection

    conn = get_connection(db.session, store_id)
    conn.token_encrypted, conn.warehouse, conn.sync_inventory = "x", "Default", True
    items = [
        {"store_id": store_id, "code": f"SKU{n:05d}", "name": f"Item {n}", "upc": f"{n:012d}",
         "stock": n % 40, "metadata": {}, "variation_list": {}, "created_at": now,
         "updated_at": now}
        for n in range(ITEMS)
    ]  # fmt: skip
    db.session.execute(insert(InventoryItem), items)
    pushed = [
        {"store_id": store_id, "warehouse": "Default", "identifier_key": f"{n:012d}",
         "item_code": f"SKU{n:05d}", "quantity": n % 40, "accepted_at": now,
         "last_status": "pass", "last_attempt_at": now}
        for n in range(ITEMS)
    ]  # fmt: skip
    db.session.execute(insert(PushedStock), pushed)
    db.session.commit()


def serve(port: int, env: dict) -> subprocess.Popen:
    """Start gunicorn with 2 workers on loopback and wait until it answers."""
    process = subprocess.Popen(  # noqa: S603 - our own app, fixed arguments
        [sys.executable, "-m", "gunicorn", "--bind", f"127.0.0.1:{port}", "--workers", "2",
         "--threads", "4", "--log-level", "warning", "webapp:create_app()"],
        cwd=ROOT, env=env,
    )  # fmt: skip
    for _ in range(300):
        try:
            requests.get(f"http://127.0.0.1:{port}/login", timeout=5)
            return process
        except requests.RequestException:  # not listening yet, or workers still booting
            time.sleep(0.1)
    process.kill()
    raise RuntimeError("gunicorn did not start")


def login(base: str) -> requests.Session:
    """Log in through the form, CSRF token included."""
    session = requests.Session()
    page = session.get(f"{base}/login").text
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    form = {"email": EMAIL, "password": PASSWORD, "csrf_token": token}
    answer = session.post(f"{base}/login", data=form, allow_redirects=False)
    if answer.status_code != 302:
        raise RuntimeError(f"login failed: {answer.status_code}")
    return session


def measure(session: requests.Session, url: str, count: int, budget: float, **kw) -> dict:
    """Fetch a URL up to `count` times within `budget` seconds; rps and median latency."""
    timings = []
    started = time.perf_counter()
    while len(timings) < count and time.perf_counter() - started < budget:
        t0 = time.perf_counter()
        response = session.get(url, **kw)
        timings.append(time.perf_counter() - t0)
        if response.status_code != 200:
            raise RuntimeError(f"{url}: {response.status_code}")
    elapsed = time.perf_counter() - started
    return {"requests": len(timings), "rps": round(len(timings) / elapsed, 1),
            "median_ms": round(statistics.median(timings) * 1000, 2)}  # fmt: skip


def live_figures(session: requests.Session, root: str, live_id: int, args) -> dict:
    """What a page polls while an import runs: the panel's runs, the log, the run, the stock."""
    base = f"{root}/integrations/joor"
    hx = {"headers": {"HX-Request": "true"}}
    ids = ",".join(map(str, range(1, 51)))  # a page of the list's items
    urls = {
        "live_recent_runs": f"{base}/runs/recent",
        "live_log_first_page": f"{base}/runs",
        "live_log_rows": f"{base}/runs/rows",
        "live_run_progress": f"{base}/runs/{live_id}/progress",
        "live_run_events": f"{base}/runs/{live_id}",
        "live_run_summary": f"{base}/runs/{live_id}/summary",
        "live_inventory_list": f"{root}/inventory/",
        "live_inventory_last_pushed": f"{root}/inventory/last-pushed?ids={ids}",
    }
    return {
        name: measure(session, url, args.requests, args.seconds, **hx) for name, url in urls.items()
    }


def main() -> None:
    """Seed, serve, measure, print one JSON line."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=300)
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--seconds", type=float, default=15.0)
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="joorsync-bench-"))
    os.environ.update(DATABASE_URL=f"sqlite:///{tmp / 'bench.sqlite3'}", SECRET_KEY=SECRET)
    os.environ.setdefault("LOGIN_ATTEMPTS_PER_WINDOW", "1000")
    run_id, live_id = seed(args.events, args.runs)
    port = _free_port()
    server = serve(port, dict(os.environ))
    try:  # gunicorn must stop whatever happens, or it keeps the port and the database
        base = f"http://127.0.0.1:{port}/integrations/joor"
        session = login(f"http://127.0.0.1:{port}")
        hx = {"headers": {"HX-Request": "true"}}
        figures = {
            "status_partial": measure(session, f"{base}/status", args.requests, args.seconds, **hx),
            "import_log": measure(session, f"{base}/runs", args.requests, args.seconds),
            "run_page_100k": measure(session, f"{base}/runs/{run_id}", args.requests, args.seconds),
            "run_failed_events": measure(
                session, f"{base}/runs/{run_id}?outcome=failed", args.requests, args.seconds, **hx
            ),
        }
        figures.update(live_figures(session, f"http://127.0.0.1:{port}", live_id, args))
        t0 = time.perf_counter()
        size = len(session.get(f"{base}/runs/{run_id}/events.csv").content)
        figures["csv_100k_seconds"] = round(time.perf_counter() - t0, 2)
        figures["csv_bytes"] = size
    finally:
        server.terminate()
        server.wait(10)
    print(json.dumps({"bench": "panel", "events": args.events, "workers": 2, **figures}))


if __name__ == "__main__":
    main()
