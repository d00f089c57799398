"""The import log, a run's events and CSV, its progress fragment, manual import and retry."""

from __future__ import annotations

import csv
import io
import re

from tests.web.order_factories import make_order
from tests.web.panel_helpers import connect_store, make_run

HX = {"HX-Request": "true"}
PANEL = "/integrations/joor"


def html(response) -> str:
    return response.get_data(as_text=True)


def _events(n: int, outcome: str = "imported", prefix: str = "J") -> list[dict]:
    return [
        {"subject": f"{prefix}{i:05d}", "outcome": outcome, "reason": "new order"} for i in range(n)
    ]


def test_progress_polls_while_running_and_stops_when_finished(auth_client, store):
    running = make_run(store.id, status="running", events=_events(4), imported=4)
    fragment = html(auth_client.get(f"{PANEL}/runs/{running.id}/progress", headers=HX))
    assert fragment.lstrip().startswith(f'<div id="run-{running.id}-progress"')
    assert 'hx-trigger="every 1s"' in fragment
    assert f'<progress max="{running.total}" value="{running.done}"' in fragment

    finished = make_run(store.id, status="succeeded", events=_events(3), imported=2, failed=1)
    response = auth_client.get(f"{PANEL}/runs/{finished.id}/progress", headers=HX)
    assert "hx-trigger" not in html(response)
    assert response.headers["HX-Trigger"] == "runs-changed"
    assert "<b>2</b> imported" in html(response) and "<b>1</b> failed" in html(response)
    assert '<span class="badge partial"' in html(response)  # not a plain success
    clean = make_run(store.id, status="succeeded", events=_events(2), imported=2)
    assert '<span class="badge succeeded"' in html(
        auth_client.get(f"{PANEL}/runs/{clean.id}/progress", headers=HX)
    )


def test_a_run_whose_joor_call_is_tried_again_says_so(auth_client, store, app):
    from webapp.joor import JoorTransientError
    from webapp.sync.retry_notice import retry_notice

    run = make_run(store.id, status="running", events=_events(2), imported=2)
    progress = f"{PANEL}/runs/{run.id}/progress"
    assert "run-retrying" not in html(auth_client.get(progress, headers=HX))
    error = JoorTransientError("502", user_message="JOOR is having trouble right now (502). We…")

    retry_notice(app.extensions["redis"], run.id)(error, 2, 4.0, 6)

    fragment = html(auth_client.get(progress, headers=HX))
    assert (
        "JOOR is having trouble right now (502): trying again in about 4 seconds (attempt 3 of 6)."
        in fragment
    )
    # The moment the wait is over (the call is tried again), the page says no more of it.
    retry_notice(app.extensions["redis"], run.id)(error, 3, 0.0, 6)
    assert "run-retrying" not in html(auth_client.get(progress, headers=HX))


def test_a_retry_notice_is_read_only_while_its_wait_lasts(app):
    import time

    from webapp.joor import JoorTransientError
    from webapp.sync.retry_notice import retry_notice, retrying

    redis = app.extensions["redis"]
    error = JoorTransientError("502", user_message="JOOR is having trouble right now. We…")
    retry_notice(redis, 7)(error, 1, 30.0, 6)
    now = time.time()
    assert retrying(redis, 7, now=now) == (
        "JOOR is having trouble right now: trying again in about 30 seconds (attempt 2 of 6)."
    )
    assert retrying(redis, 7, now=now + 31) is None  # the wait is over: nothing to say


def test_a_run_without_joors_total_shows_what_it_has_done(auth_client, store):
    from webapp.extensions import db

    run = make_run(store.id, status="running", events=_events(4), imported=4)
    run.total, run.done = None, 200  # JOOR's pages came without a total
    db.session.commit()
    fragment = html(auth_client.get(f"{PANEL}/runs/{run.id}/progress", headers=HX))
    assert "<b>200</b> orders done so far" in fragment and "<progress max" not in fragment


