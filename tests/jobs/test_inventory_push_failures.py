"""Pushes that fail or must not send: refused SKUs, bad templates, settings, JOOR errors, locks."""

from __future__ import annotations

import pytest
from flask import current_app

from tests.factories import make_item
from tests.jobs.inventory_push_support import (
    STYLE_TEMPLATES,
    configure,
    events,
    push,
    set_faults,
    sim_pushes,
    sim_stock,
    style_metadata,
)
from webapp.extensions import db
from webapp.joor import JoorTransientError
from webapp.models import SyncRun
from webapp.sync.connection.settings import SettingsError
from webapp.sync.connection.state import get_connection
from webapp.sync.push.service import (
    BUSY,
    NO_WAREHOUSE,
    SYNC_OFF,
    PushBusyError,
    create_push_run,
    run_push,
    store_push_lock,
)

UNKNOWN_UPC = "000000000000"


def test_a_refused_sku_is_recorded_failed_and_retried_next_push(push_sim, push_skus, joor_store):
    for sku in push_skus[:10]:
        make_item(joor_store, sku["upc"], stock=4)
    make_item(joor_store, UNKNOWN_UPC, stock=2)

    first = push(joor_store)

    # One SKU in eleven is the small share a push may lose and still count as done.
    assert (first.counts["passed"], first.counts["failed"]) == (10, 1)
    assert first.status == "succeeded"
    [failed] = events(first.run_id, "failed")
    assert failed.subject == UNKNOWN_UPC and "unknown upc" in failed.reason

    second = push(joor_store)

    assert second.counts["sent"] == 1
    assert sim_pushes(push_sim)[-1]["items"] == [
        {"warehouse": "Default", "upc": UNKNOWN_UPC, "inventory": 2}
    ]


def test_a_push_joor_mostly_refused_fails_saying_the_share_and_the_reason(
    push_sim, push_skus, joor_store
):
    make_item(joor_store, push_skus[0]["upc"], stock=4)
    for n in range(3):
        make_item(joor_store, f"00000000000{n}", stock=2)

    summary = push(joor_store)

    assert (summary.counts["passed"], summary.counts["failed"]) == (1, 3)
    assert summary.status == "failed"
    assert summary.error.startswith("JOOR refused 3 of the 4 SKUs sent (75%), more than the 10%")
    assert "the run's events give JOOR's reason for each" in summary.error
    # What JOOR took stays taken: the refusal fails the run, not the SKUs that passed.
    assert sim_stock(push_sim)[push_skus[0]["upc"]] == 4


def test_an_unknown_warehouse_fails_every_sku_and_the_run_says_so(push_sim, push_skus, joor_store):
    configure(joor_store, warehouse="Nowhere")
    make_item(joor_store, push_skus[0]["upc"], stock=4)
    make_item(joor_store, push_skus[1]["upc"], stock=-1)  # a problem here, not a JOOR refusal

    summary = push(joor_store)

    assert summary.status == "failed" and summary.counts["failed"] == 1
    (reason,) = [
        e.reason for e in events(summary.run_id, "failed") if e.subject == push_skus[0]["upc"]
    ]
    assert "unknown warehouse: Nowhere" in reason
    # The panel shows the run's error: JOOR's reason is in it, not only in the events.
    assert summary.error.startswith("JOOR refused all 1 SKUs")
    assert summary.error.endswith(f' JOOR said: "{reason}".')
    configure(joor_store, warehouse="Default")
    assert push(joor_store).counts["passed"] == 1


@pytest.mark.parametrize(
    "template",
    [
        "{{ ''.__class__.__mro__ }}",
        "{{ cycler.__init__.__globals__ }}",
    ],
)
def test_hostile_templates_are_refused_when_saved(joor_store, template):
    with pytest.raises(SettingsError) as refused:
        configure(joor_store, identifier="style", **{**STYLE_TEMPLATES, "size": template})

    assert "Size" in refused.value.errors["size"]
    assert get_connection(db.session, joor_store.id).identifier == "upc"


