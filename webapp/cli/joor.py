"""`flask joor ...`: connect, configure, import, push, status, and re-encrypt stored tokens."""

from __future__ import annotations

import json
from datetime import date, datetime

import click
from flask import current_app
from sqlalchemy import select

from webapp.alerts.settings import rotate_webhook_secrets
from webapp.extensions import db
from webapp.joor import ENVIRONMENTS, JoorError
from webapp.models import Store, SyncRun
from webapp.sync.connection.clients import factory_from_app
from webapp.sync.connection.health import connection_verdict
from webapp.sync.connection.probing import probe_store
from webapp.sync.connection.settings import (
    SETTING_NAMES,
    Actor,
    SettingsError,
    apply_settings,
    current_values,
)
from webapp.sync.connection.state import connect, get_connection, rotate_stored_tokens
from webapp.sync.connection.verification import check_failure
from webapp.sync.orders.importing import (
    BUSY_MESSAGE,
    StoreBusyError,
    create_manual_run,
    import_run,
    since_problem,
)
from webapp.sync.push.enqueue import enqueue_push_after_settings, push_after_connect

# The CLI waits this long for a running poll of the store before giving up.
CLI_LOCK_WAIT_SECONDS = 120


@click.group("joor")
def joor_group() -> None:
    """Connect stores to JOOR, import their orders and push their stock."""


def _store(slug: str) -> Store:
    """Return the store with this slug or stop with a message."""
    store = db.session.scalar(select(Store).where(Store.slug == slug))
    if store is None:
        raise click.ClickException(f"No store with the slug {slug!r}.")
    return store


@joor_group.command("connect")
@click.option("--store", "slug", required=True, help="The store's slug.")
@click.option("--token", required=True, help="The access token JOOR issued.")
@click.option(
    "--environment", type=click.Choice(list(ENVIRONMENTS)), default="production", show_default=True
)
def connect_command(slug: str, token: str, environment: str) -> None:
    """Check the token against JOOR, then store it encrypted."""
    store = _store(slug)
    try:
        with push_after_connect(store.id):
            conn = connect(db.session, factory_from_app(current_app), store.id, token, environment)
    except JoorError as exc:
        again = "Nothing was saved; run the command again."
        raise click.ClickException(check_failure(exc, again)) from None
    path = (conn.wire_dialect or {}).get("orders_path")
    where = f"; JOOR answers orders at {path}" if path else ""
    click.echo(
        f"Connected {store.slug} to JOOR ({environment}), token ending {conn.token_last4}{where}."
    )


@joor_group.command("configure", epilog="Settings: " + ", ".join(SETTING_NAMES) + ".")
@click.option("--store", "slug", required=True, help="The store's slug.")
@click.option(
    "--set", "pairs", multiple=True, required=True, metavar="NAME=VALUE",
    help="A setting and its value, as `joor status` shows them (repeatable).",
)  # fmt: skip
def configure_command(slug: str, pairs: tuple[str, ...]) -> None:
    """Change settings by the panel's names (validated as the panel validates them)."""
    store = _store(slug)
    changes = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name.strip():
            raise click.UsageError(f"--set takes NAME=VALUE, got {pair!r}.")
        changes[name.strip()] = value
    conn = get_connection(db.session, store.id)
    try:
        audit = apply_settings(db.session, conn, changes, Actor("cli"))
    except SettingsError as exc:
        for name, message in exc.errors.items():
            click.echo(f"{name}: {message}", err=True)
        raise SystemExit(2) from None
    for change in audit:
        click.echo(f"{change.setting}: {change.old_value!r} -> {change.new_value!r}")
    if not audit:
        click.echo("No setting changed.")

    enqueue_push_after_settings(store.id, [change.setting for change in audit])


@joor_group.command("import")
@click.option("--store", "slug", required=True, help="The store's slug.")
@click.option("--since", required=True, type=click.DateTime(["%Y-%m-%d"]), help="YYYY-MM-DD")
def import_command(slug: str, since: datetime) -> None:
    """Import orders modified in JOOR since a date, here and now; print one JSON line."""
    store = _store(slug)
    problem = since_problem(since.date())
    if problem:
        raise click.BadParameter(problem, param_hint="--since")
    run = create_manual_run(db.session, store.id, since.date(), created_by="cli")
    redis = current_app.extensions["redis"]
    try:
        import_run(
            db.session, factory_from_app(current_app), redis, run.id, wait=CLI_LOCK_WAIT_SECONDS
        )
    except StoreBusyError:
        run.status, run.error = "failed", BUSY_MESSAGE
        db.session.commit()
    except Exception:  # noqa: BLE001 - the run holds the error in words; printed below
        db.session.rollback()
    db.session.refresh(run)
    click.echo(json.dumps(import_summary(run)))
    if run.status != "succeeded":
        click.echo(run.error or "The import did not finish.", err=True)
        raise SystemExit(1)


