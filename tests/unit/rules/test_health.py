"""The health verdict: one state per connection, with the reason and the fix in words."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from webapp.rules.health import (
    HealthFacts,
    PushFacts,
    RunStreak,
    duration_words,
    judge_health,
)
from webapp.rules.refusals import share_text, too_many_refused

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
FINE = HealthFacts(
    now=NOW,
    status="connected",
    has_token=True,
    poll_minutes=15,
    sync_inventory=True,
    warehouse="Defualt",
    checks_expected_since=NOW - timedelta(days=3),
    last_check_success_at=NOW - timedelta(minutes=10),
)
WAREHOUSE_REFUSAL = PushFacts(
    sent=3113, refused=3113, warehouse="Defualt", reasons=(("unknown warehouse: Defualt", 3113),)
)


def test_a_connection_doing_its_work_is_connected():
    assert judge_health(FINE).state == "connected"


def test_no_token_is_disconnected_and_a_token_being_checked_is_checking():
    assert judge_health(replace(FINE, has_token=False, status="disconnected")).state == (
        "disconnected"
    )
    assert judge_health(replace(FINE, status="checking")).state == "checking"


def test_a_refused_token_is_failing_with_joor_words_and_the_fix():
    verdict = judge_health(replace(FINE, status="failing", last_error="JOOR refused the token."))
    assert (verdict.state, verdict.cause) == ("failing", "token_refused")
    assert verdict.reason == "JOOR refused the token."
    assert "Connect again" in verdict.fix


def test_a_push_refused_for_its_warehouse_names_it_and_the_warehouses_used_before():
    facts = replace(FINE, last_push=WAREHOUSE_REFUSAL, warehouses_before=("Default", "Defualt"))
    verdict = judge_health(facts)
    assert (verdict.state, verdict.cause) == ("needs attention", "unknown_warehouse")
    assert verdict.reason == (
        "JOOR does not know the warehouse 'Defualt'. Warehouses this store pushed to before: "
        "Default."
    )
    assert "Default Warehouse" in verdict.fix


def test_a_warehouse_refusal_needs_attention_even_for_a_few_skus():
    few = replace(WAREHOUSE_REFUSAL, sent=100, refused=2, reasons=(("unknown warehouse", 2),))
    assert judge_health(replace(FINE, last_push=few)).cause == "unknown_warehouse"


def test_the_verdict_clears_once_the_warehouse_is_changed_or_sync_is_off():
    refused = replace(FINE, last_push=WAREHOUSE_REFUSAL)
    assert judge_health(replace(refused, warehouse="Default")).state == "connected"
    assert judge_health(replace(refused, sync_inventory=False)).state == "connected"


def test_most_skus_refused_says_the_share_and_the_commonest_reason():
    push = PushFacts(sent=114, refused=78, warehouse="Defualt",
                     reasons=(("unknown style", 70), ("unknown size", 8)))  # fmt: skip
    verdict = judge_health(replace(FINE, last_push=push))
    assert (verdict.state, verdict.cause) == ("needs attention", "push_refused")
    assert verdict.reason == (
        "JOOR refused 78 of the 114 SKUs of the last push (68%). "
        'The most common reason: "unknown style" (70 SKUs).'
    )


def test_a_small_share_refused_is_no_trouble():
    push = PushFacts(sent=114, refused=3, warehouse="Defualt", reasons=(("unknown upc: 1", 1),))
    assert judge_health(replace(FINE, last_push=push)).state == "connected"
    assert not too_many_refused(10, 1) and too_many_refused(10, 2)
    assert (share_text(1, 3113), share_text(78, 114)) == ("under 1%", "68%")


def test_an_overwrite_waiting_for_a_yes_needs_attention_until_update_mode():
    waiting = PushFacts(sent=0, refused=0, warehouse="", awaiting_confirmation=True)
    facts = replace(FINE, inventory_mode="overwrite", last_push=waiting)
    assert judge_health(facts).cause == "confirm_overwrite"
    assert judge_health(replace(facts, inventory_mode="update")).state == "connected"


@pytest.mark.parametrize(
    ("field", "cause"), [("imports", "imports_failing"), ("pushes", "pushes_failing")]
)
def test_three_failures_in_a_row_of_a_kind_need_attention_two_do_not(field, cause):
    two = replace(FINE, **{field: RunStreak(2, "JOOR answered 500")})
    assert judge_health(two).state == "connected"
    verdict = judge_health(replace(FINE, **{field: RunStreak(3, "JOOR answered 500")}))
    assert verdict.cause == cause
    assert verdict.reason.endswith("failed. The last one said: JOOR answered 500")


def test_scheduled_checks_not_succeeding_for_twice_their_interval_need_attention():
    late = replace(
        FINE, last_check_success_at=NOW - timedelta(minutes=31), last_check_status="queued"
    )
    verdict = judge_health(late)
    assert verdict.cause == "checks_overdue"
    assert verdict.reason == (
        "No scheduled check for new orders has succeeded for 31 min; they are due every 15 min."
    )
    assert "worker" in verdict.fix
    on_time = replace(late, last_check_success_at=NOW - timedelta(minutes=30))
    assert judge_health(on_time).state == "connected"


def test_overdue_checks_whose_last_one_is_retrying_say_it_tries_again_by_itself():
    late = replace(
        FINE,
        last_check_success_at=NOW - timedelta(minutes=31),
        last_check_status="retrying",
        last_check_error="JOOR is having trouble right now.",
    )
    assert judge_health(late).fix == (
        "The last check failed for now (JOOR is having trouble right now) and tries again by "
        "itself; its run on the JOOR panel says when."
    )


def test_a_schedule_switched_on_lately_is_not_overdue_for_checks_before_it():
    switched = replace(FINE, last_check_success_at=NOW - timedelta(days=9),
                       checks_expected_since=NOW - timedelta(minutes=20))  # fmt: skip
    assert judge_health(switched).state == "connected"
    assert judge_health(replace(switched, poll_minutes=5)).cause == "checks_overdue"


def test_nothing_running_by_itself_is_paused():
    verdict = judge_health(replace(FINE, poll_minutes=0, sync_inventory=False))
    assert (verdict.state, verdict.cause) == ("paused", "nothing_scheduled")
    assert "Check for New Orders is off" in verdict.reason


def test_a_refused_token_outweighs_every_other_trouble():
    worst = replace(FINE, status="failing", last_push=WAREHOUSE_REFUSAL, imports=RunStreak(5))
    assert judge_health(worst).state == "failing"


@pytest.mark.parametrize(
    ("span", "words"),
    [
        (timedelta(seconds=20), "under a minute"),
        (timedelta(minutes=45), "45 min"),
        (timedelta(hours=3), "3 h"),
        (timedelta(hours=3, minutes=20), "3 h 20 min"),
        (timedelta(days=1), "1 day"),
        (timedelta(days=2, hours=4, minutes=9), "2 days 4 h"),
    ],
)
def test_durations_read_as_a_merchant_says_them(span, words):
    assert duration_words(span) == words
