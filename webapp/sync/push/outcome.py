"""What a push run records besides JOOR's verdicts: the items left out, why it failed, a wait."""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection
from datetime import datetime

from sqlalchemy import delete, func, or_, select
from sqlalchemy.orm import Session

from webapp.models import JoorConnection, SyncEvent, SyncRun
from webapp.models.sync import AWAITING_CONFIRMATION, KIND_INVENTORY
from webapp.rules import PushPlan, batched
from webapp.rules.refusals import refused_words, too_many_refused
from webapp.rules.skips import SKIP_PUSH, skip_channel
from webapp.sync.runs import add_counts, add_events

EVENT_CHUNK = 1000
OVERWRITE_SKIP = "; not in the Overwrite snapshot, so JOOR holds none of it"
NOT_SENT = "not sent: "  # how a problem item's event reads; JOOR's refusals never do
# Skips the merchant chose (the item's own settings), unlike a template that renders empty.
CHOSEN = frozenset({SKIP_PUSH.code, skip_channel("joor").code})


def record_unsent(
    session: Session, run: SyncRun, plan: PushPlan, *, asked: Collection[str] | None = None
) -> Counter:
    """Record one event per skipped item and per problem; return skips by reason code.

    With `asked` (the items an Update push was asked about) only the skipped ones among them
    are named: the rest were skipped by every push before and the daily full push names them.
    A full Overwrite snapshot names them all, since each one it leaves out is at none in JOOR.
    """
    if (run.attempts or 0) > 1:
        _forget_unsent(session, run)
    left_out = plan.skipped
    if asked is not None and not plan.snapshot:
        wanted = set(asked)
        left_out = [(code, reason) for code, reason in plan.skipped if code in wanted]
    by_reason = Counter(reason.code for _, reason in left_out)
    # An Overwrite replaces JOOR's stock: an item left out of it is left at none in JOOR,
    # unless the plan kept JOOR's count for it (its identifier could not be worked out).
    kept = {sku.code for sku in plan.kept}
    skipped = (
        {"subject": code, "outcome": "skipped", "reason": r.message + _tail(plan, code, kept),
         "detail": {"skip": r.code}}
        for code, r in left_out
    )  # fmt: skip
    problems = (
        {"subject": code, "outcome": "failed", "reason": f"{NOT_SENT}{text}",
         "detail": {"problem": text}}
        for code, text in plan.problems
    )  # fmt: skip
    for chunk in batched((*skipped, *problems), EVENT_CHUNK):
        add_events(session, run, chunk)
    add_counts(run, {"skipped": len(left_out), "problems": len(plan.problems)})
    session.commit()
    return by_reason


def _forget_unsent(session: Session, run: SyncRun) -> None:
    """Drop what an earlier attempt of this run recorded as left out; this one says it anew.

    JOOR's verdicts on what that attempt sent stay: they happened.
    """
    unsent = or_(
        SyncEvent.outcome == "skipped",
        (SyncEvent.outcome == "failed") & SyncEvent.reason.startswith(NOT_SENT, autoescape=True),
    )
    session.execute(delete(SyncEvent).where(SyncEvent.run_id == run.id, unsent))
    run.counts = {**(run.counts or {}), "skipped": 0, "problems": 0}


def _tail(plan: PushPlan, code: str, kept: set[str]) -> str:
    """What leaving the item out means for JOOR's stock of it."""
    return OVERWRITE_SKIP if plan.mode == "overwrite" and code not in kept else ""


def run_error(
    session: Session, run: SyncRun, plan: PushPlan, totals: Counter, item_count: int
) -> str:
    """The finished run's error in words ("" when it succeeded), with JOOR's commonest refusal."""
    error = _verdict_error(plan, totals, item_count)
    refused = totals["sent"] - totals["passed"]
    if error and refused:
        error += _commonest_refusal(session, run, refused)
    return error


def _verdict_error(plan: PushPlan, totals: Counter, item_count: int) -> str:
    """A run fails when no item could be planned or JOOR refused more than a small share.

    Items the merchant keeps out (skip_push, skip_joor) are a choice, not a failure.
    """
    reasons = [*plan.problems, *((c, r.message) for c, r in plan.skipped if r.code not in CHOSEN)]
    if reasons and len(plan.problems) + len(plan.skipped) >= item_count:
        code, text = reasons[0]
        more = len(reasons) - 1
        tail = f" (and {more} more; see the run's events)" if more else ""
        return f"No item could be pushed: {code}: {text}{tail}"
    refused = totals["sent"] - totals["passed"]
    if too_many_refused(totals["sent"], refused):
        return refused_words(totals["sent"], refused)
    return ""


def _commonest_refusal(session: Session, run: SyncRun, refused: int) -> str:
    """JOOR's reason for its one refusal, or its most frequent one when it repeats."""
    count = func.count()
    row = session.execute(
        select(SyncEvent.reason, count)
        .where(
            SyncEvent.run_id == run.id,
            SyncEvent.outcome == "failed",
            ~SyncEvent.reason.startswith(NOT_SENT),
        )
        .group_by(SyncEvent.reason)
        .order_by(count.desc())
        .limit(1)
    ).first()
    if row is None:
        return ""
    if refused == 1:
        return f' JOOR said: "{row[0]}".'
    if row[1] < 2:
        return ""  # every reason differs: the events give each
    return f' The most common: "{row[0]}" ({row[1]:,} SKUs).'


def awaits_confirmation(session: Session, conn: JoorConnection, since: datetime) -> bool:
    """True while the store's last push, since `since`, waits for a yes to an Overwrite.

    The clock then asks again once a day, not every hour, while nobody says yes.
    """
    if conn.inventory_mode != "overwrite":
        return False  # switched to Update: nothing to confirm any more
    last = session.scalar(
        select(SyncRun)
        .where(SyncRun.store_id == conn.store_id, SyncRun.kind == KIND_INVENTORY)
        .order_by(SyncRun.id.desc())
        .limit(1)
    )
    waiting = last is not None and last.status == AWAITING_CONFIRMATION
    return bool(waiting and last.finished_at and last.finished_at > since)
