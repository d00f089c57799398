"""Check a store for trouble and keep its alert episodes, queueing a message per channel.

Each episode opens once and resolves once, and each of those queues one delivery per
channel the store has set: however often the clock checks, the merchant hears twice.
"""

from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from webapp.alerts.settings import alert_settings
from webapp.clock import utcnow
from webapp.models import AlertDelivery, AlertEpisode, JoorConnection, Order
from webapp.models.alerts import (
    CHANNEL_EMAIL,
    CHANNEL_WEBHOOK,
    EVENT_OPENED,
    EVENT_RESOLVED,
    TOPIC_CONNECTION,
    TOPIC_ORDERS,
)
from webapp.rules.alerts import OpenEpisode, Step, plan_episode
from webapp.rules.health import CHECKING, CONNECTED, DISCONNECTED, PAUSED, Verdict
from webapp.rules.order_flow import HISTORY, judge_order_flow
from webapp.sync.connection.health import connection_verdict
from webapp.sync.orders.mapping import SOURCE_NAME

log = logging.getLogger(__name__)
MAX_ARRIVALS = 20_000
BACK_TO_WORK = "The connection works again: nothing needs doing."
ORDERS_AGAIN = "An order has arrived from JOOR since."
NOT_WATCHED = (
    "Scheduled checks for orders are off or JOOR is not connected, so the gap between orders "
    "is no longer watched."
)


def evaluate_store(session: Session, store_id: int, now: datetime | None = None) -> list[int]:
    """Bring the store's episodes up to date; return the ids of the deliveries queued."""
    now = now or utcnow()
    conn = session.scalar(select(JoorConnection).where(JoorConnection.store_id == store_id))
    verdict = connection_verdict(session, conn, now) if conn else Verdict(DISCONNECTED)
    queued: list[int] = []
    if verdict.state != CHECKING:  # a token being checked says nothing yet either way
        queued += _apply(session, store_id, TOPIC_CONNECTION, verdict, now)
    queued += _apply(session, store_id, TOPIC_ORDERS, order_flow(session, conn, now), now)
    return queued


def order_flow(session: Session, conn: JoorConnection | None, now: datetime) -> Verdict | None:
    """Whether orders stopped arriving (None: not watched, as no scheduled check runs)."""
    if conn is None or not conn.is_connected or conn.status != "connected":
        return None
    if not conn.poll_minutes:
        return None
    # Watched and fine reads as connected, so a resolution can say an order came.
    return judge_order_flow(order_arrivals(session, conn.store_id), now) or Verdict(CONNECTED)


def order_arrivals(session: Session, store_id: int) -> list[datetime]:
    """When the store's JOOR orders were placed (else imported), over the last 30 days of them."""
    arrival = func.coalesce(Order.source_created_at, Order.created_at)
    mine = (Order.store_id == store_id, Order.source_name == SOURCE_NAME)
    last = session.scalar(select(func.max(arrival)).where(*mine))
    if last is None:
        return []
    query = select(arrival).where(*mine, arrival >= last - HISTORY)
    return list(session.scalars(query.order_by(arrival.desc()).limit(MAX_ARRIVALS)))


def open_episodes(session: Session, store_id: int) -> list[AlertEpisode]:
    """The store's open episodes (at most one per topic), oldest first."""
    query = select(AlertEpisode).where(
        AlertEpisode.store_id == store_id, AlertEpisode.resolved_at.is_(None)
    )
    return list(session.scalars(query.order_by(AlertEpisode.id)))


def _apply(
    session: Session, store_id: int, topic: str, finding: Verdict | None, now: datetime
) -> list[int]:
    """Take the step the rule decides for one topic; commit; return deliveries queued."""
    episode = session.scalar(
        select(AlertEpisode).where(
            AlertEpisode.store_id == store_id, AlertEpisode.open_topic == topic
        )
    )
    known = None
    if episode is not None:
        known = OpenEpisode(episode.verdict, episode.cause, episode.reason, episode.fix)
    step = plan_episode(known, finding)
    queued: list[int] = []
    if step in (Step.RESOLVE, Step.REPLACE):
        queued += _resolve(session, episode, _resolution(topic, finding), now)
    if step in (Step.OPEN, Step.REPLACE):
        queued += _open(session, store_id, topic, finding, now)
    if step == Step.REWORD:
        episode.reason, episode.fix = finding.reason, finding.fix
        session.commit()
    return queued


def _open(
    session: Session, store_id: int, topic: str, finding: Verdict, now: datetime
) -> list[int]:
    """Open an episode and queue its alerts, unless another check opened it first."""
    episode = AlertEpisode(
        store_id=store_id, topic=topic, open_topic=topic, verdict=finding.state,
        cause=finding.cause, reason=finding.reason, fix=finding.fix, opened_at=now,
        resolution="",
    )  # fmt: skip
    session.add(episode)
    try:
        session.flush()
    except IntegrityError:
        session.rollback()  # a second evaluator was first: its alerts are the ones
        return []
    queued = _queue(session, episode, EVENT_OPENED)
    session.commit()
    log.info("store %s: alert episode %s opened (%s, %s)", store_id, episode.id, topic,
             finding.cause)  # fmt: skip
    return queued


def _resolve(session: Session, episode: AlertEpisode, words: str, now: datetime) -> list[int]:
    """Close the episode and queue its resolution, unless another check closed it first."""
    closed = session.execute(
        update(AlertEpisode)
        .where(AlertEpisode.id == episode.id, AlertEpisode.resolved_at.is_(None))
        .values(resolved_at=now, open_topic=None, resolution=words)
    )
    if closed.rowcount != 1:
        session.rollback()
        return []
    session.refresh(episode)
    queued = _queue(session, episode, EVENT_RESOLVED)
    session.commit()
    log.info("store %s: alert episode %s resolved", episode.store_id, episode.id)
    return queued


def _queue(session: Session, episode: AlertEpisode, event: str) -> list[int]:
    """One delivery per channel the store has set (flushed, not committed)."""
    settings = alert_settings(session, episode.store_id)
    made = [
        AlertDelivery(
            store_id=episode.store_id,
            episode_id=episode.id,
            event=event,
            channel=channel,
            target=target,
        )  # fmt: skip
        for channel, target in (
            (CHANNEL_EMAIL, settings.email_to),
            (CHANNEL_WEBHOOK, settings.webhook_url),
        )
        if target
    ]
    session.add_all(made)
    session.flush()
    return [delivery.id for delivery in made]


def _resolution(topic: str, finding: Verdict | None) -> str:
    """What the resolution message says the state is now."""
    if finding is not None and finding.alerting:
        return f"Other trouble took its place: {finding.reason}"
    if topic == TOPIC_ORDERS:
        return NOT_WATCHED if finding is None else ORDERS_AGAIN
    if finding is None or finding.state == CONNECTED:
        return BACK_TO_WORK
    if finding.state == PAUSED:
        return f"The connection is paused now. {finding.reason}"
    return "The store was disconnected from JOOR, so there is nothing to watch until it connects."
