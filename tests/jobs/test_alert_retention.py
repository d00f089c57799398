"""Old alerts go with the run logs: resolved episodes and their messages; open ones stay."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from jobs.housekeeping import prune_logs
from tests.factories import make_store
from webapp.extensions import db
from webapp.models import AlertDelivery, AlertEpisode
from webapp.models.alerts import (
    CHANNEL_EMAIL,
    CHANNEL_WEBHOOK,
    DELIVERY_FAILED,
    DELIVERY_RETRYING,
    DELIVERY_SENT,
    EVENT_OPENED,
    EVENT_RESOLVED,
    EVENT_TEST,
    TOPIC_CONNECTION,
    TOPIC_ORDERS,
)
from webapp.models.base import utcnow


def episode(store, topic: str, opened_days_ago: int, resolved_days_ago: int | None = None) -> int:
    """An episode with its messages: opened by two channels, and resolved if it was."""
    now = utcnow()
    opened, resolved = now - timedelta(days=opened_days_ago), None
    if resolved_days_ago is not None:
        resolved = now - timedelta(days=resolved_days_ago)
    row = AlertEpisode(
        store_id=store.id, topic=topic, open_topic=None if resolved else topic,
        verdict="failing", cause="token_rejected", reason="JOOR refused the token.",
        fix="Connect again.", opened_at=opened, resolved_at=resolved, resolution="",
    )  # fmt: skip
    db.session.add(row)
    db.session.flush()
    for event, at in [(EVENT_OPENED, opened), (EVENT_RESOLVED, resolved)]:
        for channel in (CHANNEL_EMAIL, CHANNEL_WEBHOOK) if at else ():
            delivery(store, event, channel, at, episode_id=row.id)
    db.session.commit()
    return row.id


def delivery(store, event, channel, at, *, episode_id=None, status=DELIVERY_SENT) -> int:
    """One message to one channel, made `at`."""
    row = AlertDelivery(
        store_id=store.id, episode_id=episode_id, event=event, channel=channel,
        target="owner@example.com", status=status, created_at=at,
    )  # fmt: skip
    db.session.add(row)
    db.session.commit()
    return row.id


def episodes_left() -> set[int]:
    return set(db.session.scalars(select(AlertEpisode.id)))


def deliveries_left() -> dict[int | None, int]:
    """How many deliveries each episode (None: tests) still has."""
    counts: dict[int | None, int] = {}
    for episode_id in db.session.scalars(select(AlertDelivery.episode_id)):
        counts[episode_id] = counts.get(episode_id, 0) + 1
    return counts


def test_the_daily_pruning_takes_old_resolved_alerts_and_keeps_open_and_recent_ones(app, store):
    app.config["RUN_LOG_DAYS"] = 90
    other = make_store("other")
    long_ago = utcnow() - timedelta(days=200)
    gone = [episode(store, TOPIC_CONNECTION, 300, 200), episode(store, TOPIC_ORDERS, 120, 95)]
    kept = [
        episode(store, TOPIC_CONNECTION, 400),  # still open, however old: never touched
        episode(store, TOPIC_ORDERS, 100, 30),  # opened long ago, resolved lately
        episode(other, TOPIC_CONNECTION, 500),  # the other store's open trouble
        episode(other, TOPIC_ORDERS, 20, 10),
    ]
    old_test = delivery(store, EVENT_TEST, CHANNEL_EMAIL, long_ago, status=DELIVERY_FAILED)
    delivery(store, EVENT_TEST, CHANNEL_WEBHOOK, long_ago, status=DELIVERY_RETRYING)  # not done
    delivery(other, EVENT_TEST, CHANNEL_EMAIL, utcnow() - timedelta(days=5))

    result = prune_logs()

    assert result["alert_episodes_deleted"] == 2 and result["alert_deliveries_deleted"] == 9
    assert episodes_left() == set(kept)
    assert deliveries_left() == {kept[0]: 2, kept[1]: 4, kept[2]: 2, kept[3]: 4, None: 2}
    assert db.session.get(AlertDelivery, old_test) is None and gone[0] not in episodes_left()


def test_a_limit_of_zero_keeps_every_alert(app, store):
    app.config["RUN_LOG_DAYS"] = 0
    ids = {episode(store, TOPIC_CONNECTION, 900, 800), episode(store, TOPIC_ORDERS, 700, 600)}
    assert prune_logs()["alert_episodes_deleted"] == 0
    assert episodes_left() == ids and deliveries_left() == {i: 4 for i in ids}


def test_the_settings_page_says_how_long_alerts_are_kept(app, auth_client, store):
    app.config["RUN_LOG_DAYS"] = 90
    episode(store, TOPIC_CONNECTION, 300, 200)
    prune_logs()
    page = auth_client.get("/account/settings").get_data(as_text=True)
    assert "Kept for 90 days after the alert is resolved" in page
    assert "No alert has been sent in the last 90 days." in page  # not "yet": some were pruned
