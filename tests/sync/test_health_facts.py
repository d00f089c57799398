"""The verdict from stored facts: runs in a row, overdue checks, a refused token, quiet orders."""

from __future__ import annotations

from datetime import timedelta

from tests.web.panel_helpers import connect_store, make_run
from webapp.alerts.evaluation import evaluate_store, open_episodes
from webapp.extensions import db
from webapp.models import Order, SettingsChange
from webapp.models.base import utcnow
from webapp.sync.connection.health import connection_verdict
from webapp.sync.connection.state import get_connection


def verdict(store, now=None):
    db.session.expire_all()
    return connection_verdict(db.session, get_connection(db.session, store.id), now)


def test_three_failed_imports_in_a_row_need_attention_and_a_success_clears_it(store):
    connect_store(store.id)
    for _ in range(3):
        make_run(store.id, "poll", status="failed")
    found = verdict(store)
    assert (found.state, found.cause) == ("needs attention", "imports_failing")
    assert found.reason == (
        "The last 3 imports of orders from JOOR failed. The last one said: JOOR refused the token."
    )
    make_run(store.id, "poll", status="succeeded")
    assert verdict(store).state == "connected"


def test_runs_still_going_do_not_break_a_streak_of_failures(store):
    connect_store(store.id)
    for _ in range(3):
        make_run(store.id, "manual", status="failed")
    make_run(store.id, "poll", status="running")
    assert verdict(store).cause == "imports_failing"


def test_checks_overdue_count_from_the_connection_or_the_schedule_change(store):
    conn = connect_store(store.id, poll_minutes=15)
    conn.connected_at = utcnow() - timedelta(hours=2)
    db.session.commit()
    found = verdict(store)
    assert found.cause == "checks_overdue"
    assert "No check has started" in found.fix
    switched_on = utcnow() - timedelta(minutes=20)
    db.session.add(SettingsChange(store_id=store.id, setting="poll_minutes", old_value="0",
                                  new_value="15", changed_at=switched_on))  # fmt: skip
    db.session.commit()
    assert verdict(store).state == "connected"
    assert verdict(store, utcnow() + timedelta(minutes=15)).cause == "checks_overdue"


def test_a_refused_token_is_failing_and_a_disconnected_store_disconnected(store):
    connect_store(store.id, status="failing", last_error="JOOR refused the access token.")
    assert verdict(store).state == "failing"
    conn = get_connection(db.session, store.id)
    conn.token_encrypted, conn.status = None, "disconnected"
    db.session.commit()
    assert verdict(store).state == "disconnected"


def _order(store, n: int, placed) -> Order:
    folder = store.folders[0]
    return Order(store_id=store.id, folder_id=folder.id, source_name="Joor", source_id=str(n),
                 source_created_at=placed)  # fmt: skip


def test_orders_quiet_for_much_longer_than_usual_open_an_episode_until_one_arrives(store):
    connect_store(store.id, poll_minutes=15)
    make_run(store.id, "poll", status="succeeded")
    last = utcnow() - timedelta(days=3)
    db.session.add_all(_order(store, n, last - timedelta(hours=6 * n)) for n in range(20))
    db.session.commit()

    assert evaluate_store(db.session, store.id) == []  # no channel set: nothing to send
    [episode] = open_episodes(db.session, store.id)
    assert (episode.topic, episode.cause) == ("orders", "orders_quiet")
    assert episode.reason.startswith("No order has arrived from JOOR for 3 days")
    assert "usually one comes every 6 h" in episode.reason

    db.session.add(_order(store, 99, utcnow()))
    db.session.commit()
    evaluate_store(db.session, store.id)
    db.session.expire_all()
    assert open_episodes(db.session, store.id) == []
    assert episode.resolution == "An order has arrived from JOOR since."


def test_another_store_trouble_is_never_this_store_episode(store, other_store):
    connect_store(store.id)
    connect_store(other_store.id)
    for _ in range(3):
        make_run(other_store.id, "poll", status="failed")
    evaluate_store(db.session, store.id)
    evaluate_store(db.session, other_store.id)
    assert open_episodes(db.session, store.id) == []
    assert [e.cause for e in open_episodes(db.session, other_store.id)] == ["imports_failing"]


def test_a_push_awaiting_confirmation_needs_attention(store):
    connect_store(store.id, sync_inventory=True, warehouse="Default", inventory_mode="overwrite")
    make_run(store.id, "inventory", status="awaiting_confirmation")
    assert verdict(store).cause == "confirm_overwrite"


def test_a_cancelled_import_breaks_a_streak_of_failures(store):
    connect_store(store.id)
    # Nothing failed there: a cancelled import is a person's choice, not one of three failures.
    for status in ("failed", "cancelled", "failed", "failed"):
        make_run(store.id, "manual", status=status)
    assert verdict(store).state == "connected"
