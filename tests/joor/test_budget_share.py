"""A push's share of the credit window on a real Redis, shared by many processes."""

from __future__ import annotations

import threading

import pytest
import redis

from tests.fake_clock import FakeClock
from tests.joor.credit_window import WINDOW, window_index
from webapp.joor import MemoryCreditBudget, RedisCreditBudget
from webapp.joor.budget import CreditShareSpentError, SharedBudget


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


def test_memory_and_redis_budgets_agree_on_room(redis_client, account):
    clock = FakeClock()
    shared = SharedBudget(RedisCreditBudget(redis_client, account, window=WINDOW), 50)
    local = SharedBudget(MemoryCreditBudget(clock=clock, sleep=clock.sleep), 50)
    for pushes in (shared, local):
        pushes.acquire(5)
        assert (pushes.room().room, pushes.room().share) == (145, 150)
