"""Helpers for the panel's web tests: a connected store, runs with events."""

from __future__ import annotations

from datetime import timedelta

from webapp.crypto import encrypt
from webapp.extensions import db, get_cipher
from webapp.models import JoorConnection, SyncRun
from webapp.models.base import utcnow
from webapp.models.sync import FINISHED
from webapp.sync.connection.state import get_connection
from webapp.sync.runs import add_counts, add_events, create_run, finish_run, retry_at, start_run

TOKEN = "secret-joor-token-7f3a"  # noqa: S105 - a test token
ERRORS = {
    "failed": "JOOR refused the token.",
    "retrying": "JOOR is having trouble right now.",
    "cancelled": "Cancelled by t@x.com after 0 orders; the orders imported before then stay.",
    "awaiting_confirmation": "Nothing was sent: this would be the first Overwrite.",
}


def connect_store(store_id: int, **fields) -> JoorConnection:
    """Give the store a stored (connected) token, as the worker's check would."""
    conn = get_connection(db.session, store_id)
    conn.token_encrypted = encrypt(get_cipher(), TOKEN)
    conn.token_last4 = TOKEN[-4:]
    conn.environment = "sandbox"
    conn.account_key = "acct-test"
    conn.status = "connected"
    conn.connected_at = conn.last_success_at = utcnow()
    for name, value in fields.items():
        setattr(conn, name, value)
    db.session.commit()
    return conn


def make_run(
    store_id: int, kind: str = "manual", *, status: str = "succeeded", events=(), **counts
) -> SyncRun:
    """Record a run in a given state with events (dicts of subject, outcome, reason)."""
    run = create_run(db.session, store_id, kind, {"since": "2026-01-01"}, created_by="t@x.com")
    if status == "queued":
        return run
    start_run(db.session, run)
    add_events(db.session, run, events)
    add_counts(run, counts)
    run.total = max(len(events), sum(counts.values()))
    run.done = run.total if status != "running" else run.total // 2
    db.session.commit()
    if status in FINISHED:
        finish_run(db.session, run, error=ERRORS.get(status, ""), status=status)
    elif status == "retrying":
        run.error = ERRORS[status]
        retry_at(db.session, run, utcnow() + timedelta(seconds=60))
    return run
