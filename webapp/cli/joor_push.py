"""`flask joor push --store SLUG [--dry-run] [--yes] [--full]`: push stock to JOOR now."""

from __future__ import annotations

import json
import math
import time

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import select

from webapp.extensions import db
from webapp.joor import JoorError
from webapp.models import Store, SyncRun
from webapp.rules import TemplateError
from webapp.sync.connection.clients import factory_from_app
from webapp.sync.connection.state import get_connection
from webapp.sync.push import service as inventory_push
from webapp.sync.push.credits import WAITING_WORDS, PushWaitingError
from webapp.sync.push.service import PushBusyError, PushSummary, create_push_run, run_push
from webapp.sync.runs import finish_run

BUSY_HERE = "Another inventory push for this store is still sending; run this again when it ends."


def _store_id(slug: str) -> int:
    """The id of the store with this slug, or a usage error."""
    store_id = db.session.scalar(select(Store.id).where(Store.slug == slug))
    if store_id is None:
        raise click.ClickException(f"No store with the slug {slug!r}.")
    return store_id


def _echo(payload: dict) -> None:
    click.echo(json.dumps(payload, sort_keys=False))


@click.command("push")
@click.option("--store", "slug", required=True, help="The store's slug.")
@click.option("--dry-run", is_flag=True, help="Print the plan as JSON and send nothing.")
@click.option(
    "--yes", is_flag=True, help="Confirm a first Overwrite, or one dropping over a fifth of SKUs."
)
@click.option(
    "--full", is_flag=True,
    help="Send every item (Update) or the whole snapshot (Overwrite), not just what changed.",
)  # fmt: skip
@with_appcontext
def push_command(slug: str, dry_run: bool, yes: bool, full: bool) -> None:
    """Push the store's stock to JOOR now and print one JSON line; exit 1 if the run failed."""
    store_id = _store_id(slug)
    if dry_run:
        _print_plan(store_id, full)
        return
    run = create_push_run(
        db.session, store_id, trigger="command line", full=full, confirmed=yes, created_by="cli"
    )
    try:
        summary = _push_when_credits_allow(run.id, full=full, confirmed=yes)
    except (JoorError, PushBusyError) as exc:
        # The run already says what went wrong; the worker's retry does not apply here.
        run = db.session.get(SyncRun, run.id)
        if isinstance(exc, PushBusyError):  # no job will come back for this run
            finish_run(db.session, run, error=BUSY_HERE)
        summary = PushSummary(run.id, run.status, dict(run.counts or {}), error=run.error)
    _echo(summary.to_json())
    if summary.status != "succeeded":
        raise SystemExit(1)


def _push_when_credits_allow(run_id: int, *, full: bool, confirmed: bool) -> PushSummary:
    """Run the push here, waiting whenever its share of JOOR's credits is spent."""
    factory = factory_from_app(current_app)
    while True:
        try:
            return run_push(db.session, factory, run_id, full=full, confirmed=confirmed)
        except PushWaitingError as waiting:
            seconds = math.ceil(waiting.seconds)
            click.echo(WAITING_WORDS.format(seconds), err=True)
            time.sleep(seconds)


def _print_plan(store_id: int, full: bool) -> None:
    """Print the plan a push would send (with its calls and credits), or the template's error."""
    try:
        redis = current_app.extensions["redis"]
        plan = inventory_push.dry_run(db.session, store_id, full=full, redis=redis)
    except TemplateError as exc:
        raise click.ClickException(str(exc)) from exc
    _echo(plan)
    refused = inventory_push.refusal(get_connection(db.session, store_id))
    if refused:  # the plan is what would go, once the push may go at all
        click.echo(f"A push now would send nothing: {refused}", err=True)
