"""`joor probe` for a store: which form of JOOR's API its account speaks, kept on the connection."""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy.orm import Session

from webapp.clock import utcnow
from webapp.joor import PAGING_WORDS, probe
from webapp.sync.connection.clients import ClientFactory
from webapp.sync.connection.state import get_connection, remember_dialect

log = logging.getLogger(__name__)
__all__ = ["PAGING_WORDS", "probe_store"]  # the words, for pages that show what was learned


def probe_store(session: Session, factory: ClientFactory, store_id: int) -> dict[str, Any]:
    """Run the probe (at most 3 GETs) with the store's token; keep and return its findings.

    What it finds (orders path, paging, date form) becomes what the client knows of the
    account, so the next import goes straight to it. Raises JoorConfigError when the store
    is not connected (or its token cannot be read here).
    """
    conn = get_connection(session, store_id)
    client = factory.for_connection(conn)
    found = probe(client)
    result = {"environment": conn.environment, "checked_at": utcnow().isoformat(), **found}
    session.refresh(conn)
    remember_dialect(conn, client.dialect)
    # GETs cannot see the stock answer's form: the last push showed it, if any did.
    result["inventory_answer"] = (conn.wire_dialect or {}).get("inventory_answer")
    conn.probe_result = result
    session.commit()
    log.info(
        "store %s probed JOOR: path %s, paging %s, %s calls",
        store_id,
        found.get("orders_path"),
        found.get("paging"),
        len(found["calls"]),
    )
    return result
