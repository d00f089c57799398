"""Walking one window of orders to its end, whichever way JOOR pages, skipping none in silence.

JOOR names ``start_from`` and ``count`` but not whether ``start_from`` counts orders or pages,
nor the key of the next position it says it returns. The pager follows a next position when
an answer names one. Otherwise it pages by position with an overlap, and checks the second
page: by position it must re-read the first page's last orders. When it does not, one more
call (``start_from=1``) tells page numbers (the first page again: pages count from 1; the
next orders: from 0) from orders that moved.

A window cannot be paged without end: a page that brings nothing new where it should ends
the run in words, and so does a page count beyond what JOOR's total allows.
"""

from __future__ import annotations

import logging
import math
from collections import deque
from dataclasses import dataclass, field

from webapp.joor.dialect import NEXT_KEY, OFFSET, PAGES, PAGES_FROM_0, PAGING_WORDS
from webapp.joor.errors import JoorPagingError
from webapp.joor.payloads import OrdersPage, order_key

logger = logging.getLogger(__name__)

# Pages beyond what the largest total allows (a re-read after orders left counts apart).
PAGE_SLACK = 3
# Without a total: a million orders in one window is far beyond any store's.
MAX_PAGES = 10_000
PROBE_START = 1
RECENT_PAGES = 10


@dataclass(frozen=True)
class Step:
    """What to do with the page just read: keep (yield) it or not, and where to ask next."""

    keep: bool
    next_start: int | str | None  # None: the window is done


@dataclass
class _Last:
    start: int | str
    ids: list[str] = field(default_factory=list)


