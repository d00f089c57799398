"""Housekeeping: run logs and resolved alerts older than RUN_LOG_DAYS go once a day, in a worker."""

from __future__ import annotations

import logging
from datetime import datetime

from rq import Retry

from jobs.runtime import app_context
from webapp.alerts.retention import prune_alerts
from webapp.clock import utcnow
from webapp.extensions import db
from webapp.sync.queues import DEFAULT, enqueue_once
from webapp.sync.retention import prune_run_logs

log = logging.getLogger(__name__)
PRUNE_JOB = "jobs.housekeeping.prune_logs"
# The day's claim outlives the day: the clock asks every minute, the job runs once.
DAY_CLAIM_SECONDS = 2 * 86_400


def prune_job_id(now: datetime) -> str:
    """The id of the day's pruning: one a day, however many clocks ask."""
    return f"prune-logs-{now:%Y%m%d}"


def prune_logs() -> dict:
    """Delete the run logs and resolved alerts older than RUN_LOG_DAYS; return how many went."""
    with app_context() as app:
        days, now = app.config["RUN_LOG_DAYS"], utcnow()
        deleted = prune_run_logs(db.session, now, days)
        alerts = prune_alerts(db.session, now, days)
    log.info("deleted %s run logs, %s resolved alert episodes and %s alert deliveries older "
             "than %s days", deleted, alerts.episodes, alerts.deliveries, days)  # fmt: skip
    return {
        "runs_deleted": deleted,
        "alert_episodes_deleted": alerts.episodes,
        "alert_deliveries_deleted": alerts.deliveries,
    }


def enqueue_prune_logs(now: datetime) -> list[str]:
    """Queue the day's pruning unless it was queued today; return the id queued, if any."""
    job_id = prune_job_id(now)
    _, created = enqueue_once(
        DEFAULT, PRUNE_JOB, job_id, claim_seconds=DAY_CLAIM_SECONDS, job_timeout=3600,
        failure_ttl=86_400, retry=Retry(max=2, interval=[300, 3600]),
    )  # fmt: skip
    return [job_id] if created else []
