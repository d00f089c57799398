"""Alert episodes and the quiet-orders rule: told once when trouble starts, once when it ends."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from webapp.rules.alerts import OpenEpisode, Step, plan_episode
from webapp.rules.health import Verdict
from webapp.rules.order_flow import judge_order_flow, usual_gap

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
WAREHOUSE = Verdict("needs attention", "unknown_warehouse", "JOOR does not know 'X'.", "Fix it.")
OPEN = OpenEpisode(WAREHOUSE.state, WAREHOUSE.cause, WAREHOUSE.reason, WAREHOUSE.fix)


@pytest.mark.parametrize(
    ("episode", "finding", "step"),
    [
        (None, None, Step.NOTHING),
        (None, Verdict("connected"), Step.NOTHING),
        (None, Verdict("paused", "nothing_scheduled", "off", "on"), Step.NOTHING),
        (None, WAREHOUSE, Step.OPEN),
        (OPEN, WAREHOUSE, Step.NOTHING),
        (
            OPEN,
            Verdict("needs attention", "unknown_warehouse", "other words", "Fix it."),
            Step.REWORD,
        ),  # fmt: skip
        (OPEN, Verdict("failing", "token_refused", "refused", "reconnect"), Step.REPLACE),
        (OPEN, Verdict("connected"), Step.RESOLVE),
        (OPEN, Verdict("disconnected"), Step.RESOLVE),
        (OPEN, None, Step.RESOLVE),
    ],
)
def test_each_check_opens_keeps_rewords_replaces_or_resolves(episode, finding, step):
    assert plan_episode(episode, finding) is step


def _every(hours: float, count: int, last: datetime) -> list[datetime]:
    return [last - timedelta(hours=hours * n) for n in range(count)]


def test_orders_quiet_for_three_usual_gaps_need_attention_when_that_passes_a_day():
    arrivals = _every(12, 40, NOW - timedelta(hours=37))
    assert usual_gap(arrivals) == timedelta(hours=12)
    verdict = judge_order_flow(arrivals, NOW)
    assert (verdict.state, verdict.cause) == ("needs attention", "orders_quiet")
    assert verdict.reason.startswith("No order has arrived from JOOR for 1 day 13 h; usually one ")
    assert judge_order_flow(arrivals, NOW - timedelta(hours=2)) is None  # 35 h: under 36


def test_frequent_orders_still_wait_a_whole_day_before_an_alert():
    arrivals = _every(1, 200, NOW - timedelta(hours=23))
    assert judge_order_flow(arrivals, NOW) is None
    assert judge_order_flow(arrivals, NOW + timedelta(hours=2)).cause == "orders_quiet"


def test_too_few_orders_say_nothing_about_what_is_usual():
    assert judge_order_flow(_every(1, 4, NOW - timedelta(days=9)), NOW) is None
    assert judge_order_flow([], NOW) is None


def test_the_usual_gap_is_measured_up_to_the_last_order_so_a_long_silence_stays_an_alert():
    arrivals = _every(6, 100, NOW - timedelta(days=40))  # the newest 40 days ago
    verdict = judge_order_flow(arrivals, NOW)
    assert verdict is not None and "every 6 h" in verdict.reason
