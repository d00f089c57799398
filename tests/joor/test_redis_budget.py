"""The Redis credit budget on a real Redis: one window shared by every process of an account."""

from __future__ import annotations

import threading

import pytest
import redis
import responses

from tests.joor.credit_window import WINDOW, window_index
from webapp.joor import ClientOptions, JoorClient, JoorRateLimitedError, RedisCreditBudget

ORDERS_URL = "https://api.example-joor.test/v2/orders"


class StopHammering(Exception):
    """Raised by the fake sleep: a thread that has to wait is done."""


def stop(_seconds: float) -> None:
    raise StopHammering


def make_budget(client, account: str, **options) -> RedisCreditBudget:
    options.setdefault("window", WINDOW)
    options.setdefault("sleep", stop)
    return RedisCreditBudget(client, account, **options)


def test_grants_up_to_the_limit_then_refuses(redis_client, account):
    budget = make_budget(redis_client, account, max_wait=0)
    for _ in range(60):
        budget.acquire(5)

    with pytest.raises(JoorRateLimitedError) as raised:
        budget.acquire(1)

    assert 0 < raised.value.retry_after <= WINDOW
    usage = budget.usage()
    assert (usage.used, usage.limit) == (300, 300)
    assert 0 < usage.resets_in <= WINDOW


def test_two_processes_hammering_never_exceed_300_together(redis_url, account):
    clients = [redis.Redis.from_url(redis_url) for _ in range(2)]
    budgets = [make_budget(client, account, max_wait=2 * WINDOW) for client in clients]
    granted: list[int] = []
    lock = threading.Lock()

    def hammer(budget: RedisCreditBudget, cost: int) -> None:
        try:
            while True:
                budget.acquire(cost)
                with lock:
                    granted.append(cost)
        except StopHammering:
            return

    first = window_index(clients[0])
    threads = [
        threading.Thread(target=hammer, args=(budgets[n % 2], 1 if n % 3 else 5)) for n in range(8)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    windows = window_index(clients[0]) - first + 1
    for client in clients:
        client.close()

    assert sum(granted) <= 300 * windows
    if windows == 1:
        assert sum(granted) == 300


def test_different_accounts_have_their_own_windows(redis_client, account):
    full = make_budget(redis_client, account, max_wait=0)
    other = make_budget(redis_client, account + "-other", max_wait=0)
    for _ in range(300):
        full.acquire(1)

    other.acquire(5)

    assert other.usage().used == 5
    with pytest.raises(JoorRateLimitedError):
        full.acquire(1)
    redis_client.delete(*redis_client.keys(f"joor:credits:{account}-other*"))


def test_a_penalty_holds_every_process_of_the_account(redis_client, account):
    first = make_budget(redis_client, account, max_wait=0)
    second = make_budget(redis_client, account, max_wait=0)

    first.penalize(20)
    first.penalize(5)

    usage = second.usage()
    assert usage.used == 300
    assert 15 < usage.resets_in <= 20
    with pytest.raises(JoorRateLimitedError):
        second.acquire(1)


def test_window_keys_expire_with_the_window(redis_client, account):
    budget = make_budget(redis_client, account)
    before = window_index(redis_client)
    budget.acquire(1)
    after = window_index(redis_client)

    (key,) = list(redis_client.scan_iter(f"joor:credits:{account}:*"))

    # Named by the window holding the Redis server's now (a boundary may fall in between).
    assert int(key.rsplit(b":", 1)[1]) in {before, after}
    assert redis_client.get(key) == b"1"
    assert 0 < redis_client.pttl(key) <= WINDOW * 1000 + 1000


def test_a_client_with_only_eval_works_too(redis_client, account):
    class EvalOnly:
        """A duck-typed client without register_script."""

        def eval(self, *args):
            return redis_client.eval(*args)

    budget = make_budget(EvalOnly(), account, max_wait=0)

    budget.acquire(5)
    budget.penalize(1)

    assert budget.usage().used == 300
    assert make_budget(redis_client, account).usage().used == 300


def test_a_429_seen_by_one_worker_holds_the_others(redis_client, account):
    worker_budget = make_budget(redis_client, account)
    other_worker = make_budget(redis_client, account, max_wait=0)
    options = ClientOptions(budget=worker_budget, max_retries=0)
    client = JoorClient("tok", "https://api.example-joor.test/v2", options)

    with responses.RequestsMock() as mocked:
        mocked.get(ORDERS_URL, status=429, headers={"Retry-After": "30"})
        with pytest.raises(JoorRateLimitedError):
            client.check_connection()

    with pytest.raises(JoorRateLimitedError) as raised:
        other_worker.acquire(1)
    assert 25 < raised.value.retry_after <= 30
