"""A push's share of the credit window: never passed, never waited for; orders keep the rest."""

# Fixtures come from test_redis_budget; test arguments name them on purpose.
# ruff: noqa: F811

from __future__ import annotations

import threading

import pytest
import redis

from tests.unit.joor.test_redis_budget import (  # noqa: F401 - fixtures
    WINDOW,
    account,
    redis_client,
    window_index,
)
from webapp.joor import MemoryCreditBudget, RedisCreditBudget
from webapp.joor.budget import CreditShareSpentError, SharedBudget, share_credits


def test_sixty_percent_of_300_is_180_credits_and_never_below_one_write():
    assert share_credits(300, 60) == 180 and share_credits(300, 1) == 5


def test_a_push_takes_its_share_then_is_told_when_the_window_resets(budget, clock):
    pushes = SharedBudget(budget, 60)
    for _ in range(36):
        pushes.acquire(5)

    with pytest.raises(CreditShareSpentError) as spent:
        pushes.acquire(5)

    assert spent.value.retry_after == 200.0 and clock.waits == []  # it never slept
    assert pushes.room().room == 0 and pushes.usage().used == 180
    clock.now += 200
    pushes.acquire(5)
    assert pushes.room().room == 175


def test_orders_still_have_the_rest_of_the_window_when_pushes_spent_theirs(budget, clock):
    pushes = SharedBudget(budget, 60)
    for _ in range(36):
        pushes.acquire(5)

    for _ in range(120):
        budget.acquire(1)  # an import's page reads

    assert clock.waits == [] and budget.usage().used == 300


def test_a_push_never_takes_what_orders_have_already_used(budget, clock):
    for _ in range(250):
        budget.acquire(1)
    pushes = SharedBudget(budget, 60)

    assert pushes.room().room == 50
    for _ in range(10):
        pushes.acquire(5)
    with pytest.raises(CreditShareSpentError):
        pushes.acquire(5)


def test_while_joor_holds_the_account_off_a_push_has_no_room(budget, clock):
    pushes = SharedBudget(budget, 60)
    budget.penalize(30)

    room = pushes.room()

    assert (room.room, room.resets_in) == (0, 30.0)
    with pytest.raises(CreditShareSpentError) as spent:
        pushes.acquire(5)
    assert spent.value.retry_after == 30.0


def test_pushes_in_many_processes_never_pass_their_share_together(redis_url, account):
    clients = [redis.Redis.from_url(redis_url) for _ in range(4)]
    start = window_index(clients[0])
    pushes = [SharedBudget(RedisCreditBudget(c, account, window=WINDOW), 60) for c in clients]
    granted: list[int] = []
    lock = threading.Lock()

    def push(budget: SharedBudget) -> None:
        try:
            while True:
                budget.acquire(5)
                with lock:
                    granted.append(5)
        except CreditShareSpentError:
            return

    threads = [threading.Thread(target=push, args=(b,)) for b in pushes]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    orders = RedisCreditBudget(clients[0], account, window=WINDOW, max_wait=0)
    for _ in range(120):
        orders.acquire(1)

    if window_index(clients[0]) != start:
        pytest.skip("a credit window ended mid-test; its counts are not comparable")
    assert sum(granted) == 180
    assert pushes[0].room().room == 0 and orders.usage().used == 300
    for client in clients:
        client.close()


def test_memory_and_redis_budgets_agree_on_room(redis_client, account, clock):
    shared = SharedBudget(RedisCreditBudget(redis_client, account, window=WINDOW), 50)
    local = SharedBudget(MemoryCreditBudget(clock=clock, sleep=clock.sleep), 50)
    for pushes in (shared, local):
        pushes.acquire(5)
        assert (pushes.room().room, pushes.room().share) == (145, 150)
