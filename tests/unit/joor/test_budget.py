"""The in-process credit budget: 300 credits per 300-second window, GET 1, writes 5."""

from __future__ import annotations

import pytest

from webapp.joor import JoorRateLimitedError, MemoryCreditBudget, account_key_for, cost_of

# The fake clock starts at 1000 s, inside the window [900, 1200).


def test_costs_follow_joor_get_1_writes_5():
    assert [cost_of(m) for m in ("GET", "get", "POST", "PUT", "DELETE")] == [1, 1, 5, 5, 5]


def test_300_gets_pass_then_the_next_waits_for_the_window_to_reset(budget, clock):
    for _ in range(300):
        budget.acquire(1)
    assert clock.waits == []

    budget.acquire(1)

    assert clock.waits == [200.0]
    assert budget.usage().used == 1


def test_posts_cost_five_so_sixty_fill_the_window(budget, clock):
    for _ in range(60):
        budget.acquire(cost_of("POST"))
    assert budget.usage().used == 300
    assert clock.waits == []

    budget.acquire(cost_of("POST"))

    assert clock.waits == [200.0]


def test_a_write_that_does_not_fit_waits_even_if_a_read_would(budget, clock):
    for _ in range(298):
        budget.acquire(1)

    budget.acquire(1)
    assert clock.waits == []
    budget.acquire(5)

    assert clock.waits == [200.0]


def test_usage_reports_used_limit_and_time_to_reset(budget, clock):
    budget.acquire(5)
    clock.now += 50

    usage = budget.usage()

    assert (usage.used, usage.limit, usage.resets_in) == (5, 300, 150.0)


def test_a_wait_longer_than_max_wait_raises_without_sleeping(clock):
    budget = MemoryCreditBudget(clock=clock, sleep=clock.sleep, max_wait=60)
    for _ in range(60):
        budget.acquire(5)

    with pytest.raises(JoorRateLimitedError) as raised:
        budget.acquire(1)

    assert raised.value.retry_after == 200.0
    assert clock.waits == []


def test_penalize_blocks_until_retry_after_and_never_shortens(budget, clock):
    budget.penalize(40)
    budget.penalize(10)

    assert budget.usage().used == 300
    budget.acquire(1)

    assert clock.waits == [40.0]
    assert budget.usage().used == 1


def test_a_cost_no_window_could_grant_is_refused(budget):
    with pytest.raises(ValueError):
        budget.acquire(301)
    with pytest.raises(ValueError):
        budget.acquire(0)


def test_account_key_is_short_stable_and_does_not_reveal_the_token():
    token = "tok-Secret-4d1f9c"

    key = account_key_for(token)

    assert key == account_key_for(token)
    assert key != account_key_for(token + "x")
    assert key == "c61cd20034f42c51"  # the first 16 hex digits of the token's SHA-256
    assert token not in key
