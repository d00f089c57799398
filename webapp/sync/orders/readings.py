"""An order read again that is here already: what is known of it here, and what JOOR sent."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from webapp.sync.orders.mapping import MappedOrder
from webapp.sync.orders.pages import ALREADY_PRESENT, outcome_event

UNCHANGED = "already imported, and unchanged in JOOR since"


@dataclass(frozen=True)
class Present:
    """An order of the store, as a re-read needs it."""

    order_id: int
    importer: int | None  # the run that imported it
    fingerprint: str | None
    folder_id: int
    changed_run: int | None  # the run that recorded its last change


@dataclass(frozen=True)
class Reading:
    """A JOOR order read again that is here: mapped, or what is wrong with it."""

    source_id: str
    present: Present
    mapped: MappedOrder | None
    problem: str  # "" when mapped
    fingerprint: str
    modified: str | None  # JOOR's date_modified, as stored (timestamp text)
    lines_sent: bool = True  # False: JOOR sent no lines, so the lines here are not compared


def unchanged_event(reading: Reading, reason: str = UNCHANGED) -> dict[str, Any]:
    """The event of an order here that JOOR has not changed (or whose change is recorded)."""
    return outcome_event(reading.source_id, ALREADY_PRESENT, reason, reading.present.order_id)