class Pager:
    """Decides, page by page, where the next page starts and when the window is done."""

    def __init__(self, scheme: str | None, count: int, overlap: int) -> None:
        self.scheme = scheme
        self.count, self.overlap = count, overlap
        self.requests = self.step_backs = 0
        self.checked = scheme in (PAGES, PAGES_FROM_0)
        # The ids of the last few pages: enough to see a page bring nothing new, in flat memory.
        self.recent: deque[set[str]] = deque(maxlen=RECENT_PAGES)
        self.read = 0  # orders read anew in the window
        self.asked: set[int | str] = set()
        self.total: int | None = None
        self.max_total = 0
        self.size = 0  # the most orders one page brought: JOOR's page size
        self.furthest = 0  # the furthest page number read
        self.last: _Last | None = None
        self.doubted: OrdersPage | None = None
        self.reasked: int | str | None = None

    def first(self) -> int:
        """Where the window's first page starts."""
        return PROBE_START if self.scheme == PAGES else 0

    def after(self, page: OrdersPage) -> Step:
        """Take the page just read and say what comes next."""
        self.requests += 1
        self.asked.add(page.start_from)
        self._check_cap(page)
        ids = [order_key(order) for order in page.orders]
        if self.doubted is not None:
            return self._after_probe(page, ids)
        if page.has_next:
            return self._follow_next(page, ids)
        if self._to_check():
            if not set(ids) & set(self.last.ids) and not self._orders_left(page):
                return self._doubt(page)
            self.checked, self.scheme = True, OFFSET
        if self.scheme in (PAGES, PAGES_FROM_0):
            return self._by_page(page, ids)
        return self._by_offset(page, ids)

    # -- paging by position ---------------------------------------------------------------

    def _by_offset(self, page: OrdersPage, ids: list[str]) -> Step:
        start = int(page.start_from)
        left = self._left(page)
        new = self._note(page, ids)
        if not ids:
            return self._empty(page, start, left)
        ahead = self._ahead(start)
        self._keep(start, ids)
        if page.total is not None and start + len(ids) >= page.total:
            return Step(True, None)
        if left > 0:
            # Orders already read left the window (modified again in JOOR) since the last
            # page, so every later one moved back as many places: read on from that far back.
            self.step_backs += 1
            return Step(True, max(0, start - left))
        if not new and len(ids) > self.overlap and ahead:
            raise self._stuck(page, "sent only orders already read")
        if len(ids) > self.overlap:
            return Step(True, start + len(ids) - self.overlap)
        return Step(True, start + len(ids))

    def _ahead(self, start: int) -> bool:
        """Whether this page was asked further on than the one before (not a re-read)."""
        return self.last is None or (
            isinstance(self.last.start, int) and start > int(self.last.start)
        )

    def _to_check(self) -> bool:
        """Whether this page is the one that tells whether start_from counts orders."""
        return (
            self.last is not None
            and not self.checked
            and self.overlap > 0
            and len(self.last.ids) > self.overlap
        )

    def _empty(self, page: OrdersPage, position: int, left: int) -> Step:
        """An empty page ends the window, unless orders left it or JOOR's total says more."""
        back = position - left if left > 0 else None
        if back is not None and back >= 0 and position > 0:
            self.step_backs += 1
            step = (max(0, back) // max(self.size, 1)) if self._paged() else max(0, back)
            return Step(True, self._base() + step if self._paged() else step)
        offset = self._offset_of(page.start_from)
        if page.total is not None and page.total > offset and self.reasked != page.start_from:
            # JOOR's own total says more: a passing fault, most likely; ask once more.
            self.reasked = page.start_from
            logger.warning(
                "JOOR orders page start_from=%s came back empty though total is %s; asking again",
                page.start_from,
                page.total,
            )
            return Step(False, page.start_from)
        if page.total is not None and page.total > offset:
            logger.warning(
                "JOOR orders page start_from=%s empty twice though total is %s: window ends",
                page.start_from,
                page.total,
            )
        return Step(True, None)

    # -- paging by page number ------------------------------------------------------------

    def _by_page(self, page: OrdersPage, ids: list[str]) -> Step:
        number = int(page.start_from)
        left = self._left(page)
        new = self._note(page, ids)
        if not ids:
            return self._empty(page, (number - self._base()) * max(self.size, 1), left)
        ahead = self.last is None or number > int(self.last.start)
        self._keep(number, ids)
        self.furthest = max(self.furthest, number)
        begins = (number - self._base()) * self.size
        if page.total is not None and begins + len(ids) >= page.total:
            return Step(True, None)
        if page.total is None and len(ids) < self.size:
            return Step(True, None)  # a short page is the last
        if left > 0:
            # Orders read left the window before this page: the first one not read yet moved
            # back as many places, maybe onto a page already read. Read that one again.
            self.step_backs += 1
            return Step(True, self._base() + max(0, begins - left) // self.size)
        if not new and ahead:
            raise self._stuck(page, "sent the same orders for another page number")
        return Step(True, self.furthest + 1)

    # -- a next position named by JOOR ----------------------------------------------------

    def _follow_next(self, page: OrdersPage, ids: list[str]) -> Step:
        self.scheme = self.scheme if self.scheme == NEXT_KEY else NEXT_KEY
        self.checked = True
        new = self._note(page, ids)
        target = page.next_start
        if not ids or target is None:
            return Step(True, None)
        if not new and self.last is not None and len(ids) > self.overlap:
            raise self._stuck(page, "sent only orders already read")
        start = page.start_from
        if isinstance(target, int) and isinstance(start, int) and target == start + len(ids):
            # The next position counts orders: re-read a few, as by position, so an order
            # that moves back between two pages is not stepped over.
            target = target - self.overlap if len(ids) > self.overlap else target
        if target in self.asked:
            raise self._stuck(page, f"named position {target!r} again")
        self._keep(start, ids)
        return Step(True, target)

    # -- the second page did not re-read the first: page numbers? --------------------------

    def _doubt(self, page: OrdersPage) -> Step:
        """Hold the page back and ask start_from=1, which tells the schemes apart."""
        self.doubted = page
        logger.info(
            "JOOR orders page start_from=%s re-read none of the page before; checking paging",
            page.start_from,
        )
        return Step(False, PROBE_START)

    def _after_probe(self, page: OrdersPage, ids: list[str]) -> Step:
        first = self.last.ids if self.last else []
        doubted, self.doubted = self.doubted, None
        self.checked = True
        if ids and set(ids) == set(first):
            self.scheme = PAGES  # start_from=1 is the first page again: pages count from 1
            self.size = len(first)
            return Step(False, 2)
        if ids and not set(ids) & set(first):
            self.scheme = PAGES_FROM_0
            self.size = len(first)
            self.last = _Last(0, first)
            return self._by_page(page, ids)
        if ids:
            # By position after all: orders moved. Read again from one page before.
            self.scheme = OFFSET
            self.step_backs += 1
            assert doubted is not None
            return Step(False, max(0, int(doubted.start_from) - len(first)))
        if page.total is not None and page.total > len(first):
            raise self._stuck(page, "sent nothing for start_from=1 though its total is larger")
        return Step(False, None)

    # -- shared ---------------------------------------------------------------------------

    def _note(self, page: OrdersPage, ids: list[str]) -> int:
        """Remember the page's ids and total; return how many orders it brought anew."""
        fresh = [key for key in ids if not any(key in seen for seen in self.recent)]
        self.recent.append(set(ids))
        self.read += len(fresh)
        if page.total is not None:
            self.total = page.total
            self.max_total = max(self.max_total, page.total)
        return len(fresh)

    def _keep(self, start: int | str, ids: list[str]) -> None:
        self.last = _Last(start, ids)
        self.size = max(self.size, len(ids))

    def _left(self, page: OrdersPage) -> int:
        """How many orders left the window since the last page (by JOOR's totals)."""
        if self.total is None or page.total is None:
            return 0
        return max(0, self.total - page.total)

    def _orders_left(self, page: OrdersPage) -> bool:
        return self._left(page) > 0

    def _paged(self) -> bool:
        return self.scheme in (PAGES, PAGES_FROM_0)

    def _base(self) -> int:
        return 1 if self.scheme == PAGES else 0

    def _offset_of(self, start: int | str) -> int:
        if not isinstance(start, int):
            return 0
        return (start - self._base()) * self.size if self._paged() else start

    def _check_cap(self, page: OrdersPage) -> None:
        """Never page without end: no more pages than JOOR's largest total allows."""
        if self.requests > MAX_PAGES:
            raise self._stuck(page, f"sent more than {MAX_PAGES:,} pages for one window")
        if page.total is not None:
            self.max_total = max(self.max_total, page.total)
        if not self.max_total:
            return
        step = max(1, min(self.size or self.count, self.count) - self.overlap)
        allowed = math.ceil(self.max_total / step) + PAGE_SLACK + self.step_backs
        if self.requests > allowed:
            raise self._stuck(page, f"needed more than {allowed} pages for {self.max_total}")

    def _stuck(self, page: OrdersPage, what: str) -> JoorPagingError:
        scheme = PAGING_WORDS.get(self.scheme or OFFSET, self.scheme)
        logger.error(
            "JOOR orders paging stopped at start_from=%s (%s): JOOR %s; %s orders read",
            page.start_from,
            scheme,
            what,
            self.read,
        )
        return JoorPagingError(
            f"JOOR orders paging stopped at start_from={page.start_from!r} ({scheme}): JOOR {what}",
            user_message=(
                f"JOOR's pages of orders did not add up (paging {scheme}; at start_from "
                f"{page.start_from}, JOOR {what}), so the import stopped rather than skip "
                "an order without a word. The orders read so far are kept; contact support "
                "with this run's number."
            ),
        )
