"""GET /healthz: the state of the database, Redis and the RQ workers, and each store's verdict."""

from __future__ import annotations

import logging

from flask import Blueprint, jsonify
from sqlalchemy import text

from webapp.extensions import db, get_redis
from webapp.sync.connection.health import stored_verdicts

bp = Blueprint("health", __name__)


def _check_database() -> dict:
    try:
        db.session.execute(text("SELECT 1"))
        return {"ok": True}
    except Exception as exc:  # noqa: BLE001 - any failure means "down", reported in words
        db.session.rollback()
        return {"ok": False, "error": type(exc).__name__}


def _check_redis_and_workers() -> tuple[dict, dict]:
    from rq import Worker

    try:
        redis = get_redis()
        redis.ping()
    except Exception as exc:  # noqa: BLE001
        down = {"ok": False, "error": type(exc).__name__}
        return down, {"ok": False, "error": "Redis is down, so workers cannot be seen"}
    workers = Worker.all(connection=redis)
    names = sorted({q for w in workers for q in w.queue_names()})
    worker_state = {"ok": bool(workers), "count": len(workers), "queues": names}
    if not workers:
        worker_state["error"] = "no RQ worker is running"
    return {"ok": True}, worker_state


@bp.get("/healthz")
def healthz():
    """Report each part; 200 when all are up, 503 naming what is down."""
    database = _check_database()
    redis_state, workers = _check_redis_and_workers()
    parts = {"database": database, "redis": redis_state, "workers": workers}
    failing = [name for name, state in parts.items() if not state["ok"]]
    body = {"status": "ok" if not failing else "failing", "failing": failing, **parts}
    # A store's trouble is its merchant's to fix, told by alerts: it never makes this a 503.
    body["stores"] = _store_verdicts() if database["ok"] else []
    return jsonify(body), 200 if not failing else 503


def _store_verdicts() -> list[dict]:
    """Each store's JOOR verdict by store id (no names: this answer is public)."""
    try:
        return stored_verdicts(db.session)
    except Exception:  # noqa: BLE001 - a half-migrated database must not hide the parts above
        db.session.rollback()
        logging.getLogger(__name__).exception("healthz: store verdicts unavailable")
        return []
