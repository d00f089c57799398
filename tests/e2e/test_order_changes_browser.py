"""A cancellation made in JOOR reaches the order desk by a scheduled poll, in a real browser."""

from __future__ import annotations

from datetime import timedelta

import pytest
import requests
from playwright.sync_api import expect
from sqlalchemy import select

from tests.e2e.conftest import screenshot, service_process, wait_until
from tests.jobs.order_support import connect_store, import_now
from webapp.extensions import db
from webapp.models import Order, OrderChange, SyncRun
from webapp.models.base import utcnow

pytestmark = pytest.mark.e2e


@pytest.fixture
def clock(live_app, service_env, sim, tmp_path):
    """A real `python -m jobs.clock` process, ticking every second."""
    with service_process(
        "jobs.clock", service_env, sim, tmp_path, CLOCK_TICK_SECONDS="1"
    ) as process:
        yield process


def test_a_cancellation_arrives_by_a_scheduled_poll_and_the_order_page_tells_it(
    page, app, store, sim, worker, clock
):
    conn = connect_store(app, store, "approved")
    import_now(app, store)
    order = db.session.scalar(
        select(Order).where(Order.store_id == store.id).order_by(Order.id).limit(1)
    )
    page.goto(f"/orders/{order.id}")
    expect(page.get_by_test_id("changed-banner")).to_have_count(0)

    # The retailer cancels the order in JOOR; the store polls every five minutes, and its
    # next poll is due now.
    cancelled = requests.patch(
        f"{sim.root_url}/_sim/orders/{order.source_id}",
        json={"order_type_name": "Cancelled"},
        timeout=5,
    )
    assert cancelled.status_code == 200
    conn.poll_minutes, conn.next_poll_at = 5, utcnow() - timedelta(seconds=1)
    db.session.commit()

    def changed_in_joor() -> bool:
        db.session.expire_all()
        return db.session.get(Order, order.id).changed_in_joor_at is not None

    wait_until(changed_in_joor, 30)  # the clock enqueues the poll within a tick; a worker runs it
    page.goto("/orders/")
    page.get_by_role("navigation", name="Folders").get_by_role(
        "link", name="Cancelled in JOOR"
    ).click()
    row = page.locator("#order-list tbody tr")
    expect(row).to_have_count(1)
    expect(row).to_contain_text(order.source_id)
    expect(row.locator(".badge.changed")).to_have_text("changed in JOOR")
    screenshot(page, "cancelled-in-joor-folder")

    row.get_by_role("link", name=order.source_id).click()
    expect(page.get_by_test_id("changed-banner")).to_contain_text(
        "Updated here and moved to Cancelled in JOOR."
    )
    entry = page.get_by_test_id("history-entry")
    expect(entry).to_have_count(1)
    expect(entry).to_contain_text("Status Approved → Cancelled")
    expect(entry).to_contain_text("cancelled in JOOR")
    expect(entry.get_by_role("link", name="run #")).to_be_visible()
    screenshot(page, "order-history")

    # The merchant has dealt with it: the banner and the list's mark go, the history stays.
    page.get_by_role("button", name="Mark as reviewed").click()
    expect(page.get_by_test_id("review-message")).to_contain_text("Marked as reviewed.")
    expect(page.get_by_test_id("changed-banner")).to_have_count(0)
    expect(entry).to_have_count(1)
    page.goto("/orders/?changed=1")
    expect(page.locator("#order-list")).to_contain_text("since it was imported or last reviewed")
    db.session.expire_all()
    (change,) = db.session.scalars(select(OrderChange)).all()
    assert db.session.get(SyncRun, change.run_id).kind == "poll"  # the schedule's, not ours
    assert page.console_errors == []