def test_a_hostile_template_that_got_stored_anyway_stops_the_run(push_sim, push_skus, joor_store):
    configure(joor_store, identifier="style", **STYLE_TEMPLATES)
    get_connection(db.session, joor_store.id).tpl_size = "{{ ''.__class__.__mro__ }}"
    db.session.commit()
    make_item(joor_store, "shirt", stock=1, metadata=style_metadata(push_skus[0]))

    summary = push(joor_store)

    assert summary.status == "failed"
    assert summary.error.startswith("Nothing was pushed: Size: ")
    assert "__class__" in summary.error and sim_pushes(push_sim) == []


def test_a_template_failing_on_an_item_keeps_that_item_out_with_the_reason(
    push_sim, push_skus, joor_store
):
    # Division by the stock: fine for stocked items, a render error for one with none.
    size = "{{ item.metadata.size|slice(0, 100 // item.stock) }}"
    configure(joor_store, identifier="style", **{**STYLE_TEMPLATES, "size": size})
    make_item(joor_store, "empty", stock=0, metadata=style_metadata(push_skus[0]))
    make_item(joor_store, "stocked", stock=3, metadata=style_metadata(push_skus[1]))

    summary = push(joor_store)

    [problem] = events(summary.run_id, "failed")
    assert problem.subject == "empty"
    assert problem.reason == "not sent: Size: division by zero at line 1, column 36"
    assert summary.status == "succeeded", summary.error
    assert (summary.counts["problems"], summary.counts["passed"]) == (1, 1)
    assert sim_stock(push_sim) == {push_skus[1]["upc"]: 3}


def test_an_endless_loop_in_a_template_is_stopped_with_a_clear_error(
    push_sim, push_skus, joor_store
):
    loop = "{{ item.metadata.size }}{% for i in range(1, 1000000000) %}{% endfor %}"
    try:
        configure(joor_store, identifier="style", **{**STYLE_TEMPLATES, "size": loop})
    except SettingsError as refused:  # refusing it when saved is as good as stopping it
        assert "range is limited" in refused.errors["size"]
        return
    make_item(joor_store, "shirt", stock=1, metadata=style_metadata(push_skus[0]))

    summary = push(joor_store)

    assert summary.status == "failed"
    assert (
        summary.error == "No item could be pushed: shirt: Size: range is limited to 1,000 values"
        " at line 1, column 37"
    )
    assert sim_pushes(push_sim) == []


def test_a_run_where_no_item_renders_fails_with_the_first_reason(push_sim, push_skus, joor_store):
    configure(joor_store, identifier="style", **{**STYLE_TEMPLATES, "size": "{{ 1 / 0 }}"})
    make_item(joor_store, "a", stock=1, metadata=style_metadata(push_skus[0]))
    make_item(joor_store, "b", stock=1, metadata=style_metadata(push_skus[1]))

    summary = push(joor_store)

    assert summary.status == "failed"
    assert summary.error == (
        "No item could be pushed: a: Size: division by zero at line 1, column 6 "
        "(and 1 more; see the run's events)"
    )
    assert sim_pushes(push_sim) == []


def test_a_run_where_every_template_renders_empty_fails_not_succeeds(
    push_sim, push_skus, joor_store
):
    configure(joor_store, identifier="style", **{**STYLE_TEMPLATES, "size": "{{ item.nope }}"})
    make_item(joor_store, "a", stock=1, metadata=style_metadata(push_skus[0]))
    make_item(joor_store, "b", stock=1, metadata=style_metadata(push_skus[1], skip_joor="1"))

    summary = push(joor_store)

    assert summary.status == "failed"
    assert summary.error == (
        "No item could be pushed: a: Size is empty for this item, so JOOR cannot identify it"
    )
    assert summary.notice == ""  # not "no count differs": nothing could be worked out


def test_a_run_where_every_item_is_kept_out_on_purpose_succeeds(push_sim, push_skus, joor_store):
    make_item(joor_store, push_skus[0]["upc"], stock=1, metadata={"skip_joor": "1"})
    make_item(joor_store, push_skus[1]["upc"], stock=1, metadata={"skip_push": "1"})

    summary = push(joor_store)

    assert (summary.status, summary.error) == ("succeeded", "")
    assert summary.counts["skipped"] == 2


