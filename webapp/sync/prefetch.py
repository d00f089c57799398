"""Produce the next item in a thread while the caller works on this one."""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Iterator
from typing import Generic, TypeVar

T = TypeVar("T")
_END = object()
HAND_OVER_POLL_SECONDS = 0.2


class Prefetcher(Generic[T]):
    """Iterate `items` one ahead in a thread (at most two in memory: the caller's and the next).

    For JOOR pages this overlaps JOOR's answer time and our mapping with the database work
    instead of adding them up; the client and its HTTP session are only ever used from the
    fetching thread. While nothing comes, `idle` is called every `every` seconds (in the
    caller's thread). An error raised while producing is raised in the caller's thread.
    """

    def __init__(
        self, items: Iterator[T], *, idle: Callable[[], None] | None = None, every: float = 30
    ) -> None:
        self._items = items
        self._idle = idle
        self._every = every
        self._handoff: queue.Queue = queue.Queue(maxsize=1)
        self._stop = threading.Event()

    def waiting(self) -> bool:
        """True when the next item (or the end, or an error) is already handed over."""
        return not self._handoff.empty()

    def __iter__(self) -> Iterator[T]:
        thread = threading.Thread(target=self._produce, name="joor-page-prefetch", daemon=True)
        thread.start()
        try:
            while True:
                try:
                    item, error = self._handoff.get(timeout=self._every)
                except queue.Empty:
                    if self._idle is not None:
                        self._idle()
                    continue
                if error is not None:
                    raise error
                if item is _END:
                    return
                yield item
        finally:
            self._stop.set()  # the producer stops at its next hand-over

    def _produce(self) -> None:
        try:
            for item in self._items:
                if not self._hand_over((item, None)):
                    return
            self._hand_over((_END, None))
        except BaseException as exc:  # noqa: BLE001 - handed to the consumer, raised there
            self._hand_over((None, exc))

    def _hand_over(self, entry: tuple) -> bool:
        """Put the entry for the consumer; False once it has stopped listening."""
        # Never a bare blocking put: a consumer gone for good would leave this thread (and
        # the page it holds) waiting for ever in a long-lived process.
        while not self._stop.is_set():
            try:
                self._handoff.put(entry, timeout=HAND_OVER_POLL_SECONDS)
                return True
            except queue.Full:
                continue
        return False