def import_summary(run: SyncRun) -> dict:
    """The contract's summary of an import run."""
    counts = run.counts or {}
    summary = {
        "run_id": run.id,
        "status": run.status,
        "fetched": run.done,
        "imported": counts.get("imported", 0),
        "changed": counts.get("changed", 0),
        "already_present": counts.get("already_present", 0),
        "skipped": counts.get("skipped", 0),
        "failed": counts.get("failed", 0),
        "credits": run.credits_used,
    }
    return summary


@joor_group.command("status")
@click.option("--store", "slug", required=True, help="The store's slug.")
def status_command(slug: str) -> None:
    """Print the store's JOOR connection, settings and last runs as JSON."""
    store = _store(slug)
    conn = get_connection(db.session, store.id)
    recent = db.session.scalars(
        select(SyncRun).where(SyncRun.store_id == store.id).order_by(SyncRun.id.desc()).limit(5)
    )
    verdict = connection_verdict(db.session, conn)
    status = {
        "status": conn.status,
        "health": {
            "verdict": verdict.state,
            "cause": verdict.cause,
            "reason": verdict.reason,
            "fix": verdict.fix,
        },  # fmt: skip
        "environment": conn.environment,
        "token_last4": conn.token_last4,
        "last_success_at": _iso(conn.last_success_at),
        "last_error": conn.last_error,
        "next_poll_at": _iso(conn.next_poll_at),
        "watermark": _iso(conn.watermark),
        # How JOOR answers this account, as the client found it (`joor probe` says more).
        "orders_path": (conn.wire_dialect or {}).get("orders_path"),
        "joor_answers": conn.wire_dialect or {},
        "settings": current_values(db.session, conn),
        "runs": [_run_line(run) for run in recent],
    }
    db.session.commit()
    click.echo(json.dumps(status))


def _run_line(run: SyncRun) -> dict:
    return {
        "id": run.id,
        "kind": run.kind,
        "status": run.status,
        "done": run.done,
        "total": run.total,
        "counts": run.counts or {},
        "error": run.error,
        "created_at": _iso(run.created_at),
    }


def _iso(moment: datetime | date | None) -> str | None:
    return moment.isoformat() if moment else None


@joor_group.command("probe")
@click.option("--store", "slug", required=True, help="The store's slug.")
def probe_command(slug: str) -> None:
    """Ask JOOR at most 3 GET questions with the store's token; print how it answers (JSON).

    Each call's path, status and milliseconds; the answer's shape (keys and types only);
    the orders path, wrapper and paging found; rate-limit headers; the credits spent. The
    result is kept on the connection (the panel's Connection details show it).
    """
    store = _store(slug)
    try:
        result = probe_store(db.session, factory_from_app(current_app), store.id)
    except JoorError as exc:
        raise click.ClickException(exc.user_message) from None
    click.echo(json.dumps(result, indent=2))


from webapp.cli.joor_push import push_command  # noqa: E402 - the push command joins this group

joor_group.add_command(push_command)


@joor_group.command("rotate-keys")
def rotate_keys_command() -> None:
    """Re-encrypt every stored JOOR token with the first key of TOKEN_ENCRYPTION_KEYS.

    Rotation: list the new key first and the old ones after it, deploy, run this, then drop
    the old keys. Exit 1 naming the stores whose tokens no configured key can read.
    """
    box = current_app.extensions["token_cipher"]
    rotated, unreadable = rotate_stored_tokens(db.session, box)
    click.echo(f"Re-encrypted {rotated} stored token(s) with the first key.")
    secrets_done, secrets_lost = rotate_webhook_secrets(db.session, box)
    click.echo(f"Re-encrypted {secrets_done} webhook signing secret(s).")
    if secrets_lost:
        click.echo(f"No configured key reads {secrets_lost} webhook signing secret(s): those "
                   "stores make a new one on Settings.", err=True)  # fmt: skip
    if unreadable:
        slugs = ", ".join(sorted(unreadable))
        click.echo(f"No configured key reads the token of: {slugs}. Those stores must connect "
                   "again (or add the key they were encrypted with and run this again).",
                   err=True)  # fmt: skip
        raise SystemExit(1)
