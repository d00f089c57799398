"""The page prefetcher: one item ahead in a thread, errors raised in the caller's thread."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest

from webapp.sync.prefetch import Prefetcher


def producers() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == "joor-page-prefetch"]


def wait_for_no_producer(seconds: float = 3) -> bool:
    """Wait (with a deadline) for the producer threads to end; True when none is left."""
    for thread in producers():
        thread.join(seconds)
    return not producers()


def numbers(count: int, handed_two: threading.Event) -> Iterator[int]:
    """0 .. count-1, telling when the producer asks for more after handing over two."""
    for n in range(count):
        yield n
        if n == 1:  # 0 was taken, 1 is handed over: the producer now waits with the next
            handed_two.set()


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
    handed_two = threading.Event()
    prefetcher = Prefetcher(numbers(count, handed_two))
    consumer = iter(prefetcher)
    assert next(consumer) == 0
    assert handed_two.wait(5) and prefetcher.waiting()  # the producer holds the next as well
    consumer.close()
    assert wait_for_no_producer()


def test_idle_is_called_while_nothing_comes():
    calls = []
    idled_twice = threading.Event()

    def idle():
        calls.append(1)
        if len(calls) == 2:
            idled_twice.set()

    def slow():
        # JOOR answers only once the caller has been kept waiting twice (a deadline, not a pace).
        assert idled_twice.wait(5), "idle was not called while the page was awaited"
        yield "page"

    items = list(Prefetcher(slow(), idle=idle, every=0.01))
    assert items == ["page"] and len(calls) >= 2
