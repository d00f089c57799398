"""The panel on pushes and JOOR's credits: what they cost, their share, and why each was sent."""

from __future__ import annotations

from datetime import timedelta

from tests.factories import make_item
from tests.web.panel_helpers import connect_store
from webapp.extensions import db
from webapp.models import SettingsChange, SyncRun
from webapp.models.base import utcnow
from webapp.sync.push.credits import BATCH_KEY, wait_for_credits
from webapp.sync.push.service import create_push_run
from webapp.sync.runs import start_run

HX = {"HX-Request": "true"}
PANEL = "/integrations/joor"


def html(response) -> str:
    return response.get_data(as_text=True)


def _form(**overrides) -> dict:
    data = {
        "poll_minutes": "15", "order_type": "approved", "folder": "New", "identifier": "upc",
        "sync_inventory": "y", "warehouse": "Default", "inventory_mode": "overwrite",
        "push_share": "60",
    }  # fmt: skip
    return {**data, **overrides}


def _items(store, count: int) -> None:
    for n in range(count):
        make_item(store, f"{n:012d}", stock=1)


def test_settings_say_what_each_push_costs_in_calls_and_credits(auth_client, store):
    connect_store(store.id, sync_inventory=True, warehouse="Default", inventory_mode="overwrite")
    _items(store, 1201)

    page = html(auth_client.get(f"{PANEL}/settings", headers=HX))

    assert 'id="push-cost"' in page and 'hx-post="/integrations/joor/settings/cost"' in page
    assert "pushes may use 60% (180 credits)" in page
    assert "A full push (<b>Push inventory now</b>): 3 calls, 15 credits for 1,201 items" in page
    assert "The push after a stock edit: 1 call, 5 credits: an Update of the SKUs that changed" in (
        page
    )
    assert "The daily full push: 3 calls, 15 credits, once a day." in page


def test_the_cost_follows_the_settings_being_edited_and_warns_over_the_share(auth_client, store):
    connect_store(store.id, sync_inventory=True, warehouse="Default", inventory_mode="update")
    _items(store, 3)
    for _ in range(8):  # eight pushes in one window of the last day, one edit each
        run = create_push_run(db.session, store.id, trigger="stock changed")
        run.created_at = utcnow() - timedelta(hours=2)
    db.session.commit()

    calm = html(auth_client.post(f"{PANEL}/settings/cost", headers=HX, data=_form()))
    tight = html(
        auth_client.post(f"{PANEL}/settings/cost", headers=HX, data=_form(push_share="30"))
    )

    assert "8 pushes: 40 credits, within the share" in calm
    assert 'data-testid="push-cost-over"' not in calm
    assert "pushes may use 30% (90 credits)" in tight
    assert 'data-testid="push-cost-over"' not in tight
    for _ in range(12):
        run = create_push_run(db.session, store.id, trigger="stock changed")
        run.created_at = utcnow() - timedelta(hours=2)
    db.session.commit()
    over = html(auth_client.post(f"{PANEL}/settings/cost", headers=HX, data=_form(push_share="30")))
    assert 'data-testid="push-cost-over"' in over
    assert "(20 pushes), pushes would need 100 credits a window, more than the 90" in over


def test_a_full_push_bigger_than_a_windows_share_says_it_spreads(auth_client, store, app):
    connect_store(store.id, sync_inventory=True, warehouse="Default", inventory_mode="overwrite")
    _items(store, 40)
    # JOOR refused larger calls lately: pushes send 2 SKUs a call, so a full one makes 20.
    app.extensions["redis"].set(BATCH_KEY.format("acct-test"), 2)

    page = html(auth_client.post(f"{PANEL}/settings/cost", headers=HX, data=_form(push_share="30")))

    assert "5 credits a call (2 SKUs a call)" in page
    assert "20 calls, 100 credits for 40 items" in page
    assert "it goes out over 2 windows" in page


def test_the_push_share_is_saved_and_audited(auth_client, store):
    connect_store(store.id, sync_inventory=True, warehouse="Default")

    saved = auth_client.post(f"{PANEL}/settings", headers=HX, data=_form(push_share="40"))

    assert saved.status_code == 200, html(saved)
    change = db.session.query(SettingsChange).filter_by(setting="push_share").one()
    assert (change.old_value, change.new_value) == ("60", "40")
    assert "JOOR credits for pushes" in html(saved)
    refused = auth_client.post(f"{PANEL}/settings", headers=HX, data=_form(push_share="100"))
    assert refused.status_code == 422


def test_a_push_waiting_for_credits_says_when_it_sends(auth_client, store):
    connect_store(store.id, sync_inventory=True, warehouse="Default")
    run = create_push_run(db.session, store.id, trigger="stock changed")
    start_run(db.session, run)
    wait_for_credits(db.session, run, 42)

    progress = html(auth_client.get(f"{PANEL}/runs/{run.id}/progress", headers=HX))

    assert "Waiting for JOOR credits (orders come first), sends in about 4" in progress
    assert 'hx-trigger="every 1s"' in progress


def test_the_run_page_says_which_kind_of_push_and_why(auth_client, store):
    connect_store(store.id, sync_inventory=True, warehouse="Default", inventory_mode="overwrite")
    run = create_push_run(db.session, store.id, trigger="stock changed")
    sends = (
        "Update of 3 SKUs (Overwrite mode: JOOR already holds the rest, last full push 10:42 UTC)"
    )
    run.params = {**run.params, "mode": "overwrite", "sends": sends}
    db.session.commit()

    page = html(auth_client.get(f"{PANEL}/runs/{run.id}"))

    assert f"<dt>Sends</dt><dd>{sends}</dd>" in page
    assert db.session.get(SyncRun, run.id).params["sends"] == sends
