"""Alert jobs: check every store for trouble each tick, and send each alert with retries."""

from __future__ import annotations

import logging
from datetime import datetime

from rq import Retry, get_current_job
from sqlalchemy import or_, select

from jobs.runtime import ACTIVE, DEFAULT, app_context, enqueue_once, fetch_job, get_app
from webapp.alerts.delivery import config_from_app, deliver, waiting_deliveries
from webapp.alerts.evaluation import evaluate_store
from webapp.extensions import db
from webapp.models import AlertEpisode, JoorConnection
from webapp.models.base import utcnow

log = logging.getLogger(__name__)
EVALUATE_JOB = "jobs.alerts.evaluate_alerts"
SEND_JOB = "jobs.alerts.send_alert"
# A receiver down for a moment, or a mail server's greylisting: four more tries over ~40 min.
SEND_RETRY = {"max": 4, "interval": [30, 120, 600, 1800]}


def evaluate_job_id(now: datetime) -> str:
    """One evaluation a minute, however many clocks ask."""
    return f"alerts-{now:%Y%m%d%H%M}"


def send_job_id(delivery_id: int) -> str:
    """Each delivery has one job, so a recovered one is never sent twice at once."""
    return f"alert-{delivery_id}"


def enqueue_alert_evaluation(now: datetime) -> list[str]:
    """Queue this minute's check of every store; return the id queued, if any."""
    job_id = evaluate_job_id(now)
    _, created = enqueue_once(DEFAULT, EVALUATE_JOB, job_id, args=(now.isoformat(),),
                              claim_seconds=120, job_timeout=600, failure_ttl=3600)  # fmt: skip
    return [job_id] if created else []


def enqueue_send_alert(delivery_id: int) -> None:
    """Queue the sending of one delivery (tried again later when it fails)."""
    enqueue_once(DEFAULT, SEND_JOB, send_job_id(delivery_id), args=(delivery_id,),
                 job_timeout=120, failure_ttl=86_400, retry=Retry(**SEND_RETRY))  # fmt: skip


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
        job = fetch_job(send_job_id(delivery.id))
        if job is not None and job.get_status(refresh=False) in ACTIVE:
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
