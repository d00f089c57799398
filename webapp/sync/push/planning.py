"""Planning a store's push: its settings, what JOOR holds, and a dry run with its cost."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from webapp.joor import cost_of
from webapp.models import JoorConnection, SyncRun
from webapp.rules import (
    IdentifierSettings,
    PushPlan,
    StockItem,
    compile_identifiers,
    plan_push,
)
from webapp.rules.push_cost import plan_calls
from webapp.sync.connection.state import get_connection
from webapp.sync.push.basis import last_full_overwrite, warehouse_state
from webapp.sync.push.credits import batch_for
from webapp.sync.push.kind import describe
from webapp.sync.push.pushed_stock import load_pushed
from webapp.sync.push.sending import UPDATE_BATCH
from webapp.sync.push.stock_source import iter_stock_items


def identifier_settings(conn: JoorConnection) -> IdentifierSettings:
    """The connection's Item Identifier choice as the rules take it."""
    return settings_for(conn.identifier, conn.templates())


def settings_for(identifier: str | None, templates: Mapping[str, str]) -> IdentifierSettings:
    """An Item Identifier choice as the rules take it: the templates count only for style."""
    mode = "style" if identifier == "style" else "upc"
    return IdentifierSettings(mode, dict(templates) if mode == "style" else {})


def build_plan(
    session: Session,
    conn: JoorConnection,
    *,
    full: bool = False,
    items: Iterable[StockItem] | None = None,
    resumed_from: datetime | None = None,
) -> PushPlan:
    """Plan the store's push (TemplateError on a bad template).

    `full`: Update mode sends every item, Overwrite mode the whole snapshot. A full push
    carrying on after a pause (`resumed_from` its start) sends what it has not yet sent.
    """
    settings = identifier_settings(conn)
    mode = "overwrite" if conn.inventory_mode == "overwrite" else "update"
    since = resumed_from if full and mode == "update" else None
    state = load_pushed(session, conn.store_id, conn.warehouse, since=since)
    full_update = full and mode == "update" and since is None
    return plan_push(
        iter_stock_items(session, conn.store_id) if items is None else items,
        builder=compile_identifiers(settings),
        mode=mode,
        warehouse=conn.warehouse,
        pushed={} if full_update else state.pushed,
        known_keys=state.known_keys,
        held=state.held,
        state=warehouse_state(conn, conn.warehouse, settings, full=full and not resumed_from),
    )


def dry_run(
    session: Session, store_id: int, *, full: bool = False, redis: Any = None
) -> dict[str, Any]:
    """The plan a push would send now, in DESIGN.md's shape, with its kind and cost."""
    conn = get_connection(session, store_id)
    plan = build_plan(session, conn, full=full)
    batch = batch_for(redis, conn.account_key, UPDATE_BATCH) if redis else UPDATE_BATCH
    calls = plan_calls(plan, batch)
    last = last_full_overwrite(conn, conn.warehouse)
    return {
        **plan.to_json(),
        "sends": describe(plan, full=full, last_full=last),
        "calls": calls,
        "credits": calls * cost_of("POST"),
    }


def resumed_from(run: SyncRun, default: datetime | None = None) -> datetime | None:
    """When a full push that paused for credits started sending, if it did."""
    raw = (run.params or {}).get("resumed_from")
    return datetime.fromisoformat(raw) if raw else default
