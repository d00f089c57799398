"""The panel's banner: the store's open alerts, each with its fix."""

from __future__ import annotations

from flask import render_template

from webapp.alerts.evaluation import open_episodes
from webapp.alerts.messages import headline
from webapp.extensions import db


def alert_banner(store_id: int, *, oob: bool = False) -> str:
    """Render the banner (an empty one when nothing is open, so a later swap can fill it)."""
    episodes = open_episodes(db.session, store_id)
    return render_template(
        "integration/_alert_banner.html",
        alerts=[(episode, headline(episode)) for episode in episodes],
        oob=oob,
    )
