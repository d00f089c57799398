"""A push's share of the credit window: never passed, never waited for; orders keep the rest."""

from __future__ import annotations

import pytest

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
