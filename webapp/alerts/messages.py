"""What an alert says: the email's subject and text, and the webhook's JSON body."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from webapp.models import AlertDelivery, AlertEpisode, Store
from webapp.models.alerts import EVENT_OPENED, EVENT_RESOLVED, TOPIC_ORDERS

TOPIC_TITLES = {"connection": "the JOOR connection", TOPIC_ORDERS: "orders from JOOR"}
TEST_TEXT = (
    "This is a test alert from Joor Sync for {store}. Alerts come here when the JOOR connection "
    "needs attention or fails, or when orders stop arriving for much longer than usual, and "
    "once more when that is over. Nothing needs doing about this one."
)


@dataclass(frozen=True)
class AlertMessage:
    """One alert in words (email) and as data (webhook)."""

    subject: str
    text: str
    payload: dict


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def headline(episode: AlertEpisode) -> str:
    """The trouble in a few words: "the JOOR connection needs attention"."""
    topic = TOPIC_TITLES.get(episode.topic, episode.topic)
    if episode.topic == TOPIC_ORDERS:
        return "no order from JOOR for much longer than usual"
    return f"{topic} {'is failing' if episode.verdict == 'failing' else 'needs attention'}"


def compose(
    delivery: AlertDelivery, store: Store, episode: AlertEpisode | None, panel_url: str = ""
) -> AlertMessage:
    """The message a delivery carries: about its episode, or a test."""
    payload = {
        "id": f"delivery-{delivery.id}",
        "event": f"alert.{delivery.event}",
        "created_at": _iso(delivery.created_at),
        "store": {"slug": store.slug, "name": store.name},
        "alert": None,
        "panel_url": panel_url or None,
    }
    if episode is None:
        text = TEST_TEXT.format(store=store.name)
        return AlertMessage(f"Joor Sync test alert for {store.name}", text, payload)
    payload["alert"] = {
        "id": episode.id,
        "topic": episode.topic,
        "verdict": episode.verdict,
        "cause": episode.cause,
        "reason": episode.reason,
        "fix": episode.fix,
        "opened_at": _iso(episode.opened_at),
        "resolved_at": _iso(episode.resolved_at),
        "resolution": episode.resolution or None,
    }
    if delivery.event == EVENT_RESOLVED:
        subject = f"Resolved for {store.name}: {headline(episode)}"
        lines = [f"Resolved: {episode.resolution}", "", f"It was: {episode.reason}"]
    else:
        subject = f"{store.name}: {headline(episode)}"
        lines = [episode.reason, "", f"What to do: {episode.fix}"]
    lines += ["", f"Since {episode.opened_at:%Y-%m-%d %H:%M} UTC."]
    if panel_url:
        lines.append(f"The JOOR panel: {panel_url}")
    if delivery.event == EVENT_OPENED:
        lines.append("You will hear again when it is over.")
    return AlertMessage(subject, "\n".join(lines) + "\n", payload)
