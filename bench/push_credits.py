"""Benchmark what stock pushes cost in JOOR credits, now and as before; one JSON line.

`python -m bench.push_credits [--items 3000] [--edits 200] [--minutes 10]` gives a store that
many items, already in JOOR (a confirmed full push), then replays that many stock edits at
seeded random moments over that many minutes of simulated time, in each mode, through the
real push service (planning, the share of JOOR's credits, batches, verdicts, PushedStock)
against the simulator in this process. Pushes are debounced as the job layer does (a push
goes PUSH_DEBOUNCE_SECONDS after the first change it carries; a push waiting for credits
takes the changes made meanwhile). The clock is simulated: JOOR's credit windows and every
wait pass without sleeping.

For each mode it prints the calls and credits pushes spent, the SKUs they carried, how many
pushes ran, and the largest share of one credit window (300 credits per 300 s) they used,
beside "today's behaviour" measured in the same run: every push in Overwrite mode a full
snapshot, no share kept for orders, and a push waiting for credits sleeping in its worker.
Today's Overwrite is measured twice: in calls of 500 SKUs (as the issue counted it: 7 calls
for 3,121 items) and as main sent it, the whole snapshot in one call (which a JOOR limit on
SKUs per call would refuse; the simulator's is lifted for that run).
"""

from __future__ import annotations

import argparse
import heapq
import json
import logging
import math
import random
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

TOKEN = "demo-token"  # noqa: S105 - the simulator's public demo token
WINDOW = 300.0
BATCH = 500  # webapp.sync.push.sending.UPDATE_BATCH
# (name, mode, today's behaviour, SKUs per call; None: the whole snapshot in one call)
RUNS = (
    ("update_today", "update", True, BATCH),
    ("update", "update", False, BATCH),
    ("overwrite_today", "overwrite", True, BATCH),
    ("overwrite_today_one_call", "overwrite", True, None),
    ("overwrite", "overwrite", False, BATCH),
)


class SimClock:
    """Epoch seconds that only move when the bench says so, or something sleeps."""

    def __init__(self, start: float) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += max(seconds, 0.0)


class SleepingBudget:
    """Today's push budget: the account's whole window, and a worker sleeping when it is full."""

    def __init__(self, budget: Any) -> None:
        self._budget = budget
        self.limit = budget.limit

    def acquire(self, cost: int) -> None:
        self._budget.acquire(cost)

    def room(self) -> Any:
        from webapp.joor.budget import ShareRoom

        return ShareRoom(self.limit, self.limit, 0.0)  # never steps aside: it sleeps instead

    def usage(self) -> Any:
        return self._budget.usage()

    def penalize(self, retry_after: float) -> None:
        self._budget.penalize(retry_after)