def test_sync_inventory_off_pushes_nothing_and_says_so(push_sim, push_skus, joor_store):
    configure(joor_store, sync_inventory="off")
    make_item(joor_store, push_skus[0]["upc"], stock=1)

    summary = push(joor_store, full=True)

    assert (summary.status, summary.error) == ("failed", SYNC_OFF)
    assert sim_pushes(push_sim) == []


def test_a_scheduled_push_finding_sync_off_ends_quietly_with_a_notice(
    push_sim, push_skus, joor_store
):
    configure(joor_store, sync_inventory="off")
    make_item(joor_store, push_skus[0]["upc"], stock=1)

    summary = push(joor_store, explicit=False)

    assert (summary.status, summary.notice) == ("succeeded", SYNC_OFF)
    assert sim_pushes(push_sim) == []


def test_no_warehouse_pushes_nothing_and_says_so(push_sim, push_skus, joor_store):
    get_connection(db.session, joor_store.id).warehouse = ""
    db.session.commit()
    make_item(joor_store, push_skus[0]["upc"], stock=1)

    summary = push(joor_store)

    assert (summary.status, summary.error) == ("failed", NO_WAREHOUSE)
    assert sim_pushes(push_sim) == []


def test_a_refused_token_marks_the_connection_failing(push_sim, push_skus, joor_store):
    set_faults(push_sim, revoke_tokens=["demo-token"])
    make_item(joor_store, push_skus[0]["upc"], stock=1)

    summary = push(joor_store)

    assert summary.status == "failed" and "refused the access token" in summary.error
    conn = get_connection(db.session, joor_store.id)
    assert conn.status == "failing" and conn.last_error == summary.error


def test_joor_down_fails_the_run_in_words_and_raises_for_a_retry(push_sim, push_skus, joor_store):
    set_faults(push_sim, error_rate=1.0)
    make_item(joor_store, push_skus[0]["upc"], stock=1)
    run = create_push_run(db.session, joor_store.id, trigger="test")

    with pytest.raises(JoorTransientError):
        run_push(db.session, _factory(), run.id)

    run = db.session.get(SyncRun, run.id)
    assert run.status == "failed" and "JOOR is having trouble right now" in run.error
    assert sim_stock(push_sim) == {}


def test_a_retried_push_lists_what_it_left_out_once(push_sim, push_skus, joor_store):
    make_item(joor_store, push_skus[0]["upc"], stock=1)
    make_item(joor_store, push_skus[1]["upc"], stock=1, metadata={"skip_joor": "1"})
    make_item(joor_store, push_skus[2]["upc"], stock=-1)
    run = create_push_run(db.session, joor_store.id, trigger="test")
    set_faults(push_sim, error_rate=1.0)
    with pytest.raises(JoorTransientError):
        run_push(db.session, _factory(), run.id)
    set_faults(push_sim, error_rate=0.0)

    summary = run_push(db.session, _factory(), run.id)  # RQ's retry, on the same run

    assert summary.status == "succeeded", summary.error
    assert (summary.counts["skipped"], summary.counts["problems"]) == (1, 1)
    assert [e.subject for e in events(run.id, "skipped")] == [push_skus[1]["upc"]]
    assert [e.subject for e in events(run.id, "failed")] == [push_skus[2]["upc"]]
    assert [e.subject for e in events(run.id, "passed")] == [push_skus[0]["upc"]]


def test_pushes_of_one_store_never_overlap(push_sim, push_skus, joor_store):
    make_item(joor_store, push_skus[0]["upc"], stock=1)
    run = create_push_run(db.session, joor_store.id, trigger="test")
    factory = _factory()

    with store_push_lock(factory.redis, joor_store.id), pytest.raises(PushBusyError):
        run_push(db.session, factory, run.id, lock_wait=0.1)

    run = db.session.get(SyncRun, run.id)
    assert (run.status, run.error) == ("queued", BUSY)  # not failed: its job comes back
    assert sim_pushes(push_sim) == []
    assert push(joor_store).counts["passed"] == 1


def _factory():
    from webapp.sync.connection.clients import factory_from_app

    return factory_from_app(current_app)
