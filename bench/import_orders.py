"""Benchmark the order import against the fastest raw insert of the same rows; one JSON line.

Then the same store imports its window twice more, unchanged and after a tenth of its orders
changed in JOOR (`bench.import_changes`): their rates and credits, and what seeing JOOR's
cancellations costs each way, close the line.

`python -m bench.import_orders [--orders N]` starts the simulator (`python -m joorsim`, rate
limit on, ten lines per order) on loopback, imports every order through the real service
(store lock, Redis credit budget, paging, mapping, bulk inserts, events, batched commits)
into a fresh SQLite file, then inserts the very rows that import stored (orders, order_items
and the run's sync_events: one event per order is part of what an import writes) into another
fresh file with the DBAPI's executemany in one transaction, three times (the fastest counts).
Peak memory (tracemalloc) is measured in two more imports, at N/4 and N orders, on the
simulator's other accounts.

The import's stages are also timed alone, on one more account: paging (the fetch-only pass),
mapping (pages already in memory) and storing (pages already fetched and mapped, through the
import's own batches and commits). Storing alone over raw insert bounds the ratio: no
overlap of paging and mapping with it, in threads or processes, could do better.

The simulator runs in its own process, as JOOR serves from its own machines. The fetch-only
pass (paging alone, on its own account) runs first: it builds each order's JSON in the
simulator once, so the timed import measures our side, not the simulator's generator.
"""

from __future__ import annotations

import argparse
import gc
import json
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import tracemalloc
import uuid
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import orjson
import requests

from bench.import_changes import TOKENS as CHANGE_TOKENS
from bench.import_changes import read_credits, second_imports

# Fresh tokens each run: the credit budget in Redis is per JOOR account (token), so a second
# run within JOOR's five-minute window must not wait on what the first one spent.
_RUN = uuid.uuid4().hex[:8]
TOKENS = tuple(
    f"bench-{name}-{_RUN}"
    for name in ("timed", "mem-small", "mem-large", "fetch-only", "warm-up", "stages")
)
# The second imports' and the read costs' accounts too (bench.import_changes).
ALL_TOKENS = (*TOKENS, *CHANGE_TOKENS.values())
ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def simulator(orders: int, lines: int, dialect: str = "reference", tokens=ALL_TOKENS):
    """Serve `python -m joorsim` on a free loopback port; yield its /v2 base URL."""
    port = free_port()
    args = [sys.executable, "-m", "joorsim", "--port", str(port), "--orders", str(orders)]
    args += ["--lines", str(lines), "--seed", "11", "--days", "30", "--token", ",".join(tokens)]
    args += ["--dialect", dialect]
    proc = subprocess.Popen(args, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # noqa: S603
    root = f"http://127.0.0.1:{port}"
    try:
        for _ in range(200):
            try:
                requests.get(f"{root}/_sim/credits", timeout=1)
                break
            except requests.ConnectionError:
                time.sleep(0.05)
        yield root
    finally:
        proc.terminate()
        proc.wait(10)


def make_app(db_path: Path, sim_root: str):
    """An app on a fresh SQLite file with the simulator as the Local environment."""
    from webapp import create_app
    from webapp.extensions import db

    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{db_path}",
            "JOOR_LOCAL_URL": f"{sim_root}/v2",
            "SECRET_KEY": "bench",
        }
    )
    with app.app_context():
        db.create_all()
    return app


def manual_run(app, token: str):
    """Connect a store with the token; return a queued import of the last 31 days."""
    from webapp.extensions import db
    from webapp.stores import create_store
    from webapp.sync.connection.clients import factory_from_app
    from webapp.sync.connection.state import connect
    from webapp.sync.orders.importing import create_manual_run

    store = create_store(token, "Bench", f"{token}@example.com", "bench-password")
    conn = connect(db.session, factory_from_app(app), store.id, token, "local")
    conn.order_type, conn.poll_minutes = "all_but_cancelled", 0
    db.session.commit()
    return create_manual_run(db.session, store.id, date.today() - timedelta(days=31))


