"""Old alerts go with the run logs: episodes resolved more than RUN_LOG_DAYS ago, with messages.

An open episode stays however old (its banner is up and its resolution is still to be sent),
and so do its messages. Test messages, which belong to no episode, go once they are that old
and done (sent or failed).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from webapp.models import AlertDelivery, AlertEpisode
from webapp.models.alerts import DELIVERY_FAILED, DELIVERY_SENT
from webapp.sync.retention import delete_in_chunks

# Episodes deleted per transaction, each with its few deliveries (one per channel and event).
PRUNE_CHUNK = 500


@dataclass(frozen=True)
class AlertsPruned:
    """How many episodes and deliveries went."""

    episodes: int = 0
    deliveries: int = 0


def prune_alerts(session: Session, now: datetime, days: int) -> AlertsPruned:
    """Delete episodes resolved over `days` ago, their deliveries and old finished tests."""
    if days <= 0:
        return AlertsPruned()
    cutoff = now - timedelta(days=days)
    old = (
        select(AlertEpisode.id)
        .where(AlertEpisode.resolved_at.is_not(None), AlertEpisode.resolved_at < cutoff)
        .order_by(AlertEpisode.id)
        .limit(PRUNE_CHUNK)
    )
    deliveries = 0

    def remove(ids: list[int]) -> None:
        nonlocal deliveries
        # Deliveries first: SQLite does not enforce the ON DELETE CASCADE that PostgreSQL would.
        gone = session.execute(delete(AlertDelivery).where(AlertDelivery.episode_id.in_(ids)))
        deliveries += gone.rowcount
        session.execute(delete(AlertEpisode).where(AlertEpisode.id.in_(ids)))

    episodes = delete_in_chunks(session, old, remove)
    tests = delete(AlertDelivery).where(
        AlertDelivery.episode_id.is_(None),
        AlertDelivery.status.in_((DELIVERY_SENT, DELIVERY_FAILED)),
        AlertDelivery.created_at < cutoff,
    )
    deliveries += session.execute(tests).rowcount
    session.commit()
    return AlertsPruned(episodes, deliveries)
