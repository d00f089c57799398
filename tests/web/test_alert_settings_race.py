"""Two first saves of the alert channels at once: the second finds the row the first made."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import event, func, select
from sqlalchemy.orm import Session

from webapp.alerts.settings import alert_settings, save_channels
from webapp.extensions import db, get_cipher
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


@contextmanager
def both_read_before_either_writes() -> Iterator[None]:
    """Hold each thread after its first look for the row until the other has looked too."""
    both_looked, waited = threading.Barrier(2, timeout=20), set()

    def after(conn, cursor, statement, params, context, executemany) -> None:
        me = threading.get_ident()
        if me in waited or "FROM alert_settings" not in statement:
            return
        waited.add(me)
        both_looked.wait()

    event.listen(db.engine, "after_cursor_execute", after)
    try:
        yield
    finally:
        event.remove(db.engine, "after_cursor_execute", after)


def test_two_first_saves_in_two_threads_both_succeed_on_one_row(app, store):
    errors: list[BaseException] = []
    store_id = store.id  # read here: the test's session is not the threads' to use

    def first_save(email: str) -> None:
        with app.app_context():
            try:
                save_channels(db.session, get_cipher(), store_id, email_to=email, webhook_url="")
            except BaseException as exc:  # noqa: BLE001 - the test reports what a thread raised
                errors.append(exc)

    emails = ["one@example.com", "two@example.com"]
    with both_read_before_either_writes():
        threads = [threading.Thread(target=first_save, args=(email,)) for email in emails]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
    assert errors == []
    mine = AlertSettings.store_id == store.id
    assert db.session.scalar(select(func.count(AlertSettings.id)).where(mine)) == 1
    assert alert_settings(db.session, store.id).email_to in emails