def test_a_run_waiting_out_joors_request_limit_says_so(auth_client, store, app):
    from webapp.joor import RedisCreditBudget

    connect_store(store.id)
    run = make_run(store.id, status="running", events=_events(2), imported=2)
    progress = f"{PANEL}/runs/{run.id}/progress"
    assert "Paused" not in html(auth_client.get(progress, headers=HX))
    # JOOR answered 429 with Retry-After: 120, so every worker holds the account's budget.
    RedisCreditBudget(app.extensions["redis"], "acct-test").penalize(120)
    fragment = html(auth_client.get(progress, headers=HX))
    assert "Paused: JOOR's request limit for this account is reached" in fragment
    assert re.search(r"carries on by itself in about 1[12]\d s", fragment)


def test_a_failed_run_that_counted_nothing_has_no_full_bar(auth_client, store):
    failed = make_run(store.id, status="failed")
    fragment = html(auth_client.get(f"{PANEL}/runs/{failed.id}/progress", headers=HX))
    assert "<progress" not in fragment and "0 orders done" in fragment


def test_a_retrying_run_says_when_it_tries_again_and_is_not_red(auth_client, store, time_machine):
    from datetime import timedelta

    from webapp.clock import utcnow

    time_machine.move_to(utcnow(), tick=False)  # held: the retry stays a minute away
    run = make_run(store.id, status="retrying")
    fragment = html(auth_client.get(f"{PANEL}/runs/{run.id}/progress", headers=HX))
    assert 'hx-trigger="every 1s"' in fragment  # still under way: the page follows it
    assert 'class="badge retrying"' in fragment and 'class="error"' not in fragment
    at = (utcnow() + timedelta(seconds=60)).strftime("%H:%M:%S UTC")
    assert f"It tries again by itself in about 60 seconds ({at}); nothing" in fragment
    assert "JOOR is having trouble right now." in fragment
    assert "Waiting for a worker" not in fragment


def test_queued_run_polls_with_an_indeterminate_bar(auth_client, store):
    run = make_run(store.id, status="queued")
    fragment = html(auth_client.get(f"{PANEL}/runs/{run.id}/progress", headers=HX))
    assert "hx-trigger" in fragment and "Waiting for a worker" in fragment


def test_another_stores_runs_are_not_reachable(auth_client, other_store):
    run = make_run(other_store.id, events=_events(2))
    for path in (f"/runs/{run.id}", f"/runs/{run.id}/progress", f"/runs/{run.id}/events.csv"):
        assert auth_client.get(PANEL + path, headers=HX).status_code == 404, path
    assert auth_client.post(f"{PANEL}/runs/{run.id}/retry").status_code == 404
    listing = html(auth_client.get(f"{PANEL}/runs"))
    assert f"#{run.id}<" not in listing and "No runs yet." in listing


def test_import_log_is_a_page_or_its_fragment(auth_client, store):
    make_run(store.id)
    page = auth_client.get(f"{PANEL}/runs")
    fragment = auth_client.get(f"{PANEL}/runs", headers=HX)
    assert "<!doctype html>" in html(page) and 'id="runs"' in html(page)
    assert html(fragment).lstrip().startswith('<div id="runs"')
    assert "HX-Request" in page.headers["Vary"] and "HX-Request" in fragment.headers["Vary"]
    assert "Runs are kept for 90 days" in html(page)  # RUN_LOG_DAYS: the merchant knows


def test_import_log_filters_by_kind_and_outcome(auth_client, store):
    poll = make_run(store.id, "poll", imported=1)
    push = make_run(store.id, "inventory", passed=1)
    failing = make_run(store.id, "manual", events=_events(1, "failed"), failed=1)
    broken = make_run(store.id, "manual", status="failed")

    def listed(query: str) -> set[int]:
        fragment = html(auth_client.get(f"{PANEL}/runs?{query}", headers=HX))
        return {r for r in (poll.id, push.id, failing.id, broken.id) if f">#{r}</a>" in fragment}

    assert listed("") == {poll.id, push.id, failing.id, broken.id}
    assert listed("kind=inventory") == {push.id}
    assert listed("kind=poll") == {poll.id}
    assert listed("outcome=failed") == {broken.id}
    assert listed("outcome=has_failures") == {failing.id}
    assert listed("kind=manual&outcome=succeeded") == {failing.id}