def import_all(app, token: str) -> dict:
    """Import every order of the last 31 days through the real service, timed."""
    from webapp.extensions import db
    from webapp.sync.connection.clients import factory_from_app
    from webapp.sync.orders.importing import import_run

    with app.app_context():
        run = manual_run(app, token)
        started = time.perf_counter()
        run = import_run(db.session, factory_from_app(app), app.extensions["redis"], run.id)
        seconds = time.perf_counter() - started
        return {"seconds": seconds, "orders": run.done, "counts": run.counts,
                "credits": run.credits_used, "store_id": run.store_id}  # fmt: skip


def raw_insert(source: Path, target: Path) -> dict:
    """Insert the rows the import stored into an empty copy of the schema, as fast as allowed."""
    src = sqlite3.connect(source)
    tables = {
        name: src.execute(f"SELECT * FROM {name}").fetchall()  # noqa: S608
        for name in ("orders", "order_items", "sync_events")
    }
    schema = [sql for (sql,) in src.execute("SELECT sql FROM sqlite_master WHERE sql NOT NULL")]
    # The parents the rows point at (stores, folders, sync_runs) exist before the timed part.
    parents = {
        name: src.execute(f"SELECT * FROM {name}").fetchall()  # noqa: S608
        for name in ("stores", "folders", "sync_runs")
    }
    src.close()
    dst = sqlite3.connect(target, isolation_level=None)
    for sql in schema:
        dst.execute(sql)
    _insert_all(dst, parents)
    started = time.perf_counter()
    _insert_all(dst, tables)
    seconds = time.perf_counter() - started
    dst.close()
    return {
        "seconds": seconds,
        "orders": len(tables["orders"]),
        "items": len(tables["order_items"]),
        "events": len(tables["sync_events"]),
    }


def _insert_all(db: sqlite3.Connection, tables: dict[str, list]) -> None:
    """Insert each table's rows with one executemany, all in one transaction."""
    db.execute("BEGIN")
    for name, rows in tables.items():
        if rows:
            marks = ",".join("?" * len(rows[0]))
            db.executemany(f"INSERT INTO {name} VALUES ({marks})", rows)  # noqa: S608
    db.execute("COMMIT")


def fetch_only(sim_root: str, token: str) -> float:
    """Return orders per second for paging the window alone: the simulator's and HTTP's ceiling."""
    from webapp.joor import ClientOptions, JoorClient, order_type_code

    options = ClientOptions(decode_json=orjson.loads)  # as the app's
    client = JoorClient(token, f"{sim_root}/v2", options)
    now = datetime.now(UTC)
    started = time.perf_counter()
    count = sum(
        1
        for _ in client.iter_orders(
            now - timedelta(days=31), now, order_type_code("all_but_cancelled")
        )
    )
    return count / (time.perf_counter() - started)


def stages(app, token: str) -> dict:
    """Return seconds for mapping and for storing the window's pages, each stage alone."""
    from webapp.extensions import db
    from webapp.joor import PAGE_OVERLAP, order_type_code
    from webapp.sync import runs
    from webapp.sync.connection.clients import factory_from_app
    from webapp.sync.connection.state import get_connection
    from webapp.sync.orders.importing import plan_for_run
    from webapp.sync.orders.pages import prepare_pages
    from webapp.sync.orders.store import PageBatch

    with app.app_context():
        run = manual_run(app, token)
        runs.start_run(db.session, run)
        plan = plan_for_run(db.session, run)
        client = factory_from_app(app).for_connection(get_connection(db.session, run.store_id))
        code = order_type_code(plan.order_type)
        pages = list(client.iter_order_pages(plan.since, plan.until, code, overlap=PAGE_OVERLAP))
        # The streaming import never holds the whole window; frozen, these pages are not
        # scanned again by every garbage collection that mapping and storing trigger.
        gc.collect()
        gc.freeze()
        fetched = time.perf_counter()
        prepared = list(prepare_pages(pages, plan))
        mapped = time.perf_counter()
        # As import_window stores pages that are always ready: a commit per full batch.
        batch, done = PageBatch(db.session, run, plan), 0
        for page in prepared:
            done += page.size
            batch.add(page, done=done, total=page.total)
            if batch.due():
                batch.commit()
        batch.commit()
        stored = time.perf_counter()
        gc.unfreeze()
        orders = sum(len(page.mapped) for page in prepared)
        return {"orders": orders, "map": mapped - fetched, "store": stored - mapped}


