"""One health verdict per JOOR connection, worked out from everything known about it (pure).

`connected`, `needs attention` (with the reason and the fix in words), `failing` (JOOR refuses
the token: nothing works until a person connects again) or `paused` (nothing runs by itself).
A store with no token is `disconnected`, or `checking` while a worker checks a new one.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from webapp.rules.refusals import share_text, too_many_refused

CONNECTED = "connected"
NEEDS_ATTENTION = "needs attention"
FAILING = "failing"
PAUSED = "paused"
DISCONNECTED = "disconnected"
CHECKING = "checking"
ALERTING = frozenset({NEEDS_ATTENTION, FAILING})

# Runs of one kind that fail in a row before a person is asked to look (one may be JOOR's blip).
FAILURE_STREAK = 3
# A scheduled check that has not succeeded for this many intervals needs a look.
OVERDUE_INTERVALS = 2

ACCESS_REFUSED = "JOOR refuses the stored access token: no order is imported and no stock pushed."
RECONNECT_FIX = "Connect again on the JOOR panel with the access token JOOR gave you."
WAREHOUSE_FIX = (
    "Correct Default Warehouse in the JOOR settings to the warehouse's name exactly as JOOR "
    "spells it, and save: the stock is pushed again at once."
)
REFUSED_FIX = (
    "Open the push in the log for JOOR's reason for each SKU. Fix those items or the Item "
    "Identifier settings, or keep items JOOR does not sell out of it with the custom setting "
    "skip_joor|1. This clears with the next push JOOR takes."
)
CONFIRM_REASON = (
    "An Overwrite push waits for a person's confirmation: no stock reaches JOOR until then."
)
CONFIRM_FIX = "Press Push inventory now on the JOOR panel and confirm, or switch to Update mode."
RUNS_FIX = (
    "They are tried again by themselves, so a short JOOR outage needs nothing. If the message "
    "names something to change, change it; this clears once one succeeds."
)
PAUSED_REASON = "Nothing runs by itself: Check for New Orders is off and Sync Inventory is off."
PAUSED_FIX = (
    "Choose how often to check for new orders, or tick Sync Inventory, in the JOOR settings. "
    "Manual imports work meanwhile."
)


@dataclass(frozen=True)
class Verdict:
    """The state of a connection, and when it is not fine, why and what to do, in words."""

    state: str
    cause: str = ""
    reason: str = ""
    fix: str = ""

    @property
    def alerting(self) -> bool:
        """Tell whether the merchant is told about it (needs attention, failing)."""
        return self.state in ALERTING


@dataclass(frozen=True)
class PushFacts:
    """The store's last finished push: what JOOR refused of it, and why."""

    sent: int
    refused: int
    warehouse: str
    # JOOR's refusal reasons with their counts, commonest first.
    reasons: tuple[tuple[str, int], ...] = ()
    awaiting_confirmation: bool = False


@dataclass(frozen=True)
class RunStreak:
    """The newest finished runs of one kind: how many failed in a row, and the last error."""

    failed: int = 0
    last_error: str = ""


@dataclass(frozen=True)
class HealthFacts:
    """Everything the verdict is worked out from, gathered by webapp.sync.connection.health."""

    now: datetime
    status: str
    has_token: bool
    last_error: str = ""
    poll_minutes: int = 0
    sync_inventory: bool = False
    warehouse: str = ""
    inventory_mode: str = "update"
    last_push: PushFacts | None = None
    warehouses_before: tuple[str, ...] = ()
    imports: RunStreak = RunStreak()
    pushes: RunStreak = RunStreak()
    # From when scheduled checks were expected (connected, or the schedule last changed).
    checks_expected_since: datetime | None = None
    last_check_success_at: datetime | None = None
    # The newest scheduled check: its status and error (None when none ran since).
    last_check_status: str | None = None
    last_check_error: str = ""


def judge_health(facts: HealthFacts) -> Verdict:
    """Work out the connection's verdict; the first trouble found, by weight, decides."""
    if facts.status == CHECKING:
        return Verdict(CHECKING)
    if not facts.has_token:
        return Verdict(DISCONNECTED)
    if facts.status == FAILING:
        return Verdict(FAILING, "token_refused", facts.last_error or ACCESS_REFUSED, RECONNECT_FIX)
    checks: tuple[Callable[[HealthFacts], Verdict | None], ...] = (
        _refused_push,
        _overwrite_waits,
        _failing_runs,
        _overdue_checks,
    )
    for check in checks:
        verdict = check(facts)
        if verdict is not None:
            return verdict
    if not facts.poll_minutes and not facts.sync_inventory:
        return Verdict(PAUSED, "nothing_scheduled", PAUSED_REASON, PAUSED_FIX)
    return Verdict(CONNECTED)