def test_import_log_pages_newest_first(auth_client, store):
    runs = [make_run(store.id, imported=1) for _ in range(53)]
    first = html(auth_client.get(f"{PANEL}/runs", headers=HX))
    assert f">#{runs[-1].id}</a>" in first and f">#{runs[3].id}</a>" in first
    assert f">#{runs[2].id}</a>" not in first and "Older →" in first
    second = html(auth_client.get(f"{PANEL}/runs?after={runs[3].id}", headers=HX))
    assert [r.id for r in runs[:3] if f">#{r.id}</a>" in second] == [r.id for r in runs[:3]]
    assert f">#{runs[3].id}</a>" not in second and "← Newer" in second


def test_run_page_lists_each_order_with_its_outcome_and_pages(auth_client, store):
    events = _events(55) + _events(2, "failed", prefix="F")
    run = make_run(store.id, events=events, imported=55, failed=2)
    page = html(auth_client.get(f"{PANEL}/runs/{run.id}"))
    assert "J00000" in page and "J00049" in page and "J00050" not in page
    assert "Next →" in page and ">Retry failed orders (2)</button>" in page
    failed = html(auth_client.get(f"{PANEL}/runs/{run.id}?outcome=failed", headers=HX))
    assert failed.lstrip().startswith('<div id="events"')
    assert "F00000" in failed and "J00000" not in failed


def test_failed_orders_imported_since_are_linked_and_not_retried_again(auth_client, store):
    from tests.web.order_factories import make_order
    from webapp.models import SyncRun

    run = make_run(store.id, events=_events(3, "failed", prefix="F"), failed=3)
    # A later poll or retry imported one of them after it was fixed in JOOR.
    fixed = make_order(store, source_id="F00001")
    page = html(auth_client.get(f"{PANEL}/runs/{run.id}"))
    assert ">Retry failed orders (2)</button>" in page
    assert "1 of them have been imported since." in page
    assert f'<a class="small" href="/orders/{fixed.id}">imported since</a>' in page
    assert page.count("imported since</a>") == 1

    auth_client.post(f"{PANEL}/runs/{run.id}/retry")
    retry = SyncRun.query.filter_by(store_id=store.id).order_by(SyncRun.id.desc()).first()
    assert retry.params["order_ids"] == ["F00000", "F00002"]

    make_order(store, source_id="F00000")
    make_order(store, source_id="F00002")
    page = html(auth_client.get(f"{PANEL}/runs/{run.id}"))
    assert "Retry failed orders (" not in page
    assert "No failed order of this run is left to retry: each has been imported since" in page
    answer = html(auth_client.post(f"{PANEL}/runs/{run.id}/retry", follow_redirects=True))
    assert "Every failed order of this run has been imported since: nothing to retry." in answer
    assert SyncRun.query.filter_by(store_id=store.id).count() == 2  # no third run


