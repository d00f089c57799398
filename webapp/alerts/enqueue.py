"""Asking a worker to check stores for trouble, and to send one alert (with retries).

The job bodies live in `jobs.alerts`; they are named here by dotted path, so the web process
(the Send a test alert button) never imports `jobs`.
"""

from __future__ import annotations

from datetime import datetime

from rq import Retry

from webapp.sync.queues import DEFAULT, enqueue_once

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
