"""Helpers for tests of pushes within their share of JOOR's credits (on the real Redis budget)."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import pytest

from webapp.joor import RedisCreditBudget, account_key_for
from webapp.joor.budget import DEFAULT_WINDOW, CreditShareSpentError, SharedBudget

TOKEN = "demo-token"  # noqa: S105 - the simulator's public demo token


def account_budget(app) -> RedisCreditBudget:
    """The demo account's budget, shared through the app's Redis as every worker shares it."""
    return RedisCreditBudget(app.extensions["redis"], account_key_for(TOKEN))


def spend_share(app, percent: int, leave: int) -> None:
    """Use up the pushes' share of this window but `leave` credits, as earlier pushes would."""
    pushes = SharedBudget(account_budget(app), percent)
    with contextlib.suppress(CreditShareSpentError):
        while pushes.room().room - 5 >= leave:
            pushes.acquire(5)


def forget_window(app) -> None:
    """Let the credit window reset: what pushes and orders used in it no longer counts."""
    redis = app.extensions["redis"]
    for key in redis.scan_iter("joor:credits:*"):
        redis.delete(key)


def window_index(app) -> int:
    """The credit window Redis's clock is in."""
    seconds, micros = app.extensions["redis"].time()
    return int((seconds + micros / 1e6) // DEFAULT_WINDOW)


@contextlib.contextmanager
def one_window(app) -> Iterator[None]:
    """Skip a test that failed because a credit window ended while it ran (counts reset)."""
    start = window_index(app)
    try:
        yield
    except AssertionError:
        if window_index(app) != start:
            pytest.skip("a JOOR credit window ended mid-test; its counts are not comparable")
        raise
