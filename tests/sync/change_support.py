"""Helpers for tests of changes made in JOOR to imported orders (fixtures: changes.py)."""

from __future__ import annotations

from sqlalchemy import func, select

from joorsim.testing import RunningSimulator, behind_by_a_minute
from tests.jobs.order_support import (
    duplicate_source_ids,
    order_count,
)
from webapp.extensions import db
from webapp.models import Folder, Order, OrderChange, SyncEvent, SyncRun
from webapp.sync.connection.clients import factory_from_app
from webapp.sync.connection.state import get_connection
from webapp.sync.orders.importing import import_run
from webapp.sync.orders.polling import create_poll_run

CHANGED_SHARE = 10  # one order in ten changes in JOOR between two imports
# A small account: forty orders of three lines over the last five days.
SMALL_SIM = {"orders": 40, "seed": 5, "lines_per_order": 3, "days": 5}


class MovableClock:
    """The simulator's clock: a minute behind ours, or set back to date one edit in the past."""

    def __init__(self) -> None:
        self.at: float | None = None

    def __call__(self) -> float:
        return behind_by_a_minute() if self.at is None else self.at


def edit_in_place(sim: RunningSimulator, source_id: str, fields: dict) -> dict:
    """Change an order in JOOR, dated a second after its last edit."""
    # So it keeps its place in the window's pages: changes spread over every page instead
    # of gathering on the last one.
    clock = sim.state.clock
    with sim.state.lock:
        clock.at = sim.state.book.by_id[int(source_id)].modified + 1
        try:
            return sim.state.patch_order(int(source_id), fields)
        finally:
            clock.at = None


def poll_now(app, store) -> SyncRun:
    """A scheduled poll of the store's window, run here and now."""
    run = create_poll_run(db.session, store.id, get_connection(db.session, store.id))
    return import_run(db.session, factory_from_app(app), app.extensions["redis"], run.id)


def approved_ids(sim: RunningSimulator, count: int) -> list[str]:
    """JOOR ids of approved orders with three lines, as the store keeps them."""
    with sim.state.lock:
        headers = [h for h in sim.state.book.headers if h.type_name == "Approved"]
    return [str(h.order_id) for h in headers if h.line_count == 3][:count]


def order_of(store, source_id: str) -> Order:
    """The store's order for a JOOR id, read fresh."""
    db.session.expire_all()
    return db.session.scalar(
        select(Order).where(Order.store_id == store.id, Order.source_id == source_id)
    )


def history_of(order: Order) -> list[OrderChange]:
    """The order's changes, oldest first."""
    query = select(OrderChange).where(OrderChange.order_id == order.id).order_by(OrderChange.id)
    return list(db.session.scalars(query))


def events(run: SyncRun, outcome: str) -> list[SyncEvent]:
    """The run's events with an outcome."""
    query = select(SyncEvent).where(SyncEvent.run_id == run.id, SyncEvent.outcome == outcome)
    return list(db.session.scalars(query.order_by(SyncEvent.id)))


def move_to(order: Order, name: str) -> None:
    """Move an order to the store's folder of that name, as a person would."""
    order.folder_id = db.session.scalar(
        select(Folder.id).where(Folder.store_id == order.store_id, Folder.name == name)
    )
    db.session.commit()


def line_field(sim: RunningSimulator, source_id: str, position: int, field: str):
    """A field of one line of the order as JOOR holds it now."""
    return sim.state.order(int(source_id))["line_items"][position - 1][field]


def change_a_tenth(sim: RunningSimulator) -> dict[str, str]:
    """Change every tenth Approved order in JOOR (a third of them cancelled); id -> kind."""
    with sim.state.lock:
        ids = [str(h.order_id) for h in sim.state.book.headers if h.type_name == "Approved"]
    changed = {}
    for n, source_id in enumerate(ids[::CHANGED_SHARE]):
        if n % 3 == 0:
            edit_in_place(sim, source_id, {"order_type_name": "Cancelled"})
            changed[source_id] = "cancelled"
        else:
            edit_in_place(sim, source_id, {"line_items": {"1": {"item_quantity": "77"}}})
            changed[source_id] = "quantity"
    return changed


def changes_per_order(store_id: int) -> dict[str, int]:
    """JOOR id -> how many changes the order's history holds."""
    db.session.expire_all()
    query = (
        select(Order.source_id, func.count(OrderChange.id))
        .join(OrderChange, OrderChange.order_id == Order.id)
        .where(Order.store_id == store_id)
        .group_by(Order.source_id)
    )
    return dict(db.session.execute(query).all())


def assert_applied_once(store, changed: dict[str, str], expected_orders: int) -> None:
    assert changes_per_order(store.id) == dict.fromkeys(changed, 1)
    assert order_count(store.id) == expected_orders and duplicate_source_ids(store.id) == 0
    cancelled = [s for s, kind in changed.items() if kind == "cancelled"]
    in_folder = db.session.scalars(
        select(Order.source_id).join(Folder).where(Folder.name == "Cancelled in JOOR")
    ).all()
    assert sorted(in_folder) == sorted(cancelled)
    assert (
        db.session.scalar(select(func.count(Folder.id)).where(Folder.name.like("Cancelled%"))) == 1
    )
    quantities = db.session.scalars(
        select(Order).where(Order.source_id.in_([s for s, k in changed.items() if k == "quantity"]))
    ).all()
    assert all(order.items[0].quantity == 77 for order in quantities)
