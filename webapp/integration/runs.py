"""The activity log: runs newest first, one run's events, CSV download and retry."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass

from flask import Response, flash, request, stream_with_context, url_for
from flask_login import current_user
from sqlalchemy import Select, exists, func, select

from webapp.extensions import db
from webapp.integration.blueprint import bp
from webapp.integration.common import go_to, page_or_fragment, wants_fragment
from webapp.integration.live import log_live, run_summary_context
from webapp.models import SyncEvent, SyncRun
from webapp.models.sync import ACTIVE, FINISHED, KIND_INVENTORY, KINDS
from webapp.numbers import int_arg
from webapp.scoping import get_scoped_or_404, scoped
from webapp.sync.orders.enqueue import enqueue_retry_failed
from webapp.sync.orders.importing import failed_not_imported
from webapp.sync.orders.pages import FAILED as FAILED_ORDER
from webapp.sync.orders.store import stored_orders
from webapp.sync.push.sending import sent_words
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
CSV_BATCH = 2000


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


@bp.get("/joor/runs")
def runs():
    """List the store's runs newest first, filtered by kind and outcome."""
    return page_or_fragment("integration/runs.html", "integration/_runs.html", **runs_context())


def event_outcomes(run_id: int) -> list[str]:
    """Return the outcomes this run's events carry (read from the (run, outcome) index)."""
    query = select(SyncEvent.outcome).where(SyncEvent.run_id == run_id).distinct()
    return sorted(db.session.scalars(query))


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


@bp.get("/joor/runs/<int:run_id>")
def run_detail(run_id: int):
    """Show one run: its progress and counts, and each order or SKU with its outcome."""
    run = get_scoped_or_404(SyncRun, run_id)
    outcome = request.args.get("outcome", "")
    query = select(SyncEvent).where(SyncEvent.run_id == run.id)
    if outcome:
        query = query.where(SyncEvent.outcome == outcome)
    page = keyset_page(query, SyncEvent.id, descending=False)
    events = {
        "page": page,
        "outcome": outcome,
        "outcomes": event_outcomes(run.id),
        "imported_since": _imported_since(run, page.rows),
    }
    # The events' fragment polls on its own; the page around it gets the run's summary too.
    context = {"run": run} if wants_fragment() else run_summary_context(run)
    return page_or_fragment("integration/run.html", "integration/_events.html", **context, **events)


def _imported_since(run: SyncRun, events: list[SyncEvent]) -> dict[str, int]:
    """Failed orders among the events that the store holds now: JOOR order id -> order id."""
    if run.kind == KIND_INVENTORY:
        return {}
    failed = [event.subject for event in events if event.outcome == FAILED_ORDER]
    found = stored_orders(db.session, run.store_id, failed)
    return {source_id: order_id for source_id, (_run, order_id) in found.items()}


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


def _cell(value) -> str:
    """A CSV cell a spreadsheet will not run as a formula (subjects and reasons come from JOOR)."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def _csv_rows(run: SyncRun) -> Iterator[str]:
    """Yield the run's events as CSV text, a batch at a time, never all in memory.

    Headings and outcomes read as the run's page words them, times in UTC to the second. A
    push's file says what each SKU carried where an import's names the order here. It opens
    with a byte-order mark, so Excel reads accented names as UTF-8.
    """
    yield "\ufeff"
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    push = run.kind == KIND_INVENTORY
    heading = ["SKU" if push else "JOOR order", "Outcome", "Reason"]
    writer.writerow([*heading, "Sent" if push else "Order id here", "Time (UTC)"])
    columns = select(
        SyncEvent.subject,
        SyncEvent.outcome,
        SyncEvent.reason,
        SyncEvent.order_id,
        SyncEvent.detail,
        SyncEvent.created_at,
    )
    query = columns.where(SyncEvent.run_id == run.id).order_by(SyncEvent.id)
    for n, row in enumerate(db.session.execute(query.execution_options(yield_per=CSV_BATCH)), 1):
        cells = [_cell(row.subject), row.outcome.replace("_", " "), _cell(row.reason)]
        extra = sent_words(row.detail) if push else row.order_id
        writer.writerow([*cells, extra, row.created_at.strftime("%Y-%m-%d %H:%M:%S")])
        if n % CSV_BATCH == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


@bp.get("/joor/runs/<int:run_id>/events.csv")
def run_events_csv(run_id: int):
    """Download every event of a run as CSV."""
    run = get_scoped_or_404(SyncRun, run_id)
    headers = {"Content-Disposition": f'attachment; filename="joor-run-{run.id}-events.csv"'}
    body = stream_with_context(_csv_rows(run))
    return Response(body, mimetype="text/csv", headers=headers)


@bp.post("/joor/runs/<int:run_id>/retry")
def retry_failed(run_id: int):
    """Import the failed orders of a run again, as a new run."""
    run = get_scoped_or_404(SyncRun, run_id)

    new_run = enqueue_retry_failed(run.id, created_by=current_user.email)
    if new_run is None:
        if (run.counts or {}).get(FAILED_ORDER):
            flash("Every failed order of this run has been imported since: nothing to retry.")
        else:
            flash("This run has no failed orders to retry.")
        target = url_for("integration.run_detail", run_id=run.id)
    else:
        flash(f"Retrying the failed orders of run #{run.id} as run #{new_run.id}.")
        target = url_for("integration.run_detail", run_id=new_run.id)
    return go_to(target)


bp.add_app_template_filter(sent_words, "sent")
