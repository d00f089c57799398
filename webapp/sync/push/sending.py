"""Sending a push plan to JOOR: batches, verdicts matched to SKUs, events and PushedStock."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.orm import Session

from webapp.joor import InventoryResult, JoorBadRequestError, JoorClient, JoorError, cost_of
from webapp.joor import SkuVerdict as JoorVerdict
from webapp.joor.budget import CreditShareSpentError
from webapp.joor.errors import joor_reason
from webapp.models import SyncRun
from webapp.rules import STYLE_FIELDS, PlannedSku, PushPlan
from webapp.rules.identifiers import payload_of_key
from webapp.sync.push.pushed_stock import SkuResult, record_verdicts, zero_unaccepted
from webapp.sync.runs import add_counts, add_events, set_progress

# SKUs per call: each call costs 5 credits whatever its size, so big batches save credits.
# JOOR's reference gives no limit; 500 keeps one request body well under a megabyte, and the
# simulator takes up to 1,000. A call JOOR refuses as too large is halved (batch_refused).
UPDATE_BATCH = 500
# How a 400 says a call carried too many SKUs (a 413 says it by itself).
TOO_MANY = re.compile(r"too (many|large|big)|at most|maximum|exceed", re.IGNORECASE)


class PushPausedError(Exception):
    """The push's share of JOOR's credits is spent: it goes on in `retry_after` seconds."""

    def __init__(self, retry_after: float) -> None:
        super().__init__(f"push share of JOOR credits spent; room in {retry_after:.0f}s")
        self.retry_after = retry_after


NO_VERDICT = "JOOR returned no verdict for this SKU"
STYLE_LABEL_FIELDS = ("style_number", "style_identifier", "color_code", "size")


def sku_label(sku: PlannedSku) -> str:
    """The text JOOR names a SKU by in inventory_log: the UPC, or the style fields joined."""
    if sku.payload.get("upc"):
        return sku.payload["upc"]
    return "|".join(sku.payload.get(name, "") for name in STYLE_LABEL_FIELDS)


def match_verdicts(batch: list[PlannedSku], result: InventoryResult) -> list[SkuResult]:
    """Pair each sent SKU with its verdict: by position while the SKU texts agree, else by text.

    JOOR_API.md does not promise that inventory_log follows the request's order, so position
    is trusted only when every verdict names the SKU sent at its place (or names none), or
    when no verdict names any SKU sent: JOOR_API.md does not say how JOOR writes a SKU in
    style mode, and a log in another form but of the right length is best read in order.
    """
    labels = [sku_label(sku) for sku in batch]
    verdicts: list[JoorVerdict | None]
    if _in_request_order(labels, result.verdicts) or _named_otherwise(labels, result.verdicts):
        verdicts = list(result.verdicts)
    else:
        # The SKU text is the only safe link left, first come first served for repeated labels.
        by_label: dict[str, list[JoorVerdict]] = {}
        for verdict in result.verdicts:
            by_label.setdefault(verdict.sku, []).append(verdict)
        verdicts = [(by_label.get(label) or [None]).pop(0) for label in labels]
    return [
        SkuResult(sku, False, NO_VERDICT)
        if verdict is None
        else SkuResult(sku, verdict.passed, verdict.message, verdict.log_id)
        for sku, verdict in zip(batch, verdicts, strict=True)
    ]


def _in_request_order(labels: list[str], verdicts: list[JoorVerdict]) -> bool:
    """True when the log has one verdict per SKU sent, each naming that SKU or none."""
    return len(verdicts) == len(labels) and all(
        verdict.sku in ("", label) for verdict, label in zip(verdicts, labels, strict=True)
    )


def _named_otherwise(labels: list[str], verdicts: list[JoorVerdict]) -> bool:
    """True when the log has one verdict per SKU sent and none names a SKU as we do."""
    sent = set(labels)
    return len(verdicts) == len(labels) and not any(v.sku in sent for v in verdicts)


def sent_words(detail: dict | None) -> str:
    """What a push event's SKU carried, in words: "12 as Style Number ST-1, Size M"."""
    if not detail or "key" not in detail:
        return ""
    fields = payload_of_key(detail["key"])
    named = ", ".join(f"{STYLE_FIELDS.get(name, 'UPC')} {value}" for name, value in fields.items())
    return f"{detail.get('inventory', '?')} as {named}"


def _events(results: list[SkuResult], warehouse: str) -> Iterator[dict]:
    for result in results:
        yield {
            "subject": result.sku.code,
            "outcome": "passed" if result.passed else "failed",
            "reason": result.message or ("accepted by JOOR" if result.passed else "refused"),
            "detail": {
                "key": result.sku.key,
                "inventory": result.sku.quantity,
                "warehouse": warehouse,
                "log_id": result.log_id,
            },
        }


