"""The import benchmark's second imports, and what seeing cancellations costs in credits.

After the timed import, the same store imports the same window twice more, each on a fresh
JOOR account (so JOOR's 300-credit window never makes one wait on the other): once with
nothing changed in JOOR, then after a tenth of its orders changed there (a third of them
cancelled, the rest with a line's quantity changed). Both are timed; their rates and credits
are what `bench.import_orders` prints beside the first import's.

The read costs compare the ways to see an imported order cancelled when the store downloads
only some types: its own type then the cancelled orders (order_type 5), every type at once
(8), or each imported order by id (one credit each). They are measured on windows of 15
minutes (a poll), a day and the whole month, each on an account of its own.
"""

from __future__ import annotations

import time
import uuid
from datetime import UTC, date, datetime, timedelta

import orjson
import requests

CHANGED_SHARE = 10
_RUN = uuid.uuid4().hex[:8]
TOKENS = {
    name: f"bench-{name}-{_RUN}"
    for name in ("again-unchanged", "again-changed", "reads-4", "reads-5", "reads-6", "reads-8")
}
WINDOWS = {"15_minutes": timedelta(minutes=15), "1_day": timedelta(days=1)}


def second_imports(app, sim_root: str, store_id: int) -> dict:
    """Import the window again unchanged, change a tenth of it in JOOR, import it again."""
    unchanged = reimport(app, store_id, TOKENS["again-unchanged"])
    edits = change_a_tenth(app, sim_root, store_id)
    changed = reimport(app, store_id, TOKENS["again-changed"])
    return {"unchanged": unchanged, "changed": changed, "edits_in_joor": edits}


def reimport(app, store_id: int, token: str) -> dict:
    """Connect the store to a fresh account of the same JOOR data; import the window, timed."""
    from webapp.extensions import db
    from webapp.sync.connection.clients import factory_from_app
    from webapp.sync.connection.state import connect
    from webapp.sync.orders.importing import create_manual_run, import_run

    with app.app_context():
        factory = factory_from_app(app)
        connect(db.session, factory, store_id, token, "local")
        run = create_manual_run(db.session, store_id, date.today() - timedelta(days=31))
        started = time.perf_counter()
        run = import_run(db.session, factory, app.extensions["redis"], run.id)
        seconds = time.perf_counter() - started
        return {
            "seconds": round(seconds, 3),
            "orders_per_second": round(run.done / seconds, 1),
            "orders": run.done,
            "credits": run.credits_used,
            "counts": dict(run.counts),
        }


def change_a_tenth(app, sim_root: str, store_id: int) -> dict:
    """Change every tenth order of the store in JOOR: a third cancelled, the rest a quantity."""
    from sqlalchemy import select

    from webapp.extensions import db
    from webapp.models import Order

    with app.app_context():
        ids = db.session.scalars(
            select(Order.source_id).where(Order.store_id == store_id).order_by(Order.id)
        ).all()
    edits = {"cancelled": 0, "quantity": 0}
    with requests.Session() as http:
        for n, source_id in enumerate(ids[::CHANGED_SHARE]):
            kind = "cancelled" if n % 3 == 0 else "quantity"
            change = (
                {"order_type_name": "Cancelled"}
                if kind == "cancelled"
                else {"line_items": {"1": {"item_quantity": "77"}}}
            )
            answer = http.patch(f"{sim_root}/_sim/orders/{source_id}", json=change, timeout=10)
            answer.raise_for_status()
            edits[kind] += 1
    return edits


def read_credits(sim_root: str) -> dict:
    """Credits each way of seeing cancellations costs, per window and Orders-to-download."""
    from webapp.joor import ClientOptions, JoorClient

    now = datetime.now(UTC)
    middle = now - timedelta(days=15)  # the seeded month's orders are spread evenly
    windows = {name: (middle, middle + span) for name, span in WINDOWS.items()}
    windows["31_days"] = (now - timedelta(days=31), now)
    pages: dict[int, dict[str, tuple[int, int]]] = {}
    for code in (4, 5, 6, 8):
        options = ClientOptions(decode_json=orjson.loads)  # as the app's
        client = JoorClient(TOKENS[f"reads-{code}"], f"{sim_root}/v2", options)
        pages[code] = {name: _read(client, code, *window) for name, window in windows.items()}
    # Re-reading by id costs a credit per order imported (the month's, here), whatever the window.
    return {
        name: {
            setting: {
                "own_type_then_cancelled": pages[own][name][0] + pages[5][name][0],
                "every_type": pages[8][name][0],
                "each_imported_order_by_id": pages[own]["31_days"][1],
            }
            for setting, own in (("approved", 6), ("all_but_cancelled", 4))
        }
        for name in windows
    }


def _read(client, code: int, since: datetime, until: datetime) -> tuple[int, int]:
    """(credits, orders) of reading one order_type over a window, as an import pages it."""
    from webapp.joor import PAGE_OVERLAP

    requests_made, orders = 0, set()
    for page in client.iter_order_pages(since, until, code, overlap=PAGE_OVERLAP):
        requests_made += 1
        orders.update(str(order.get("order_id")) for order in page.orders)
    return requests_made, len(orders)
