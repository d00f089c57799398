"""What an Overwrite with given settings would drop from JOOR, kept until stock or settings change.

Planning reads every item (seconds at 100,000), and the panel shows this warning each time it
draws the settings; the counts are cached in Redis under a fingerprint of the settings, the
items and the pushed stock, so they are computed again only when one of them has changed.
The push itself always plans afresh: this is what the merchant reads, not what decides.
"""

from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import asdict, dataclass
from typing import Any

import redis
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from webapp.models import InventoryItem, JoorConnection, PushedStock
from webapp.rules import (
    IdentifierSettings,
    compile_identifiers,
    first_overwrite,
    plan_push,
    should_confirm_overwrite,
)
from webapp.sync.connection.state import get_connection
from webapp.sync.push.basis import warehouse_state
from webapp.sync.push.outcome import CHOSEN
from webapp.sync.push.planning import identifier_settings
from webapp.sync.push.pushed_stock import load_pushed
from webapp.sync.push.stock_source import iter_stock_items

log = logging.getLogger(__name__)
CACHE_SECONDS = 3600
KEY_PREFIX = "joorsync:overwrite-preview"


@dataclass(frozen=True)
class OverwriteSummary:
    """The counts the Overwrite warning and the Push now question show."""

    dropped_styles: int
    known_styles: int
    dropped_skus: int
    sent_skus: int
    kept_skus: int = 0  # held at JOOR's count for items with a problem (0 in older caches)
    first: bool = False  # no Overwrite reached the warehouse, or identifiers changed since
    unit: str = "style"  # what the style counts count: "SKU" when the identifier is the UPC
    known_skus: int = 0  # SKUs JOOR holds from this store there
    identifiers_changed: int = 0  # of those, SKUs the settings give another identifier
    confirm: bool = False  # the snapshot goes out only with a person's yes
    chosen_skips: int = 0  # items kept out by skip_joor or skip_push: JOOR sets them to zero


def overwrite_summary(
    session: Session,
    cache: redis.Redis | None,
    store_id: int,
    settings: IdentifierSettings,
    warehouse: str,
    *,
    compute: bool = True,
) -> OverwriteSummary | None:
    """Count what an Overwrite would drop; raise TemplateError or ValueError for bad settings.

    With `compute` off, only a count already kept is returned (None when there is none).
    """
    conn = get_connection(session, store_id)
    # The full snapshot Push now sends: what it drops is what any full Overwrite would.
    joor = warehouse_state(conn, warehouse, settings, full=True)
    key = _cache_key(
        session, store_id, (settings.mode, sorted(settings.templates.items()), joor), warehouse
    )
    cached = _read(cache, key)
    if cached is not None or not compute:
        return cached
    builder = compile_identifiers(settings)
    state = load_pushed(session, store_id, warehouse)
    plan = plan_push(
        iter_stock_items(session, store_id),
        builder=builder,
        mode="overwrite",
        warehouse=warehouse,
        pushed=state.pushed,
        known_keys=state.known_keys,
        held=state.held,
        state=joor,
    )
    summary = OverwriteSummary(
        dropped_styles=plan.dropped_style_count,
        known_styles=plan.known_style_count,
        dropped_skus=len(plan.drops),
        sent_skus=len(plan.send),
        kept_skus=len(plan.kept),
        unit="style" if settings.mode == "style" else "SKU",
        first=first_overwrite(plan),
        known_skus=plan.known_sku_count,
        identifiers_changed=plan.identifiers_changed,
        confirm=should_confirm_overwrite(plan),
        chosen_skips=sum(1 for _, reason in plan.skipped if reason.code in CHOSEN),
    )
    _write(cache, key, summary)
    return summary


def warm_for_connection(session: Session, cache: redis.Redis, conn: JoorConnection) -> None:
    """Count ahead for a store in Overwrite mode, so the panel need not wait."""
    if conn.inventory_mode != "overwrite":
        return
    overwrite_summary(session, cache, conn.store_id, identifier_settings(conn), conn.warehouse)


def _cache_key(session: Session, store_id: int, settings: tuple, warehouse: str) -> str:
    """A key that changes when the settings, any item or the pushed stock change."""
    items = session.execute(
        select(func.count(), func.max(InventoryItem.id), func.max(InventoryItem.updated_at)).where(
            InventoryItem.store_id == store_id
        )
    ).one()
    pushed = session.execute(
        select(
            func.count(),
            func.max(PushedStock.id),
            func.max(PushedStock.last_attempt_at),
            func.max(PushedStock.accepted_at),
            func.sum(func.coalesce(PushedStock.quantity, -1)),
        ).where(PushedStock.store_id == store_id, PushedStock.warehouse == warehouse)
    ).one()
    parts: list[Any] = [store_id, warehouse, settings, *items, *pushed]
    digest = hashlib.sha256(json.dumps(parts, default=str).encode()).hexdigest()
    return f"{KEY_PREFIX}:{store_id}:{digest}"


def _read(cache: redis.Redis | None, key: str) -> OverwriteSummary | None:
    """The cached summary, or None (also when Redis cannot answer: then it is planned)."""
    if cache is None:
        return None
    try:
        raw = cache.get(key)
    except redis.RedisError:
        log.warning("overwrite preview cache unavailable; planning without it")
        return None
    return OverwriteSummary(**json.loads(raw)) if raw else None


def _write(cache: redis.Redis | None, key: str, summary: OverwriteSummary) -> None:
    """Keep the summary for an hour (a key no later render asks for simply expires)."""
    if cache is None:
        return
    try:
        cache.set(key, json.dumps(asdict(summary)), ex=CACHE_SECONDS)
    except redis.RedisError:
        log.warning("overwrite preview cache unavailable; not kept")