def _refused_push(facts: HealthFacts) -> Verdict | None:
    """JOOR refused too much of the last push, or refused it for its warehouse."""
    push = facts.last_push
    # Sync switched off, or the warehouse changed since: the next push (if any) will tell.
    if not (facts.sync_inventory and push and push.refused and push.warehouse == facts.warehouse):
        return None
    top = push.reasons[0] if push.reasons else None
    one_reason = top is not None and top[1] == push.refused
    if one_reason and "warehouse" in top[0].lower():
        return Verdict(NEEDS_ATTENTION, "unknown_warehouse", _warehouse_words(facts), WAREHOUSE_FIX)
    if not too_many_refused(push.sent, push.refused):
        return None
    share = share_text(push.refused, push.sent)
    reason = f"JOOR refused {push.refused:,} of the {push.sent:,} SKUs of the last push ({share})."
    if one_reason:
        reason += f' JOOR said for each: "{top[0]}".'
    elif top is not None and top[1] > 1:
        reason += f' The most common reason: "{top[0]}" ({top[1]:,} SKUs).'
    return Verdict(NEEDS_ATTENTION, "push_refused", reason, REFUSED_FIX)


def _warehouse_words(facts: HealthFacts) -> str:
    """Name the warehouse JOOR does not know, and those it took from this store before."""
    warehouse = facts.last_push.warehouse if facts.last_push else facts.warehouse
    words = f"JOOR does not know the warehouse '{warehouse}'."
    before = [name for name in facts.warehouses_before if name != warehouse]
    if before:
        words += f" Warehouses this store pushed to before: {', '.join(before)}."
    return words


def _overwrite_waits(facts: HealthFacts) -> Verdict | None:
    """An Overwrite waits for a yes (a first one, or one dropping over a fifth of the SKUs)."""
    push = facts.last_push
    waiting = push is not None and push.awaiting_confirmation
    if facts.sync_inventory and facts.inventory_mode == "overwrite" and waiting:
        return Verdict(NEEDS_ATTENTION, "confirm_overwrite", CONFIRM_REASON, CONFIRM_FIX)
    return None


def _failing_runs(facts: HealthFacts) -> Verdict | None:
    """Imports, or pushes, failed several times in a row."""
    for streak, cause, what in (
        (facts.imports, "imports_failing", "imports of orders from JOOR"),
        (facts.pushes if facts.sync_inventory else RunStreak(), "pushes_failing", "stock pushes"),
    ):
        if streak.failed >= FAILURE_STREAK:
            reason = f"The last {streak.failed} {what} failed."
            if streak.last_error:
                reason += f" The last one said: {streak.last_error}"
            return Verdict(NEEDS_ATTENTION, cause, reason, RUNS_FIX)
    return None


def _overdue_checks(facts: HealthFacts) -> Verdict | None:
    """No scheduled check for orders has succeeded for twice its interval."""
    if not facts.poll_minutes or facts.checks_expected_since is None:
        return None
    interval = timedelta(minutes=facts.poll_minutes)
    since = max(filter(None, (facts.checks_expected_since, facts.last_check_success_at)))
    quiet = facts.now - since
    if quiet <= OVERDUE_INTERVALS * interval:
        return None
    reason = (
        f"No scheduled check for new orders has succeeded for {duration_words(quiet)}; "
        f"they are due every {duration_words(interval)}."
    )
    return Verdict(NEEDS_ATTENTION, "checks_overdue", reason, _overdue_fix(facts))


def _overdue_fix(facts: HealthFacts) -> str:
    """What to do about overdue checks, from what the newest check did."""
    if facts.last_check_status == "failed":
        return f"The last check failed: {facts.last_check_error} {RUNS_FIX}".strip()
    if facts.last_check_status == "retrying":
        return (
            f"The last check failed for now ({facts.last_check_error.rstrip('.')}) and tries "
            "again by itself; its run on the JOOR panel says when."
        )
    if facts.last_check_status in ("queued", "running"):
        return (
            "The last check is still waiting for a worker: make sure the worker process is "
            "running (/healthz lists the workers it sees)."
        )
    return (
        "No check has started: make sure the clock and worker processes are running "
        "(/healthz lists the workers it sees)."
    )


def duration_words(span: timedelta) -> str:
    """A span as a merchant says it: "45 min", "3 h 20 min", "2 days 4 h"."""
    minutes = max(0, int(span.total_seconds() // 60))
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    if days:
        unit = "day" if days == 1 else "days"
        return f"{days} {unit} {hours} h" if hours else f"{days} {unit}"
    if hours:
        return f"{hours} h {minutes} min" if minutes else f"{hours} h"
    return f"{minutes} min" if minutes else "under a minute"
