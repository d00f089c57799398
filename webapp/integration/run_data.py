"""What the activity log, a run's page and the panel's recent runs show, without the views.

Pages of runs and events by id (keyset), the log's filters, a run's facts in words, and which
of these follow new runs (webapp.liveness). The views in `runs` and `live` render them; the
panel (`panel`) shows the newest runs.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import request, url_for
from sqlalchemy import Select, exists, func, select

from webapp.extensions import db
from webapp.integration.forms import EmptyForm
from webapp.liveness import Liveness, store_liveness
from webapp.models import SyncEvent, SyncRun
from webapp.models.sync import ACTIVE, FINISHED, KIND_INVENTORY, KINDS
from webapp.numbers import int_arg
from webapp.scoping import current_store_id, scoped
from webapp.sync.orders.importing import failed_not_imported
from webapp.sync.orders.pages import FAILED as FAILED_ORDER
from webapp.templating import moment_text

PER_PAGE = 50
KIND_LABELS = {
    "poll": "Scheduled",
    "manual": "Manual",
    "fetch": "Fetch again",
    "inventory": "Inventory push",
}
OUTCOME_FILTERS = {
    "succeeded": "Succeeded",
    "failed": "Failed",
    "awaiting_confirmation": "Waiting for confirmation",
    "cancelled": "Cancelled",
    "running": "Queued, running or retrying",
    "has_failures": "Has failures",
}
RECENT_RUNS = 8


@dataclass
class KeysetPage:
    """One page of rows ordered by id, with the ids that open the pages around it."""

    rows: list
    newer: int | None
    older: int | None


def keyset_page(query: Select, column, *, descending: bool, per_page: int = PER_PAGE) -> KeysetPage:
    """Page by id (`after`/`before` in the query string): fast at any depth, unlike OFFSET."""
    after, before = int_arg("after"), int_arg("before")
    forward = before is None
    if after is not None:
        query = query.where(column < after if descending else column > after)
    if before is not None:
        query = query.where(column > before if descending else column < before)
    order = column.desc() if descending == forward else column.asc()
    rows = list(db.session.scalars(query.order_by(order).limit(per_page + 1)))
    more = len(rows) > per_page
    rows = rows[:per_page]
    if not forward:
        rows.reverse()
    ids = [r.id for r in rows]
    newer_exists = (not forward and more) or (forward and after is not None)
    older_exists = (forward and more) or (not forward)
    return KeysetPage(
        rows, ids[0] if ids and newer_exists else None, ids[-1] if ids and older_exists else None
    )


def run_query(kind: str, outcome: str) -> Select:
    """The store's runs filtered by kind and outcome."""
    query = scoped(SyncRun)
    if kind in KINDS:
        query = query.where(SyncRun.kind == kind)
    if outcome in FINISHED:
        query = query.where(SyncRun.status == outcome)
    elif outcome == "running":
        query = query.where(SyncRun.status.in_(ACTIVE))
    elif outcome == "has_failures":
        failed = select(SyncEvent.id).where(
            SyncEvent.run_id == SyncRun.id, SyncEvent.outcome.in_(("failed", "fail"))
        )
        query = query.where(exists(failed))
    return query


def runs_context(per_page: int = PER_PAGE) -> dict:
    """What the activity log shows for the query string's filters and page."""
    kind, outcome = request.args.get("kind", ""), request.args.get("outcome", "")
    page = keyset_page(run_query(kind, outcome), SyncRun.id, descending=True, per_page=per_page)
    first = "after" not in request.args and "before" not in request.args
    return {
        "page": page,
        "kind": kind,
        "outcome": outcome,
        "kinds": KIND_LABELS,
        "outcomes": OUTCOME_FILTERS,
        "live": log_live(first),
    }


def recent_context(live: Liveness | None = None) -> dict:
    """What the panel's list of newest runs shows, and whether it polls (`live`, if known)."""
    page = keyset_page(scoped(SyncRun), SyncRun.id, descending=True, per_page=RECENT_RUNS)
    return {"page": page, "live": live or store_liveness(current_store_id())}


def log_live(first_page: bool) -> Liveness | None:
    """The log's liveness: only its first page follows new runs (later pages hold old ones)."""
    if not first_page:
        return None
    return store_liveness(current_store_id(), next_poll=True, idle_check=True)


@dataclass(frozen=True)
class Fact:
    """One line of a run's facts: a label, its text, and a page it links to, if any."""

    label: str
    text: str
    url: str | None = None


def run_facts(run: SyncRun) -> list[Fact]:
    """What the run was asked to do, in words (its params are for the worker, not for people)."""
    params = run.params or {}
    facts: list[Fact] = []
    if run.kind == KIND_INVENTORY:
        if params.get("trigger"):
            trigger = str(params["trigger"])
            facts.append(Fact("Why", trigger[:1].upper() + trigger[1:]))
        if params.get("sends"):
            sends = str(params["sends"])  # the kind of push and why, as it was decided
        elif params.get("mode") == "overwrite":
            sends = "the full snapshot (Overwrite)"
        elif params.get("full"):
            sends = "every item (full push)"
        else:
            sends = "what changed since the last push"
        facts.append(Fact("Sends", sends))
        if params.get("confirmed"):
            facts.append(Fact("Overwrite", "confirmed before it was sent"))
    elif params.get("fetch"):
        url = url_for("orders.detail", order_id=params["fetch"])
        order = ", ".join(map(str, params.get("order_ids") or []))
        facts.append(Fact("Fetched again", f"JOOR order {order}, by its id (1 credit)", url))
    elif params.get("since"):
        until = f" to {moment_text(params['until'])}" if params.get("until") else " to now"
        facts.append(Fact("Window", f"orders modified from {moment_text(params['since'])}{until}"))
    if params.get("retry_of"):
        failed = len(params.get("order_ids") or [])
        url = url_for("integration.run_detail", run_id=params["retry_of"])
        text = f"run #{params['retry_of']}: its {failed:,} failed order{'s' if failed != 1 else ''}"
        facts.append(Fact("Retry of", text, url))
    if params.get("notice"):
        facts.append(Fact("Note", str(params["notice"])))
    return facts


def retryable_count(run: SyncRun) -> int:
    """How many of a finished import's failed orders are still not here (a retry's work)."""
    if (
        run.kind == KIND_INVENTORY
        or not run.is_finished
        or not (run.counts or {}).get(FAILED_ORDER)
    ):
        return 0
    missing = failed_not_imported(run).subquery()
    return db.session.scalar(select(func.count()).select_from(missing)) or 0


def run_summary_context(run: SyncRun) -> dict:
    """What a run's page shows above its events: actions, facts, progress and next step."""

    return {
        "run": run,
        "kinds": KIND_LABELS,
        "retry_form": EmptyForm(formdata=None),
        "facts": run_facts(run),
        "retryable": retryable_count(run),
    }