@dataclass
class Meter:
    """Credits pushes took, by credit window."""

    clock: SimClock
    by_window: Counter = field(default_factory=Counter)

    def wrap(self, budget: Any) -> Any:
        """The budget, counting what it grants."""
        meter, take_share, acquire = self, getattr(budget, "take_share", None), budget.acquire

        def counted_share(cost: int, share: int) -> tuple[float, int]:
            wait, used = take_share(cost, share)
            if wait <= 0:
                meter.by_window[int(meter.clock() // WINDOW)] += cost
            return wait, used

        def counted(cost: int) -> None:
            acquire(cost)
            meter.by_window[int(meter.clock() // WINDOW)] += cost

        if take_share is not None:
            budget.take_share = counted_share
        budget.acquire = counted
        return budget


@dataclass(frozen=True)
class BenchFactory:
    """Builds push clients on the simulated clock, all drawing on the account's one budget.

    `today` gives today's budget: the whole window, and a worker sleeping when it is full.
    """

    redis: Any
    base_url: str
    clock: SimClock
    account: Any  # the JOOR account's budget (a MemoryCreditBudget on the simulated clock)
    today: bool

    def for_connection(self, _conn: Any, on_retry: Any = None, share: int | None = None) -> Any:
        from webapp.joor import JoorClient
        from webapp.joor.budget import SharedBudget
        from webapp.joor.options import ClientOptions

        account = self.account
        budget = SleepingBudget(account) if self.today else SharedBudget(account, share or 100)
        options = ClientOptions(budget=budget, sleep=self.clock.sleep, on_retry=on_retry)
        return JoorClient(TOKEN, self.base_url, options)


def _app(tmp: Path, base_url: str):
    from webapp import create_app
    from webapp.extensions import db

    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp / 'bench.sqlite3'}",
                      "JOOR_LOCAL_URL": base_url, "SECRET_KEY": "bench"})  # fmt: skip
    with app.app_context():
        db.drop_all()
        db.create_all()
    return app


def _store(app, skus: list[dict], mode: str) -> int:
    """A store with an item per SKU, connected, in `mode`; returns its id."""
    from webapp.extensions import db
    from webapp.models import InventoryItem
    from webapp.stores import create_store
    from webapp.sync.connection.clients import factory_from_app
    from webapp.sync.connection.settings import Actor, apply_settings
    from webapp.sync.connection.state import connect, get_connection

    store = create_store("bench", "Bench", "bench@example.com", "bench-password")
    connect(db.session, factory_from_app(app), store.id, TOKEN, "local")
    settings = {"sync_inventory": "on", "warehouse": "Default", "inventory_mode": mode,
                "poll_minutes": "0"}  # fmt: skip
    apply_settings(db.session, get_connection(db.session, store.id), settings, Actor("bench"))
    db.session.add_all(
        InventoryItem(store_id=store.id, code=sku["upc"], name=sku["upc"], stock=5) for sku in skus
    )
    db.session.commit()
    return store.id


def _push(app, factory: BenchFactory, store_id: int, **options: Any) -> float | None:
    """Run one push; the seconds it waits for credits, or None when it is done."""
    from webapp.extensions import db
    from webapp.sync.push.service import create_push_run

    run = create_push_run(db.session, store_id, trigger="bench", full=options.get("full", False))
    return _attempt(app, factory, run.id, **options)


def _attempt(app, factory: BenchFactory, run_id: int, **options: Any) -> float | None:
    from webapp.extensions import db
    from webapp.sync.push.credits import PushWaitingError
    from webapp.sync.push.service import run_push

    try:
        summary = run_push(db.session, factory, run_id, **options)
    except PushWaitingError as waiting:
        return waiting.seconds
    if summary.status != "succeeded":
        raise RuntimeError(f"push run {run_id} {summary.status}: {summary.error}")
    return None


@dataclass
class Debounce:
    """The job layer's debounce, on the simulated clock: one push carries every change before it.

    A push goes `delay` seconds after the first change it carries; one waiting for credits
    comes back when told and takes the changes made meanwhile.
    """

    delay: float
    queue: list = field(default_factory=list)  # (when, "edit" or "push")
    pending: float | None = None  # when the next push goes
    run_id: int | None = None  # the run of a push waiting for credits
    pushes: int = 0
    waits: int = 0

    def changed(self, now: float) -> None:
        """A stock count changed now: a push follows, unless one is already due."""
        if self.pending is None:
            self.pending = now + self.delay
            heapq.heappush(self.queue, (self.pending, "push"))

    def pushed(self, now: float, wait: float | None) -> None:
        """A push ran: done, or back in `wait` seconds with the changes made meanwhile."""
        if wait is None:
            self.pending = self.run_id = None
            return
        self.waits += 1
        self.pending = now + wait
        heapq.heappush(self.queue, (self.pending, "push"))


def _edit(rng: random.Random, codes: list[str]) -> None:
    """Change one item's stock count, as a merchant or the order desk would."""
    from webapp.extensions import db
    from webapp.models import InventoryItem

    item = db.session.query(InventoryItem).filter_by(code=rng.choice(codes)).one()
    item.stock = rng.randrange(0, 60)
    db.session.commit()


def _run_edits(app, factory: BenchFactory, store_id: int, edits: list, options: dict) -> Debounce:
    """Replay the edits from the clock's time on, pushing as the job layer would."""
    from webapp.extensions import db
    from webapp.sync.push.service import create_push_run

    clock, rng = factory.clock, random.Random(7)
    codes = [item.code for item in _items(store_id)]
    debounce = Debounce(app.config["PUSH_DEBOUNCE_SECONDS"])
    debounce.queue = [(clock.now + at, "edit") for at in edits]
    heapq.heapify(debounce.queue)
    while debounce.queue:
        at, kind = heapq.heappop(debounce.queue)
        clock.now = max(clock.now, at)
        if kind == "edit":
            _edit(rng, codes)
            debounce.changed(clock.now)
            continue
        if debounce.run_id is None:
            run = create_push_run(db.session, store_id, trigger="bench", full=options["full"])
            debounce.run_id, debounce.pushes = run.id, debounce.pushes + 1
        debounce.pushed(clock.now, _attempt(app, factory, debounce.run_id, **options))
    return debounce


def _items(store_id: int) -> list:
    from webapp.extensions import db
    from webapp.models import InventoryItem

    return db.session.query(InventoryItem).filter_by(store_id=store_id).all()


def replay(app, sim, skus: list[dict], *, mode: str, today: bool, edits: list, batch: int) -> dict:
    """Replay the edits in one mode; return what the pushes spent."""
    from webapp.joor import MemoryCreditBudget

    with app.app_context():
        store_id = _store(app, skus, mode)
        clock = sim.state.clock
        meter = Meter(clock)
        account = meter.wrap(MemoryCreditBudget(clock=clock, sleep=clock.sleep))
        factory = BenchFactory(app.extensions["redis"], sim.base_url, clock, account, today)
        assert _push(app, factory, store_id, confirmed=True, full=True) is None  # JOOR has it all
        setup = len(sim.state.pushes())
        meter.by_window.clear()
        clock.now = start = (math.floor(clock.now / WINDOW) + 1) * WINDOW  # a window starts
        # Today every Overwrite-mode push sent the whole snapshot.
        options = {"full": today and mode == "overwrite", "batch_size": batch}
        debounce = _run_edits(app, factory, store_id, edits, options)
        calls = sim.state.pushes()[setup:]
        busiest = max(meter.by_window.values(), default=0)
        return {"pushes": debounce.pushes, "calls": len(calls),
                "credits": sum(meter.by_window.values()),
                "skus_sent": sum(len(call["items"]) for call in calls),
                "max_window_share": round(busiest / 300, 3), "waits_for_credits": debounce.waits,
                "simulated_seconds": round(clock.now - start)}  # fmt: skip


def main() -> None:
    """Run the benchmark and print one JSON line."""
    from joorsim.state import SimState
    from joorsim.testing import running_simulator

    parser = argparse.ArgumentParser(prog="python -m bench.push_credits")
    parser.add_argument("--items", type=int, default=3000)
    parser.add_argument("--edits", type=int, default=200)
    parser.add_argument("--minutes", type=float, default=10)
    args = parser.parse_args()
    logging.disable(logging.INFO)  # a push logs each call; this prints one line
    rng = random.Random(19)
    edits = sorted(rng.uniform(0, args.minutes * 60) for _ in range(args.edits))
    styles = math.ceil(args.items / 15) + 10
    clock = SimClock(time.time())
    state = SimState(orders=1, seed=5, styles=styles, rate_limit=False, clock=clock)
    results: dict[str, Any] = {"items": args.items, "edits": args.edits,
                               "minutes": args.minutes}  # fmt: skip
    started = time.perf_counter()
    with running_simulator(state=state) as sim, tempfile.TemporaryDirectory() as tmp:
        skus = state.catalog_skus()[: args.items]
        assert len(skus) == args.items, "the simulator's catalogue is too small"
        for name, mode, today, batch in RUNS:
            state.reset()
            if batch is None:  # main sent an Overwrite as one call, whatever its size
                state.set_faults({"max_inventory_items": 0})
            app = _app(Path(tmp), sim.base_url)
            results[name] = replay(app, sim, skus, mode=mode, today=today, edits=edits,
                                   batch=batch or args.items)  # fmt: skip
    results["seconds"] = round(time.perf_counter() - started, 1)
    print(json.dumps(results))


if __name__ == "__main__":
    main()