def test_run_page_says_in_words_what_the_run_was_asked_to_do(auth_client, store):
    from webapp.extensions import db

    failed = make_run(store.id, status="succeeded", events=_events(2, "failed"), failed=2)
    retry = make_run(store.id, status="succeeded")
    ids = [f"J{i:05d}" for i in range(2)]
    retry.params = {"since": "2026-01-01", "until": "2026-11-28T19:10:05.123+00:00",
                    "order_ids": ids, "retry_of": failed.id}  # fmt: skip
    push = make_run(store.id, "inventory", status="succeeded")
    push.params = {"trigger": "stock of tee-RED edited", "full": False, "confirmed": False,
                   "notice": "Sync Inventory is off: nothing was pushed."}  # fmt: skip
    push.created_by = ""  # scheduled by a stock change, not by a person
    db.session.commit()

    page = html(auth_client.get(f"{PANEL}/runs/{retry.id}"))
    assert "then use <b>Retry failed orders</b>" in html(
        auth_client.get(f"{PANEL}/runs/{failed.id}")
    )
    assert 'data-testid="next-step"' not in page

    assert "orders modified from 2026-01-01 to 2026-11-28 19:10 UTC" in page
    link = f'<a href="{PANEL}/runs/{failed.id}">run #{failed.id}: its 2 failed orders</a>'
    assert link in page and "J00001" not in page and "order_ids" not in page
    pushed = html(auth_client.get(f"{PANEL}/runs/{push.id}"))
    assert "<dd>Stock of tee-RED edited</dd>" in pushed
    assert "<dd>what changed since the last push</dd>" in pushed
    assert "<dd>Sync Inventory is off: nothing was pushed.</dd>" in pushed
    assert "<dt>Overwrite</dt>" not in pushed  # nothing was confirmed
    assert "<dt>Started by</dt><dd>automatic</dd>" in pushed
    snapshot = make_run(store.id, "inventory", status="succeeded")
    snapshot.params = {"trigger": "full push", "full": True, "mode": "overwrite"}
    db.session.commit()
    overwrite = html(auth_client.get(f"{PANEL}/runs/{snapshot.id}"))
    assert "<dd>the full snapshot (Overwrite)</dd>" in overwrite


def test_a_running_runs_list_follows_it_and_a_finished_one_stays_still(auth_client, store):
    running = make_run(store.id, status="running", events=_events(2), imported=2)
    page = html(auth_client.get(f"{PANEL}/runs/{running.id}?outcome=imported"))
    assert f'<div id="events" hx-get="{PANEL}/runs/{running.id}?outcome=imported"' in page
    assert 'hx-trigger="runs-changed from:body, every 5s"' in page
    finished = make_run(store.id, status="succeeded", events=_events(2), imported=2)
    assert '<div id="events">' in html(auth_client.get(f"{PANEL}/runs/{finished.id}"))


def test_run_events_download_as_csv_without_formulas(auth_client, store):
    order = make_order(store, source_id="J00000")
    events = _events(3) + [{"subject": "=HYPERLINK(1)", "outcome": "failed", "reason": "-1"}]
    events[0]["order_id"] = order.id
    run = make_run(store.id, events=events, imported=3, failed=1)
    response = auth_client.get(f"{PANEL}/runs/{run.id}/events.csv")
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    text = html(response)
    assert text.startswith("\ufeff")  # Excel then reads it as UTF-8
    rows = list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))
    assert rows[0] == ["JOOR order", "Outcome", "Reason", "Order id here", "Time (UTC)"]
    assert [r[0] for r in rows[1:]] == ["J00000", "J00001", "J00002", "'=HYPERLINK(1)"]
    assert rows[1][3] == str(order.id) and rows[2][3] == ""
    assert rows[-1][2] == "'-1" and rows[-1][1] == "failed"
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d", rows[-1][4])


def test_a_push_names_skus_and_what_each_carried_on_its_page_and_in_its_csv(auth_client, store):
    sent = {"key": "style:ST-1|NOS|RED|M", "inventory": 12, "warehouse": "Default"}
    events = [
        {"subject": "TEE-RED-M", "outcome": "passed", "reason": "", "detail": sent},
        {"subject": "@SUM(A1)", "outcome": "skipped", "reason": "skip_push is set"},
    ]
    run = make_run(store.id, "inventory", events=events, passed=1, skipped=1)
    text = html(auth_client.get(f"{PANEL}/runs/{run.id}/events.csv")).removeprefix("\ufeff")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == ["SKU", "Outcome", "Reason", "Sent", "Time (UTC)"]
    words = "12 as Style Number ST-1, Style Identifier NOS, Color Code RED, Size M"
    assert [r[:4] for r in rows[1:]] == [
        ["TEE-RED-M", "passed", "", words],
        ["'@SUM(A1)", "skipped", "skip_push is set", ""],
    ]
    assert words in html(auth_client.get(f"{PANEL}/runs/{run.id}"))


