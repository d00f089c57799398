"""Helpers for the order-import tests (their fixtures are in tests/fixtures/orders.py)."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

from sqlalchemy import func, select

from joorsim.testing import RunningSimulator, running_simulator
from webapp.extensions import db
from webapp.models import Order, SyncRun
from webapp.sync.connection.clients import factory_from_app
from webapp.sync.connection.state import connect
from webapp.sync.orders.importing import create_manual_run, import_run

TOKEN = "demo-token"  # noqa: S105 - the simulator's public demo token
FAST_CLIENT = {"backoff_base": 0.01, "backoff_cap": 0.05, "max_retries": 8}
# Every simulated order is Approved/Shipped/Pending/Cancelled with 3 lines, modified in the
# last 30 days; "all_but_cancelled" downloads the three first kinds.
SIM_OPTIONS = {"orders": 1000, "seed": 7, "lines_per_order": 3, "days": 5}


def use_simulator(app, sim: RunningSimulator) -> None:
    """Point the app's Local environment at the simulator, with quick client retries."""
    app.config["JOOR_LOCAL_URL"] = sim.base_url
    app.config["JOOR_CLIENT_OPTIONS"] = dict(FAST_CLIENT)


@contextlib.contextmanager
def simulator_for(app, **options: Any) -> Iterator[RunningSimulator]:
    """Serve a simulator with these options, wired into the app, for the block."""
    with running_simulator(**options) as running:
        use_simulator(app, running)
        yield running


def connect_store(app, store, order_type: str = "all_but_cancelled"):
    """Connect the store to the simulator and choose which orders it downloads."""
    conn = connect(db.session, factory_from_app(app), store.id, TOKEN, "local")
    conn.order_type = order_type
    db.session.commit()
    return conn


def window_total(sim: RunningSimulator, order_type: int = 4, date_end: int | None = None) -> int:
    """Return how many orders of a JOOR order_type the simulator holds, modified before date_end."""
    from joorsim.orderbook import OrderQuery

    since = None if date_end is None else 0
    query = OrderQuery(
        order_type=order_type, sync=False, count=1, date_start=since, date_end=date_end
    )
    with sim.state.lock:
        return sim.state.book.query(query)["total"]


def order_count(store_id: int) -> int:
    """Return how many orders the store holds."""
    return db.session.scalar(select(func.count(Order.id)).where(Order.store_id == store_id))


def duplicate_source_ids(store_id: int) -> int:
    """Return how many JOOR order ids appear more than once in the store."""
    dupes = (
        select(Order.source_id)
        .where(Order.store_id == store_id)
        .group_by(Order.source_id)
        .having(func.count() > 1)
    )
    return db.session.scalar(select(func.count()).select_from(dupes.subquery()))


def race_imports(app, run_ids: list[int], connection_id: int) -> list[Exception]:
    """Import each run's window in a thread of its own, at once; return what they raised."""
    # Without the store lock, as two worker processes racing on the same window would.
    from webapp.models import JoorConnection
    from webapp.sync.orders.importing import plan_for_run
    from webapp.sync.orders.window import import_window

    factory, errors = factory_from_app(app), []

    def work(run_id):
        with app.app_context():
            session = db.session
            try:
                run = fresh_run(run_id)
                client = factory.for_connection(session.get(JoorConnection, connection_id))
                import_window(session, client, run, plan_for_run(session, run))
                session.commit()
            except Exception as exc:  # noqa: BLE001 - returned to the test
                errors.append(exc)
            finally:
                session.remove()

    threads = [threading.Thread(target=work, args=(run_id,)) for run_id in run_ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors


def fresh_run(run_id: int) -> SyncRun:
    """Reload a run from the database (another session or process changed it)."""
    db.session.expire_all()
    return db.session.get(SyncRun, run_id)


def import_now(app, store, since: date | None = None) -> SyncRun:
    """A manual import of the last ten days, run here and now."""
    since = since or date.today() - timedelta(days=10)
    run = create_manual_run(db.session, store.id, since, created_by="test")
    return import_run(db.session, factory_from_app(app), app.extensions["redis"], run.id)
