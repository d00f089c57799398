"""The live parts: they poll while a run is under way, stop when none is, and say what comes."""

from __future__ import annotations

import re

import pytest

from tests.factories import make_item
from tests.web.panel_helpers import connect_store, make_run
from webapp.clock import utcnow
from webapp.extensions import db
from webapp.models import PushedStock

HX = {"HX-Request": "true"}
PANEL = "/integrations/joor"


def html(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def root(fragment: str) -> str:
    """The partial's root tag, where its polling attributes live."""
    return re.search(r"<div id=[^>]*>", fragment).group(0)


@pytest.mark.parametrize("status", ["queued", "running", "retrying"])
def test_recent_runs_poll_while_a_run_is_under_way(auth_client, store, status):
    make_run(store.id, status="succeeded")
    make_run(store.id, status=status)
    fragment = html(auth_client.get(f"{PANEL}/runs/recent", headers=HX))
    assert 'hx-trigger="runs-changed from:body, every 2s"' in root(fragment)
    assert 'data-live="polling"' in root(fragment)


@pytest.mark.parametrize("status", ["succeeded", "failed", "cancelled", "awaiting_confirmation"])
def test_recent_runs_stop_polling_once_every_run_has_ended(auth_client, store, status):
    make_run(store.id, status=status)
    fragment = html(auth_client.get(f"{PANEL}/runs/recent", headers=HX))
    assert 'hx-trigger="runs-changed from:body"' in root(fragment)
    assert 'data-live="idle"' in root(fragment) and "every" not in root(fragment)


def test_the_panel_itself_starts_the_list_polling_when_a_run_is_under_way(auth_client, store):
    make_run(store.id, status="running")
    page = html(auth_client.get(PANEL))
    assert 'data-live="polling"' in root(page[page.index('<div id="recent-runs"') :])


def test_the_logs_first_page_follows_new_runs_and_later_pages_do_not(auth_client, store):
    for _ in range(3):
        make_run(store.id, status="succeeded")
    live = make_run(store.id, status="running")
    first = html(auth_client.get(f"{PANEL}/runs"))
    rows = first[first.index('<div id="log-rows"') :]
    assert 'data-live="polling"' in root(rows) and "/runs/rows" in root(rows)

    later = html(auth_client.get(f"{PANEL}/runs?after={live.id}"))
    assert root(later[later.index('<div id="log-rows"') :]) == '<div id="log-rows">'

    # Polled, the rows keep the filters and say when to stop.
    polled = html(auth_client.get(f"{PANEL}/runs/rows?kind=manual", headers=HX))
    assert "kind=manual" in root(polled) and f'data-run-id="{live.id}"' in polled
    db.session.refresh(live)
    from webapp.sync.runs import finish_run

    finish_run(db.session, live)
    polled = html(auth_client.get(f"{PANEL}/runs/rows?kind=manual", headers=HX))
    assert 'data-live="waking"' in root(polled) and "every" not in root(polled)


@pytest.mark.parametrize("url", [f"{PANEL}/runs/rows", "/inventory/last-pushed?ids=1"])
def test_an_idle_log_or_inventory_looks_again_within_half_a_minute(
    auth_client, store, url, time_machine
):
    # Neither page has the status badge that announces runs on the panel: a push after an API
    # stock change, or a run another person started, shows at the next look.
    time_machine.move_to(utcnow(), tick=False)  # held: the look comes 30 s (+1) from now
    connect_store(store.id, sync_inventory=True, warehouse="Default", identifier="upc")
    make_run(store.id, "inventory", status="succeeded")
    fragment = html(auth_client.get(url, headers=HX))
    assert 'data-live="waking"' in root(fragment)
    assert re.search(r'hx-trigger="[^"]*, load delay:31s"', root(fragment))


def test_the_status_poll_announces_a_run_started_or_ended_elsewhere(auth_client, store):
    connect_store(store.id)
    page = html(auth_client.get(PANEL))
    url = re.search(r'hx-get="(/integrations/joor/status\?seen=[^"]+)"', page).group(1)
    quiet = auth_client.get(url, headers=HX)
    assert "HX-Trigger" not in quiet.headers

    make_run(store.id, status="running")  # a scheduled import starts in the background
    loud = auth_client.get(url, headers=HX)
    assert loud.headers["HX-Trigger"] == "runs-changed"
    # The answer carries the new mark, so the next poll is quiet again.
    url = re.search(r'hx-get="(/integrations/joor/status\?seen=[^"]+)"', html(loud)).group(1)
    assert "HX-Trigger" not in auth_client.get(url, headers=HX).headers


def test_an_open_run_page_refreshes_its_summary_once_the_run_ends(auth_client, store):
    run = make_run(store.id, status="running")
    page = html(auth_client.get(f"{PANEL}/runs/{run.id}"))
    summary = root(page[page.index('<div id="run-summary"') :])
    assert 'hx-trigger="runs-changed from:body"' in summary
    assert "cancel-run" in page and "Finished" not in page

    from webapp.sync.runs import finish_run

    finish_run(db.session, run)
    fragment = html(auth_client.get(f"{PANEL}/runs/{run.id}/summary", headers=HX))
    assert root(fragment) == '<div id="run-summary">'  # final: no trigger
    assert "Finished" in fragment and "cancel-run" not in fragment


def test_each_run_state_has_its_own_words_and_only_failed_is_red(auth_client, store):
    words = {
        "queued": "queued",
        "running": "running",
        "retrying": "retrying",
        "succeeded": "succeeded",
        "failed": "failed",
        "cancelled": "cancelled",
        "awaiting_confirmation": "waiting for confirmation",
    }
    for status in words:
        make_run(store.id, "inventory", status=status)
    log = html(auth_client.get(f"{PANEL}/runs"))
    for status, text in words.items():
        assert re.search(rf'<span class="badge {status}"[^>]*>{text}</span>', log), status
    assert log.count('class="error"') == 1  # the failed run's error, and only it
    assert "tries again in about" in log


def test_a_push_awaiting_confirmation_links_to_where_it_is_confirmed(auth_client, store):
    run = make_run(store.id, "inventory", status="awaiting_confirmation")
    fragment = html(auth_client.get(f"{PANEL}/runs/{run.id}/progress", headers=HX))
    assert 'data-testid="confirm-link"' in fragment and "#settings" in fragment
    assert "<progress" not in fragment and 'class="error"' not in fragment


@pytest.mark.parametrize(
    ("outcome", "expected"),
    [("cancelled", "cancelled"), ("awaiting_confirmation", "awaiting_confirmation")],
)
def test_the_log_filters_by_the_new_states(auth_client, store, outcome, expected):
    make_run(store.id, status="failed")
    wanted = make_run(store.id, status=expected)
    fragment = html(auth_client.get(f"{PANEL}/runs?outcome={outcome}", headers=HX))
    assert re.findall(r'data-run-id="(\d+)"', fragment) == [str(wanted.id)]


def test_the_running_filter_includes_runs_waiting_to_retry(auth_client, store):
    make_run(store.id, status="succeeded")
    retrying = make_run(store.id, status="retrying")
    fragment = html(auth_client.get(f"{PANEL}/runs?outcome=running", headers=HX))
    assert re.findall(r'data-run-id="(\d+)"', fragment) == [str(retrying.id)]


def test_a_stock_edit_shows_its_push_coming_with_its_time(auth_client, store, time_machine):

    # Held on a whole second, as RQ keeps a job's schedule: the push is 10 s away, no less.
    time_machine.move_to(utcnow().replace(microsecond=0), tick=False)
    connect_store(store.id, sync_inventory=True, warehouse="Default")
    item = make_item(store, "SKU-1", stock=3)
    response = auth_client.post(f"/inventory/{item.id}/stock", data={"stock": 5}, headers=HX)
    assert response.headers["HX-Trigger"] == "pushes-changed"

    fragment = html(auth_client.get(f"/inventory/last-pushed?ids={item.id}", headers=HX))
    assert 'data-live="waking"' in root(fragment)
    assert 'load delay:11s"' in root(fragment)  # when the debounced push starts
    assert "Coming: a push of the stock changed here, in about 10 seconds" in fragment
    panel = html(auth_client.get(f"{PANEL}/runs/recent", headers=HX))
    assert "Coming: a push of the stock changed here" in panel


def test_last_pushed_cells_follow_a_push_under_way_and_stop_after(auth_client, store, other_store):
    connect_store(store.id, sync_inventory=True, warehouse="Default", identifier="upc")
    item = make_item(store, "SKU-1", upc="012345678905", stock=3)
    theirs = make_item(other_store, "THEIRS", stock=1)
    push = make_run(store.id, "inventory", status="running")
    ids = f"{item.id},{theirs.id}"
    fragment = html(auth_client.get(f"/inventory/last-pushed?ids={ids}", headers=HX))
    assert 'data-live="polling"' in root(fragment) and "push-under-way" in fragment
    assert f'<div id="pushed-{item.id}" hx-swap-oob="true">' in fragment
    assert f"pushed-{theirs.id}" not in fragment  # another store's item is never shown

    db.session.add(PushedStock(store_id=store.id, warehouse="Default",
                               identifier_key="012345678905", item_code="SKU-1", quantity=3,
                               last_status="pass"))  # fmt: skip
    from webapp.sync.runs import finish_run

    finish_run(db.session, push)
    fragment = html(auth_client.get(f"/inventory/last-pushed?ids={ids}", headers=HX))
    # No more polling every 2 s: one look in half a minute, for a push nobody announced.
    assert 'data-live="waking"' in root(fragment) and "every" not in root(fragment)
    cell = fragment[fragment.index(f'<div id="pushed-{item.id}"') :]
    assert re.match(r'<div id="pushed-\d+" hx-swap-oob="true">\s*3\s*<span class="badge pass', cell)


def test_the_first_full_push_shows_on_the_panel_with_the_clocks_next_tick(
    auth_client, store, app, time_machine
):
    from datetime import timedelta

    from webapp.sync.push.upcoming import note_next_tick

    time_machine.move_to(utcnow(), tick=False)  # held: the next tick stays 40 s away

    connect_store(store.id, sync_inventory=True, warehouse="Default")
    fragment = html(auth_client.get(f"{PANEL}/runs/recent", headers=HX))
    assert "Coming: the first full push: every count, to JOOR, at the clock's next tick" in fragment

    note_next_tick(utcnow() + timedelta(seconds=40))  # what a running clock says
    fragment = html(auth_client.get(f"{PANEL}/runs/recent", headers=HX))
    tick = (utcnow() + timedelta(seconds=40)).strftime("%H:%M:%S UTC")
    assert f"the first full push: every count, to JOOR, in about 40 seconds ({tick})" in fragment

    make_run(store.id, "inventory", status="running")  # Push now: that run shows itself
    assert "Coming:" not in html(auth_client.get(f"{PANEL}/runs/recent", headers=HX))


def test_ticking_sync_inventory_tells_the_open_panel_a_first_push_comes(auth_client, store):
    connect_store(store.id, warehouse="Default")
    page = html(auth_client.get(PANEL))
    url = re.search(r'hx-get="(/integrations/joor/status\?seen=[^"]+)"', page).group(1)
    connect_store(store.id, sync_inventory=True)  # saved on the panel (no clock time known)
    assert auth_client.get(url, headers=HX).headers["HX-Trigger"] == "runs-changed"
