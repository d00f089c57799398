"""What JOOR holds per warehouse since our last full Overwrite: when, and under which settings.

After a full Overwrite JOOR holds our snapshot, so Overwrite mode can go on with Updates of
what changed. That holds while the identifier settings stay those the snapshot was made with
and no Update-mode push has gone since (the mode changed): the basis records both.
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime

from webapp.models import JoorConnection
from webapp.rules import IdentifierSettings, WarehouseState


def fingerprint(settings: IdentifierSettings) -> str:
    """A short, stable digest of the identifier settings (templates count only for style)."""
    raw = json.dumps([settings.mode, sorted(settings.templates.items())], ensure_ascii=False)
    return hashlib.sha256(raw.encode()).hexdigest()[:16]


def _basis(conn: JoorConnection, warehouse: str) -> dict:
    return (conn.overwrite_basis or {}).get(warehouse) or {}


def warehouse_state(
    conn: JoorConnection, warehouse: str, settings: IdentifierSettings, *, full: bool
) -> WarehouseState:
    """What is known of the warehouse in JOOR for a push with these settings."""
    basis = _basis(conn, warehouse)
    same = bool(basis) and basis.get("basis") == fingerprint(settings)
    return WarehouseState(
        overwritten_before=conn.has_overwritten(warehouse),
        synced=same and bool(basis.get("synced")),
        settings_changed=bool(basis) and not same,
        full=full,
    )


def last_full_overwrite(conn: JoorConnection, warehouse: str) -> datetime | None:
    """When the last full Overwrite reached the warehouse, if one did with a basis kept."""
    at = _basis(conn, warehouse).get("at")
    return datetime.fromisoformat(at) if at else None


def note_snapshot(
    conn: JoorConnection, warehouse: str, settings: IdentifierSettings, stamp: datetime
) -> None:
    """JOOR holds our snapshot there now (its Overwrite call was accepted); caller commits."""
    conn.note_overwritten(warehouse)
    entry = {"at": stamp.isoformat(), "basis": fingerprint(settings), "synced": True}
    conn.overwrite_basis = {**(conn.overwrite_basis or {}), warehouse: entry}


def note_update_mode(conn: JoorConnection, warehouse: str) -> None:
    """An Update-mode push went there: the next Overwrite-mode push sends the full snapshot."""
    basis = _basis(conn, warehouse)
    if basis.get("synced"):
        conn.overwrite_basis = {**conn.overwrite_basis, warehouse: {**basis, "synced": False}}
