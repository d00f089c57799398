"""Login limits: atomic, never reset by another account, never a lock-out from everywhere."""

from __future__ import annotations

import re
import threading

import pytest

from tests.factories import PASSWORD, make_store

STRANGER, MERCHANT_OFFICE, ELSEWHERE = "203.0.113.9", "198.51.100.7", "192.0.2.44"


def attempt(app, address: str, email: str, password: str = "wrong-password") -> int:
    """Post the login form from `address`; return the status (401 checked, 429 refused)."""
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    form = {"email": email, "password": password, "csrf_token": token}
    return client.post("/login", data=form).status_code


@pytest.fixture
def limits(app):
    """Small limits: 3 per address and email, 9 per address, 9 per email."""
    app.config.update(
        LOGIN_ATTEMPTS_PER_WINDOW=3, LOGIN_ATTEMPTS_PER_ADDRESS=9, LOGIN_ATTEMPTS_PER_EMAIL=9
    )


def parallel_guesses(app, count: int, email: str) -> list[int]:
    """Send `count` wrong guesses at once from one address; return their statuses."""
    statuses: list[int] = []
    start = threading.Barrier(count)

    def guess():
        with app.app_context():  # each thread is a request handler of its own
            client = app.test_client()
            client.environ_base["REMOTE_ADDR"] = STRANGER
            page = client.get("/login").get_data(as_text=True)
            token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
            start.wait()
            form = {"email": email, "password": "wrong-password", "csrf_token": token}
            statuses.append(client.post("/login", data=form).status_code)

    threads = [threading.Thread(target=guess) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return statuses


def test_parallel_guesses_get_no_more_checks_than_the_limit(app, user):
    statuses = parallel_guesses(app, 40, user.email)
    assert len(statuses) == 40
    assert statuses.count(401) == app.config["LOGIN_ATTEMPTS_PER_WINDOW"] == 10
    assert statuses.count(429) == 30


def test_a_success_on_ones_own_account_does_not_reset_guessing_at_others(app, user, limits):
    own = make_store("guesser", email="guesser@example.com").users[0].email
    statuses = []
    for n in range(10):  # one guess per email, logging in to one's own account in between
        statuses.append(attempt(app, STRANGER, f"victim{n}@example.com"))
        if n < 8:
            assert attempt(app, STRANGER, own, PASSWORD) == 302
    assert statuses == [401] * 9 + [429]


def test_a_strangers_guesses_never_lock_the_merchant_out_elsewhere(app, user, limits):
    assert [attempt(app, STRANGER, user.email) for _ in range(5)] == [401] * 3 + [429] * 2
    assert attempt(app, STRANGER, user.email, PASSWORD) == 429  # this address is locked
    assert attempt(app, MERCHANT_OFFICE, user.email, PASSWORD) == 302  # the merchant is not


def test_guesses_from_many_addresses_lock_new_ones_but_not_the_merchants_own(app, user, limits):
    assert attempt(app, MERCHANT_OFFICE, user.email, PASSWORD) == 302
    guesses = [attempt(app, f"203.0.113.{n}", user.email) for n in range(4) for _ in range(3)]
    assert guesses == [401] * 9 + [429] * 3  # 9 per email across every address
    assert attempt(app, ELSEWHERE, user.email, PASSWORD) == 429
    assert attempt(app, MERCHANT_OFFICE, user.email, PASSWORD) == 302  # logged in from before


def test_a_correct_password_gives_its_place_back(app, user, limits):
    for _ in range(5):
        assert attempt(app, MERCHANT_OFFICE, user.email, PASSWORD) == 302
    assert [attempt(app, MERCHANT_OFFICE, user.email) for _ in range(4)] == [401] * 3 + [429]


def test_counters_live_only_for_the_window(app, user, limits):
    attempt(app, STRANGER, user.email)
    redis = app.extensions["redis"]
    ttls = [redis.ttl(key) for key in redis.scan_iter("login:*") if b"known" not in key]
    assert len(ttls) == 3 and all(0 < ttl <= app.config["LOGIN_WINDOW_SECONDS"] for ttl in ttls)
