"""What pushes cost in JOOR's calls and credits, and whether they fit their share of a window."""

from __future__ import annotations

import math
from dataclasses import dataclass

from webapp.rules.push_plan import PushPlan

CALL_CREDITS = 5  # JOOR charges a write 5 credits, whatever it carries


def calls_for(skus: int, batch: int) -> int:
    """Calls needed to carry this many SKUs at `batch` a call (none for none)."""
    if batch < 1:
        raise ValueError("batch size must be at least 1")
    return math.ceil(max(skus, 0) / batch)


def plan_calls(plan: PushPlan, batch: int) -> int:
    """Calls a planned push makes: its SKUs in batches (a snapshot's first call replaces)."""
    return calls_for(len(plan.send), batch)


@dataclass(frozen=True, slots=True)
class PushCosts:
    """What each kind of push costs with some settings, and what a window allows pushes."""

    skus: int  # SKUs a full push carries (at most: the store's items)
    batch: int  # SKUs per call
    full_calls: int  # a full push: the whole snapshot, or every item
    edit_calls: int  # the push after one stock edit
    heal_calls: int  # the daily full push
    share_credits: int  # what pushes may use in one window
    busiest_pushes: int  # pushes in the busiest window of the recent past

    @staticmethod
    def credits(calls: int) -> int:
        """Credits this many calls cost."""
        return calls * CALL_CREDITS

    @property
    def busiest_credits(self) -> int:
        """Credits those pushes would cost as pushes after edits."""
        return self.busiest_pushes * self.edit_calls * CALL_CREDITS

    @property
    def over_share(self) -> bool:
        """True when the expected pushes of a window would need more than their share."""
        return self.busiest_credits > self.share_credits

    @property
    def full_windows(self) -> int:
        """Credit windows one full push spreads over (1 when it fits the share)."""
        return max(1, math.ceil(self.full_calls * CALL_CREDITS / self.share_credits))


def push_costs(*, skus: int, batch: int, share_credits: int, busiest_pushes: int) -> PushCosts:
    """Costs for a catalogue of `skus` SKUs in either mode.

    An edit is an Update of its SKU in both modes (Overwrite mode too, once JOOR holds the
    snapshot), and a full push carries every SKU in batches in both.
    """
    full = calls_for(skus, batch)
    return PushCosts(skus, batch, full, 1 if skus else 0, full, share_credits, busiest_pushes)
