"""The live parts of the panel and the log: lists of runs, a run's summary, the status signal.

Each is a small partial that polls while one of the store's runs is under way and renders
without a trigger once none is (webapp.liveness). The status badge, which polls anyway while
connected, carries the store's liveness mark: when it changes (a background run started or
ended) its answer fires `runs-changed`, and every list on the page refreshes.
"""

from __future__ import annotations

from flask import Response, redirect, request, url_for

from webapp.integration.blueprint import bp
from webapp.integration.common import fragment_or_panel, page_or_fragment, wants_fragment
from webapp.integration.run_data import (
    PER_PAGE,
    keyset_page,
    log_live,
    recent_context,
    run_query,
    run_summary_context,
)
from webapp.liveness import Liveness
from webapp.models import SyncRun
from webapp.scoping import get_scoped_or_404


@bp.get("/joor/runs/recent")
def recent_runs_partial():
    """Show the panel's short list of the newest runs (it polls while one is under way)."""
    return fragment_or_panel("integration/_recent_runs.html", **recent_context())


@bp.get("/joor/runs/rows")
def log_rows_partial():
    """Show the log's first page of runs for its filters (it polls while one is under way)."""
    kind, outcome = request.args.get("kind", ""), request.args.get("outcome", "")
    page = keyset_page(run_query(kind, outcome), SyncRun.id, descending=True, per_page=PER_PAGE)
    return fragment_or_panel(
        "integration/_log_rows.html", page=page, kind=kind, outcome=outcome, live=log_live(True)
    )


@bp.get("/joor/runs/<int:run_id>/summary")
def run_summary_partial(run_id: int):
    """Show a run's actions and facts; refreshed when its progress says it ended."""
    run = get_scoped_or_404(SyncRun, run_id)
    if not wants_fragment():
        return redirect(url_for("integration.run_detail", run_id=run.id))
    return page_or_fragment(
        "integration/run.html", "integration/_run_summary.html", **run_summary_context(run)
    )


def announce_runs(response: Response, live: Liveness) -> Response:
    """Fire `runs-changed` when the page's liveness mark (`seen`) is out of date."""
    seen = request.args.get("seen")
    if seen is not None and seen != live.mark:
        response.headers["HX-Trigger"] = "runs-changed"
    return response
