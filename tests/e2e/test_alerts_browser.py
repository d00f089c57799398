"""A misspelt warehouse, as a merchant lives it: the badge, the banner, an email and a signed
webhook; and the fix clearing all of them. Real Chromium, worker, SMTP server and receiver."""

from __future__ import annotations

import json
import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from jobs.cron import tick
from tests.alert_support import running_receiver, running_smtp, signature_matches
from tests.e2e.conftest import screenshot, wait_until
from tests.factories import make_item
from webapp.extensions import db
from webapp.models import SyncRun
from webapp.models.base import utcnow
from webapp.sync.connection.clients import factory_from_app
from webapp.sync.connection.settings import Actor, apply_settings
from webapp.sync.connection.state import connect, get_connection
from webapp.sync.push.service import create_push_run, run_push

pytestmark = pytest.mark.e2e
WORDS = (
    "JOOR does not know the warehouse 'Defualt'. Warehouses this store pushed to before: Default"
)


@pytest.fixture
def mailbox():
    with running_smtp() as box:
        yield box


@pytest.fixture
def receiver(tmp_path):
    with running_receiver(tmp_path) as running:
        yield running


@pytest.fixture
def worker_env(mailbox, receiver) -> dict[str, str]:
    """The worker sends alerts to the local SMTP server and trusts the receiver's certificate."""
    return {
        "SMTP_URL": mailbox.url,
        "SMTP_FROM": "Joor Sync <alerts@example.com>",
        "ALERT_WEBHOOK_ALLOW_LOOPBACK": "1",
        "ALERT_WEBHOOK_CA_FILE": receiver.ca_file,
    }


@pytest.fixture
def pushing_store(live_app, store, sim):
    """A store connected to the simulator whose stock JOOR took in its Default warehouse."""
    live_app.config["ALERT_WEBHOOK_ALLOW_LOOPBACK"] = True
    live_app.config["PUSH_DEBOUNCE_SECONDS"] = 1
    factory = factory_from_app(live_app)
    connect(db.session, factory, store.id, "demo-token", "local")
    for n, sku in enumerate(sim.state.catalog_skus()[:3]):
        make_item(store, sku["upc"], stock=5 + n)
    conn = get_connection(db.session, store.id)
    apply_settings(db.session, conn, {"sync_inventory": "on", "warehouse": "Default"}, Actor("t"))
    run = create_push_run(db.session, store.id, trigger="test", full=True)
    assert run_push(db.session, factory, run.id, full=True).status == "succeeded"
    return store


def _last_push_finished(store, after: int) -> bool:
    db.session.expire_all()
    run = db.session.query(SyncRun).filter(SyncRun.store_id == store.id, SyncRun.id > after,
                                           SyncRun.kind == "inventory").first()  # fmt: skip
    return run is not None and run.finished_at is not None


def _newest_run_id(store) -> int:
    db.session.expire_all()
    return max(run.id for run in db.session.query(SyncRun).filter_by(store_id=store.id))


def _save_warehouse(page, name: str) -> None:
    page.get_by_label("Default Warehouse").fill(name)
    page.get_by_role("button", name="Save settings").click()
    expect(page.get_by_text(re.compile(r"Settings saved"))).to_be_visible()


def test_a_misspelt_warehouse_alerts_the_merchant_and_its_fix_clears_everything(
    page, pushing_store, worker, mailbox, receiver
):
    store = pushing_store
    page.goto("/account/settings")
    page.get_by_label("Email alerts to").fill("owner@example.com")
    page.get_by_label("Webhook URL").fill(receiver.url)
    page.get_by_role("button", name="Save alert channels").click()
    secret = page.get_by_test_id("webhook-secret").inner_text().strip()
    page.get_by_role("button", name="Send a test alert by email").click()
    expect(page.get_by_test_id("alert-delivery").first).to_contain_text("sent", timeout=30_000)
    assert mailbox.wait_for(1)[0]["Subject"] == f"Joor Sync test alert for {store.name}"

    page.goto("/integrations/joor")
    expect(page.get_by_test_id("status-badge")).to_have_text("connected")
    before = _newest_run_id(store)
    _save_warehouse(page, "Defualt")  # the typo: the push that follows is refused whole
    wait_until(lambda: _last_push_finished(store, before), timeout=60)

    badge = page.get_by_test_id("status-badge")
    expect(badge).to_have_text("needs attention", timeout=15_000)
    expect(page.get_by_test_id("status-verdict")).to_contain_text(WORDS)
    tick(utcnow())  # the clock's check: the merchant is not watching
    email = mailbox.wait_for(2, timeout=60)[1]
    assert email["Subject"] == f"{store.name}: the JOOR connection needs attention"
    assert WORDS in email.get_content()
    [hook] = receiver.wait_for(1, timeout=60)
    assert signature_matches(secret, hook.headers["X-JoorSync-Signature"], hook.body)
    opened = json.loads(hook.body)
    assert opened["event"] == "alert.opened" and opened["alert"]["reason"].startswith(WORDS)
    banner = page.get_by_test_id("alert-banner")
    expect(banner).to_contain_text(WORDS, timeout=15_000)
    expect(banner).to_contain_text("Correct Default Warehouse")
    screenshot(page, "alert-warehouse-open")

    before = _newest_run_id(store)
    _save_warehouse(page, "Default")
    wait_until(lambda: _last_push_finished(store, before), timeout=60)
    expect(badge).to_have_text("connected", timeout=15_000)
    tick(utcnow() + timedelta(minutes=1))  # the next minute's check
    resolved = mailbox.wait_for(3, timeout=60)[2]
    assert resolved["Subject"] == (
        f"Resolved for {store.name}: the JOOR connection needs attention"
    )
    closing = json.loads(receiver.wait_for(2, timeout=60)[1].body)
    assert closing["event"] == "alert.resolved" and closing["alert"]["resolved_at"]
    assert signature_matches(secret, receiver.requests[1].headers["X-JoorSync-Signature"],
                             receiver.requests[1].body)  # fmt: skip
    expect(page.get_by_test_id("alert-banner")).to_have_count(0, timeout=15_000)
    expect(page.get_by_test_id("status-verdict")).to_have_count(0)
    screenshot(page, "alert-warehouse-resolved")
    assert len(mailbox.messages) == 3 and len(receiver.requests) == 2  # once each, no more
