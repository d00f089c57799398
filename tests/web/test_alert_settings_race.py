"""Two first saves of the alert channels at once: the second finds the row the first made."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import event, func, select
from sqlalchemy.orm import Session

from webapp.alerts.settings import alert_settings
from webapp.extensions import db
from webapp.models import AlertSettings


@contextmanager
def row_made_by_another_session(store_id: int) -> Iterator[list[int]]:
    """Right after the request first looks for the row, another session makes it and commits."""
    made: list[int] = []

    def after(conn, cursor, statement, params, context, executemany) -> None:
        if made or not statement.lstrip().upper().startswith("SELECT"):
            return
        if "FROM alert_settings" not in statement:
            return
        made.append(store_id)  # first: the other session's own statements come through here
        with Session(db.engine) as other:
            other.add(AlertSettings(store_id=store_id, email_to="first@example.com"))
            other.commit()

    event.listen(db.engine, "after_cursor_execute", after)
    try:
        yield made
    finally:
        event.remove(db.engine, "after_cursor_execute", after)


def test_a_first_save_racing_another_keeps_one_row_and_the_later_words(auth_client, store):
    with row_made_by_another_session(store.id) as made:
        response = auth_client.post(
            "/account/alerts", data={"email_to": "second@example.com", "webhook_url": ""}
        )
    assert made, "the other session never made its row: the race was not staged"
    assert response.status_code == 302  # saved, not a 500
    db.session.expire_all()
    mine = AlertSettings.store_id == store.id
    assert db.session.scalar(select(func.count(AlertSettings.id)).where(mine)) == 1
    assert alert_settings(db.session, store.id).email_to == "second@example.com"


def test_reading_the_settings_while_another_session_makes_them_finds_that_row(app, store):
    with row_made_by_another_session(store.id) as made:
        settings = alert_settings(db.session, store.id)
    assert made and settings.email_to == "first@example.com"
    db.session.commit()