def test_manual_import_needs_a_date_and_a_connection(auth_client, store):
    missing = auth_client.post(f"{PANEL}/imports", data={"since": ""}, headers=HX)
    assert missing.status_code == 422
    assert "Pick the date to import from." in html(missing)
    unconnected = auth_client.post(f"{PANEL}/imports", data={"since": "2026-01-01"}, headers=HX)
    assert unconnected.status_code == 422
    assert "Connect to JOOR before importing." in html(unconnected)
    connect_store(store.id)
    future = auth_client.post(f"{PANEL}/imports", data={"since": "2999-01-01"}, headers=HX)
    assert future.status_code == 422 and "not in the future" in html(future)


def test_manual_import_shows_its_run_at_once_and_a_second_click_says_so(auth_client, store):
    connect_store(store.id)
    first = auth_client.post(f"{PANEL}/imports", data={"since": "2026-01-01"}, headers=HX)
    assert first.status_code == 200
    fragment = html(first)
    assert 'id="run-' in fragment and 'hx-trigger="every 1s"' in fragment
    # The form comes back (out of band) clean, with the date as typed.
    assert 'id="import-form"' in fragment and 'hx-swap-oob="outerHTML"' in fragment
    assert 'value="2026-01-01"' in fragment
    second = auth_client.post(f"{PANEL}/imports", data={"since": "2026-01-01"}, headers=HX)
    assert "An import is already running" in html(second)
    run_id = re.search(r'id="run-(\d+)-progress"', fragment).group(1)
    assert f'id="run-{run_id}-progress"' in html(second)


def test_manual_import_without_javascript_redirects_to_the_panel(auth_client, store):
    connect_store(store.id)
    response = auth_client.post(f"{PANEL}/imports", data={"since": "2026-01-01"})
    assert response.status_code == 302 and response.headers["Location"].endswith("#import")
    assert "Import started" in html(auth_client.get(PANEL))


def test_a_manual_import_asked_during_a_scheduled_one_is_queued_behind_it(auth_client, store):
    connect_store(store.id)
    poll = make_run(store.id, "poll", status="running", imported=3)
    asked = auth_client.post(f"{PANEL}/imports", data={"since": "2025-06-01"}, headers=HX)
    fragment = html(asked)
    assert "already running" not in fragment
    run_id = int(re.search(r'id="run-(\d+)-progress"', fragment).group(1))
    assert run_id != poll.id and "since 2025-06-01" in fragment
    progress = html(auth_client.get(f"{PANEL}/runs/{run_id}/progress", headers=HX))
    assert f"Waiting for the scheduled import running now (#{poll.id}) to finish" in progress


def test_a_push_reads_the_same_in_the_list_and_on_its_page(auth_client, store):
    # SKUs JOOR refused and items never sent (a problem here) are told apart in both places.
    run = make_run(store.id, "inventory", sent=3, passed=2, failed=1, problems=4, skipped=5)
    listing = html(auth_client.get(f"{PANEL}/runs"))
    assert "2 passed · 1 refused · 4 not sent · 5 skipped" in listing
    page = html(auth_client.get(f"{PANEL}/runs/{run.id}"))
    assert "<b>1</b> refused by JOOR" in page and "<b>4</b> not sent" in page


def test_a_queued_import_is_cancelled_from_its_page(auth_client, store, other_store):
    run = make_run(store.id, "manual", status="queued")
    page = html(auth_client.get(f"{PANEL}/runs/{run.id}"))
    assert 'data-testid="cancel-run"' in page

    done = auth_client.post(f"{PANEL}/runs/{run.id}/cancel", follow_redirects=True)

    assert f"Run #{run.id} is cancelled." in html(done)
    assert "Cancelled by owner-acme@example.com before it started." in html(done)
    assert 'data-testid="cancel-run"' not in html(done)  # finished: nothing left to cancel
    theirs = make_run(other_store.id, "manual", status="queued")
    assert auth_client.post(f"{PANEL}/runs/{theirs.id}/cancel").status_code == 404
    push = make_run(store.id, "inventory", status="queued")
    assert auth_client.post(f"{PANEL}/runs/{push.id}/cancel").status_code == 400
