"""What JOOR last accepted per warehouse and SKU: read for plans, updated from verdicts."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import delete, or_, select, update
from sqlalchemy.orm import Session

from webapp.models import PushedStock
from webapp.rules import PlannedSku, style_of_key

PASSED, FAILED = "pass", "fail"  # JOOR's own verdict words
LOOKUP_CHUNK = 1_000  # keys per IN list, well under any database's bound-parameter limit


@dataclass(frozen=True, slots=True)
class SkuResult:
    """JOOR's verdict on one planned SKU, matched back to what was sent."""

    sku: PlannedSku
    passed: bool
    message: str
    log_id: str | None = None


@dataclass(slots=True)
class PushedState:
    """For one warehouse: accepted quantity by identifier key, and what JOOR holds.

    `held` maps each key JOOR holds stock for to the item code it was last sent for and
    that quantity.
    """

    pushed: dict[str, int] = field(default_factory=dict)
    held: dict[str, tuple[str, int]] = field(default_factory=dict)

    @property
    def known_keys(self) -> set[str]:
        """The keys JOOR holds stock for."""
        return set(self.held)


def load_pushed(
    session: Session, store_id: int, warehouse: str, *, since: datetime | None = None
) -> PushedState:
    """Read the accepted quantities; a key with quantity above 0 is one JOOR holds.

    With `since`, `pushed` holds only what JOOR accepted from then on (a full push carrying
    on after a pause sends the rest), while `held` is still all JOOR holds.
    """
    query = select(
        PushedStock.identifier_key, PushedStock.quantity, PushedStock.item_code,
        PushedStock.accepted_at,
    ).where(
        PushedStock.store_id == store_id,
        PushedStock.warehouse == warehouse,
        PushedStock.quantity.is_not(None),
    )  # fmt: skip
    state = PushedState()
    for key, quantity, code, accepted_at in session.execute(query):
        if since is None or (accepted_at is not None and accepted_at >= since):
            state.pushed[key] = quantity
        if quantity > 0:
            state.held[key] = (code, quantity)
    return state


def _existing(
    session: Session, store_id: int, warehouse: str, keys: list[str]
) -> dict[str, PushedStock]:
    """The rows already recorded for these keys, looked up a chunk at a time.

    An Overwrite records its whole snapshot at once; one IN list of 100,000 keys would pass
    PostgreSQL's 65,535 bound parameters after JOOR had already applied the push.
    """
    found: dict[str, PushedStock] = {}
    for start in range(0, len(keys), LOOKUP_CHUNK):
        rows = session.scalars(
            select(PushedStock).where(
                PushedStock.store_id == store_id,
                PushedStock.warehouse == warehouse,
                PushedStock.identifier_key.in_(keys[start : start + LOOKUP_CHUNK]),
            )
        )
        found.update((row.identifier_key, row) for row in rows)
    return found


def record_verdicts(
    session: Session,
    store_id: int,
    warehouse: str,
    verdicts: Sequence[SkuResult],
    stamp: datetime,
) -> None:
    """Upsert one batch: a pass sets the accepted quantity, a fail keeps it for a retry."""
    rows = _existing(session, store_id, warehouse, [v.sku.key for v in verdicts])
    for verdict in verdicts:
        row = rows.get(verdict.sku.key)
        if row is None:
            row = PushedStock(
                store_id=store_id,
                warehouse=warehouse,
                identifier_key=verdict.sku.key,
                style_key=style_of_key(verdict.sku.key)[:600],
            )
            session.add(row)
            rows[verdict.sku.key] = row
        row.item_code = verdict.sku.code[:255]
        row.last_status = PASSED if verdict.passed else FAILED
        row.last_message = verdict.message
        row.last_attempt_at = stamp
        if verdict.passed:
            row.quantity = verdict.sku.quantity
            row.accepted_at = stamp
    session.flush()


def zero_unaccepted(session: Session, store_id: int, warehouse: str, stamp: datetime) -> set[str]:
    """After an Overwrite call, JOOR holds 0 for every SKU it did not accept; return their keys.

    Called right after the call that replaced JOOR's stock, so a push stopped before its later
    batches leaves no count recorded that JOOR no longer holds.
    """
    unaccepted = (
        PushedStock.store_id == store_id,
        PushedStock.warehouse == warehouse,
        PushedStock.quantity > 0,
        or_(PushedStock.accepted_at.is_(None), PushedStock.accepted_at < stamp),
    )
    keys = set(session.scalars(select(PushedStock.identifier_key).where(*unaccepted)))
    session.execute(
        update(PushedStock)
        .where(*unaccepted)
        .values(quantity=0)
        .execution_options(synchronize_session=False)
    )
    return keys


def forget_pushed(session: Session, store_id: int) -> None:
    """Forget what JOOR accepted for the store in every warehouse (another account holds none)."""
    session.execute(
        delete(PushedStock)
        .where(PushedStock.store_id == store_id)
        .execution_options(synchronize_session=False)
    )
