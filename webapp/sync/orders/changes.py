"""Orders read again that are here already: unchanged, or changed in JOOR since they came in.

Each imported order keeps the fingerprint of the JOOR version last read (`order_mapping`).
Read again with the same fingerprint, it is "already present"; with another, it has changed
and `change_apply` compares it field by field, decides by the store's rule and applies it
(once, whatever other worker or retry reads it too). An order whose new version cannot be
mapped is a failed change: recorded once per version, the order here left as it was.

A run never records an order twice: an order it imported or whose change it recorded (in an
attempt before a crash, say) gets no second event when read again.
"""

from __future__ import annotations

import hashlib
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from webapp.models import Order, SyncRun
from webapp.sync.orders.change_apply import apply_changes
from webapp.sync.orders.fields import MappingError, field_moment
from webapp.sync.orders.mapping import SOURCE_NAME, MappedOrder
from webapp.sync.orders.pages import ImportPlan, Reread, map_problem
from webapp.sync.orders.readings import Present, Reading, unchanged_event


def present_orders(session: Session, store_id: int, source_ids: list[str]) -> dict[str, Present]:
    """The store's orders among these JOOR ids."""
    if not source_ids:
        return {}
    query = select(
        Order.source_id,
        Order.id,
        Order.imported_run_id,
        Order.joor_fingerprint,
        Order.folder_id,
        Order.changed_run_id,
    ).where(
        Order.store_id == store_id,
        Order.source_name == SOURCE_NAME,
        Order.source_id.in_(source_ids),
    )
    return {row[0]: Present(*row[1:]) for row in session.execute(query)}


def follow_changes(
    session: Session,
    run: SyncRun,
    plan: ImportPlan,
    present: dict[str, Present],
    rereads: dict[str, MappedOrder],
    others: dict[str, Reread],
) -> list[dict[str, Any]]:
    """Events for orders read again (`present` holds those here): mapped ones, and the rest."""
    # A mapped order the insert skipped is here (unless deleted that instant: nothing to tell).
    readings = [_mapped_reading(s, present[s], m) for s, m in rereads.items() if s in present]
    events = [other.event for s, other in others.items() if s not in present and other.event]
    readings += [
        read_again(s, present[s], o.payload, plan) for s, o in others.items() if s in present
    ]
    fresh = []
    for reading in readings:
        if reading.fingerprint != reading.present.fingerprint:
            fresh.append(reading)
        elif run.id not in (reading.present.importer, reading.present.changed_run):
            events.append(unchanged_event(reading))
    if fresh:
        events += apply_changes(session, run, plan, fresh)
    return events


def _mapped_reading(source_id: str, present: Present, mapped: MappedOrder) -> Reading:
    modified = mapped.order["source_modified_at"]
    return Reading(source_id, present, mapped, "", mapped.row[-1], modified)


def read_again(source_id: str, present: Present, payload: dict, plan: ImportPlan) -> Reading:
    """Map an order that is here again, whatever its type; a payload without lines keeps ours."""
    lines_sent = bool(payload.get("line_items"))
    source = payload if lines_sent else {**payload, "line_items": []}
    into: dict[str, MappedOrder] = {}
    problem = map_problem(source_id, source, plan, into=into)
    mapped = into.get(source_id)
    if mapped is None:
        # Recorded once per version JOOR sends: read again unchanged, it is not news.
        raw = payload.get("date_modified")
        key = f"{problem}\n{raw}".encode()
        fingerprint = "!" + hashlib.blake2b(key, digest_size=16).hexdigest()
        return Reading(source_id, present, None, problem, fingerprint, _moment(raw))
    modified = mapped.order["source_modified_at"]
    return Reading(source_id, present, mapped, "", mapped.row[-1], modified, lines_sent)


def _moment(raw: Any) -> str | None:
    """JOOR's date_modified as stored, or None when it is not a date either."""
    try:
        return field_moment(raw, "The date modified")
    except MappingError:
        return None
