"""The activity log: runs newest first, one run's events, CSV download and retry."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

from flask import Response, flash, request, stream_with_context, url_for
from flask_login import current_user
from sqlalchemy import select

from webapp.extensions import db
from webapp.integration.blueprint import bp
from webapp.integration.common import go_to, page_or_fragment, wants_fragment
from webapp.integration.run_data import (
    keyset_page,
    run_summary_context,
    runs_context,
)
from webapp.models import SyncEvent, SyncRun
from webapp.models.sync import KIND_INVENTORY
from webapp.scoping import get_scoped_or_404
from webapp.sync.orders.changes import present_orders
from webapp.sync.orders.enqueue import enqueue_retry_failed
from webapp.sync.orders.pages import FAILED as FAILED_ORDER
from webapp.sync.push.sending import sent_words

CSV_BATCH = 2000


@bp.get("/joor/runs")
def runs():
    """List the store's runs newest first, filtered by kind and outcome."""
    return page_or_fragment("integration/runs.html", "integration/_runs.html", **runs_context())


def event_outcomes(run_id: int) -> list[str]:
    """Return the outcomes this run's events carry (read from the (run, outcome) index)."""
    query = select(SyncEvent.outcome).where(SyncEvent.run_id == run_id).distinct()
    return sorted(db.session.scalars(query))


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
    found = present_orders(db.session, run.store_id, failed)
    return {source_id: present.order_id for source_id, present in found.items()}


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
