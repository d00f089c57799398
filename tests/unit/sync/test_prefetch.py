"""The page prefetcher: one item ahead in a thread, errors raised in the caller's thread."""

from __future__ import annotations

import threading
import time

import pytest

from webapp.sync.prefetch import Prefetcher


def producers() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == "joor-page-prefetch"]


def wait_for_no_producer(seconds: float = 3) -> bool:
    deadline = time.monotonic() + seconds
    while producers() and time.monotonic() < deadline:
        time.sleep(0.05)
    return not producers()


def test_items_come_in_order_and_the_producer_ends():
    assert list(Prefetcher(iter(range(5)))) == [0, 1, 2, 3, 4]
    assert wait_for_no_producer()


def test_an_error_while_producing_is_raised_to_the_caller_after_the_items_before_it():
    def items():
        yield 1
        raise ValueError("JOOR sent nonsense")

    seen = []
    with pytest.raises(ValueError, match="nonsense"):
        for item in Prefetcher(items()):
            seen.append(item)
    assert seen == [1]


@pytest.mark.parametrize("count", [2, 3, 10])
def test_a_caller_that_stops_early_leaves_no_producer_behind(count):
    consumer = iter(Prefetcher(iter(range(count))))
    assert next(consumer) == 0
    time.sleep(0.1)  # the producer has handed the next item over and waits with another
    consumer.close()
    assert wait_for_no_producer()


def test_idle_is_called_while_nothing_comes():
    calls = []

    def slow():
        time.sleep(0.35)
        yield "page"

    items = list(Prefetcher(slow(), idle=lambda: calls.append(1), every=0.1))
    assert items == ["page"] and len(calls) >= 2
