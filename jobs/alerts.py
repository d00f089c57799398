"""Alert jobs: check every store for trouble each tick, and send each alert with retries.

Enqueued by `webapp.alerts.enqueue`.
"""

from __future__ import annotations

import logging
from datetime import datetime

from rq import get_current_job
from sqlalchemy import or_, select

from jobs.runtime import app_context, get_app
from webapp.alerts.delivery import config_from_app, deliver, waiting_deliveries
from webapp.alerts.enqueue import enqueue_send_alert, send_job_id
from webapp.alerts.evaluation import evaluate_store
from webapp.clock import utcnow
from webapp.extensions import db
from webapp.models import AlertEpisode, JoorConnection
from webapp.sync.queues import fetch_job, is_active

log = logging.getLogger(__name__)


def evaluate_alerts(now_iso: str | None = None) -> dict:
    """Check every store that has a connection or an open alert; queue the alerts found."""
    with app_context():
        now = datetime.fromisoformat(now_iso) if now_iso else utcnow()
        queued: list[int] = []
        for store_id in _stores_to_check():
            try:
                queued += evaluate_store(db.session, store_id, now)
            except Exception:  # one store's trouble must not keep the others' alerts back
                db.session.rollback()
                log.exception("store %s: alert check failed", store_id)
        for delivery_id in queued:
            enqueue_send_alert(delivery_id)
        requeued = requeue_lost_deliveries(now)
    if queued or requeued:
        log.info("alerts: queued %s, requeued %s", queued, requeued)
    return {"queued": queued, "requeued": requeued}


def _stores_to_check() -> list[int]:
    """Stores with a token, or with an episode still open (a disconnect resolves it)."""
    with_token = select(JoorConnection.store_id).where(
        or_(JoorConnection.token_encrypted.is_not(None), JoorConnection.status != "disconnected")
    )
    with_open = select(AlertEpisode.store_id).where(AlertEpisode.resolved_at.is_(None))
    ids = set(db.session.scalars(with_token)) | set(db.session.scalars(with_open))
    return sorted(ids)


def requeue_lost_deliveries(now: datetime) -> list[int]:
    """Queue again the deliveries whose job Redis lost; return their ids."""
    lost = []
    for delivery in waiting_deliveries(db.session, now):
        if is_active(fetch_job(send_job_id(delivery.id))):
            continue
        enqueue_send_alert(delivery.id)
        lost.append(delivery.id)
    return lost


def send_alert(delivery_id: int) -> dict:
    """Send one alert; a failure is recorded and, while tries are left, raised for a retry."""
    with app_context():
        app = get_app()
        job = get_current_job()
        final = job is None or not job.retries_left
        box = app.extensions["token_cipher"]
        # DeliveryRetryError propagates: RQ schedules the next try, the delivery says retrying.
        status = deliver(db.session, box, config_from_app(app), delivery_id, final=final)
    return {"delivery_id": delivery_id, "status": status}