@dataclass
class _Sending:
    """Where a push is: its batch size, whether the replacing call has gone, what it zeroed."""

    size: int
    replacing: bool  # the next call is the Overwrite that replaces JOOR's stock
    stamp: datetime  # when this push's verdicts count as accepted
    zeroed: set[str] | None = None  # keys that call left JOOR holding none of, once it went
    refused: set[str] = field(default_factory=set)  # keys JOOR refused in any call
    totals: Counter = field(default_factory=Counter)


def batch_refused(error: JoorError) -> bool:
    """True when JOOR refused a call for carrying too many SKUs: a smaller one may pass."""
    if not isinstance(error, JoorBadRequestError):
        return False
    if error.status == 413:
        return True
    return error.status == 400 and bool(TOO_MANY.search(joor_reason(error.body_excerpt)))


def send_plan(
    session: Session,
    client: JoorClient,
    run: SyncRun,
    plan: PushPlan,
    stamp: datetime,
    *,
    batch_size: int = UPDATE_BATCH,
    on_snapshot: Callable[[], None] = lambda: None,
    on_smaller_batch: Callable[[int], None] = lambda size: None,
) -> Counter:
    """Send the plan's SKUs, committing verdicts call by call; return the outcome counts.

    A snapshot's first call replaces JOOR's stock (overwrite=1); the rest of it goes in Update
    calls, which leaves JOOR holding exactly the snapshot. `on_snapshot` runs once JOOR takes
    any SKU of that call. A call JOOR refuses as too large is split in half and sent again, and
    `on_smaller_batch` hears the size that JOOR took. When the push's share of JOOR's credits
    is spent, PushPausedError says when it may go on; what was sent is recorded.
    """
    state = _Sending(batch_size, plan.mode == "overwrite" and plan.snapshot, stamp)
    add_counts(run, {"sent": 0, "passed": 0, "failed": 0})
    set_progress(run, done=run.done or 0, total=(run.done or 0) + len(plan.send))
    session.commit()
    position = 0
    while position < len(plan.send):
        batch = plan.send[position : position + state.size]
        try:
            results = _call(session, client, run, plan, batch, state)
        except CreditShareSpentError as spent:
            _count_dropped(session, run, plan, state)
            raise PushPausedError(spent.retry_after) from spent
        except JoorBadRequestError as error:
            if not batch_refused(error) or len(batch) == 1:
                raise
            state.size = max(1, len(batch) // 2)
            on_smaller_batch(state.size)
            continue
        if state.replacing and any(r.passed for r in results):
            # JOOR replaced its stock with what it took of this call; with none of it taken,
            # nothing was replaced, and the next call tries again.
            state.replacing = False
            state.zeroed = zero_unaccepted(session, run.store_id, plan.warehouse, stamp)
            on_snapshot()
        state.refused.update(r.sku.key for r in results if not r.passed)
        position += len(batch)
        set_progress(run, done=(run.done or 0) + len(batch))
        session.commit()
    _count_dropped(session, run, plan, state)
    return state.totals


def _call(
    session: Session,
    client: JoorClient,
    run: SyncRun,
    plan: PushPlan,
    batch: list[PlannedSku],
    state: _Sending,
) -> list[SkuResult]:
    """Send one batch and record JOOR's verdicts on it (the caller commits)."""
    try:
        result = client.push_inventory(plan.inventory_items(batch), overwrite=state.replacing)
    except JoorBadRequestError:
        # JOOR had the call, so its credits are spent whatever it answered.
        run.credits_used = (run.credits_used or 0) + cost_of("POST")
        raise
    run.credits_used = (run.credits_used or 0) + cost_of("POST")
    results = match_verdicts(batch, result)
    record_verdicts(session, run.store_id, plan.warehouse, results, state.stamp)
    add_events(session, run, _events(results, plan.warehouse))
    passed = sum(r.passed for r in results)
    counts = Counter(sent=len(batch), passed=passed, failed=len(batch) - passed)
    add_counts(run, counts)
    state.totals.update(counts)
    return results


def _count_dropped(session: Session, run: SyncRun, plan: PushPlan, state: _Sending) -> None:
    """Count the SKUs JOOR held from us that it holds none of after this snapshot (committed).

    Those the snapshot left out, and those it carried that JOOR refused; not those its later
    calls have yet to carry.
    """
    if state.zeroed is None:
        return
    carried = {sku.key for sku in plan.send}
    dropped = len(state.zeroed - carried) + len(state.zeroed & state.refused)
    add_counts(run, {"dropped": dropped})
    session.commit()
