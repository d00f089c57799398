"""Sending a push plan to JOOR: batches, verdicts matched to SKUs, events and PushedStock."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from datetime import datetime

from sqlalchemy.orm import Session

from webapp.joor import InventoryResult, JoorClient, cost_of
from webapp.joor import SkuVerdict as JoorVerdict
from webapp.models import SyncRun
from webapp.rules import STYLE_FIELDS, PlannedSku, PushPlan, batched
from webapp.rules.identifiers import payload_of_key
from webapp.sync.pushed_stock import SkuResult, record_verdicts, zero_unaccepted
from webapp.sync.runs import add_counts, add_events, set_progress

# Items per Update call: each call costs 5 credits whatever its size, so big batches save
# credits; 500 keeps one request body well under a megabyte.
UPDATE_BATCH = 500
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


def _batches(plan: PushPlan, batch_size: int) -> Iterator[list[PlannedSku]]:
    """Overwrite is one call holding the whole snapshot; Update is split freely."""
    if plan.mode == "overwrite":
        if plan.send:
            yield list(plan.send)
        return
    yield from batched(plan.send, batch_size)


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


def send_plan(
    session: Session,
    client: JoorClient,
    run: SyncRun,
    plan: PushPlan,
    stamp: datetime,
    *,
    batch_size: int = UPDATE_BATCH,
) -> Counter:
    """Send the plan's SKUs, committing verdicts batch by batch; return the outcome counts."""
    totals: Counter = Counter()
    add_counts(run, {"sent": 0, "passed": 0, "failed": 0})
    set_progress(run, done=0, total=len(plan.send))
    session.commit()
    for batch in _batches(plan, batch_size):
        overwrite = plan.mode == "overwrite"
        result = client.push_inventory(plan.inventory_items(batch), overwrite=overwrite)
        results = match_verdicts(batch, result)
        record_verdicts(session, run.store_id, plan.warehouse, results, stamp)
        add_events(session, run, _events(results, plan.warehouse))
        passed = sum(r.passed for r in results)
        counts = Counter(sent=len(batch), passed=passed, failed=len(batch) - passed)
        add_counts(run, counts)
        totals.update(counts)
        run.credits_used = (run.credits_used or 0) + cost_of("POST")
        set_progress(run, done=totals["sent"])
        session.commit()
    if plan.mode == "overwrite" and totals["passed"]:
        add_counts(run, {"dropped": zero_unaccepted(session, run.store_id, plan.warehouse, stamp)})
        session.commit()
    return totals