def peak_memory(sim_root: str, tmp: Path, token: str) -> tuple[int, int]:
    """Return (orders imported, peak bytes traced) for a full import with one account."""
    app = make_app(tmp / f"{token}-{time.monotonic_ns()}.sqlite3", sim_root)
    tracemalloc.start()
    result = import_all(app, token)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return result["orders"], peak


def run(orders: int, lines: int) -> dict:
    """Run the whole benchmark and return its figures."""
    tmp = Path(tempfile.mkdtemp(prefix="bench-import-"))
    with simulator(orders, lines) as sim_root:
        cold = fetch_only(sim_root, TOKENS[4])
        ceiling = fetch_only(sim_root, TOKENS[3])
        app = make_app(tmp / "import.sqlite3", sim_root)
        imported = import_all(app, TOKENS[0])
        used = requests.get(f"{sim_root}/_sim/credits", params={"token": TOKENS[0]}, timeout=5)
        # The raw insert takes a second or two, so one run is at the mercy of the machine's
        # noise: the fastest of three is "the fastest the database allows".
        raws = [raw_insert(tmp / "import.sqlite3", tmp / f"raw-{n}.sqlite3") for n in range(3)]
        raw = min(raws, key=lambda r: r["seconds"])
        alone = stages(make_app(tmp / "stages.sqlite3", sim_root), TOKENS[5])
        large = peak_memory(sim_root, tmp, TOKENS[2])
        # Last: the second imports change a tenth of the simulator's orders.
        reads = read_credits(sim_root)
        again = second_imports(app, sim_root, imported["store_id"])
    with simulator(max(1, orders // 4), lines) as small_root:
        small = peak_memory(small_root, tmp, TOKENS[1])
    import_rate = imported["orders"] / imported["seconds"]
    raw_rate = raw["orders"] / raw["seconds"]
    return {
        "benchmark": "import_orders",
        "database": "sqlite",
        "orders_in_simulator": orders,
        "lines_per_order": lines,
        "orders_imported": imported["orders"],
        "import_seconds": round(imported["seconds"], 3),
        "import_orders_per_second": round(import_rate, 1),
        "raw_insert_seconds": round(raw["seconds"], 3),
        "raw_insert_seconds_each": [round(r["seconds"], 3) for r in raws],
        "raw_orders_per_second": round(raw_rate, 1),
        "ratio": round(import_rate / raw_rate, 3),
        "raw_rows": {"orders": raw["orders"], "items": raw["items"], "events": raw["events"]},
        "fetch_only_first_pass_orders_per_second": round(cold, 1),
        "fetch_only_orders_per_second": round(ceiling, 1),
        "fetch_only_ratio": round(ceiling / raw_rate, 3),
        "map_alone_orders_per_second": round(alone["orders"] / alone["map"], 1),
        "store_alone_orders_per_second": round(alone["orders"] / alone["store"], 1),
        "store_alone_ratio": round(alone["orders"] / alone["store"] / raw_rate, 3),
        "credits": imported["credits"],
        "simulator_credits_charged": used.json().get("used"),
        "credits_per_1000_orders": round(1000 * imported["credits"] / imported["orders"], 2),
        "peak_memory_bytes": {str(small[0]): small[1], str(large[0]): large[1]},
        "second_import_unchanged": again["unchanged"],
        "second_import_10pct_changed": again["changed"],
        "edits_in_joor": again["edits_in_joor"],
        "cancellation_read_credits": reads,
    }


def main() -> None:
    """Parse arguments, run, print one JSON line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=20_000)
    parser.add_argument("--lines", type=int, default=10)
    args = parser.parse_args()
    print(json.dumps(run(args.orders, args.lines)))


if __name__ == "__main__":
    main()
