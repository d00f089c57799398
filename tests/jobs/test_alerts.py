"""Alerts end to end in-process: a refused push opens an episode, a worker sends it by email
and webhook to real servers once, and the fix resolves it with one more message each."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from rq import SimpleWorker
from sqlalchemy import select

from jobs.alerts import evaluate_alerts, requeue_lost_deliveries
from tests.alert_support import running_receiver, running_smtp, signature_matches
from tests.factories import make_item
from tests.jobs.inventory_push_support import configure, push
from webapp.alerts.delivery import DeliveryRetryError, config_from_app, deliver, queue_test
from webapp.alerts.enqueue import send_job_id
from webapp.alerts.evaluation import evaluate_store, open_episodes
from webapp.alerts.settings import save_channels
from webapp.extensions import db, get_cipher
from webapp.models import AlertDelivery, AlertEpisode
from webapp.models.base import utcnow
from webapp.sync.queues import DEFAULT, SERIALIZER, fetch_job, queue


@pytest.fixture
def mailbox(joor_app):
    with running_smtp() as box:
        joor_app.config["SMTP_URL"] = box.url
        joor_app.config["SMTP_FROM"] = "Joor Sync <alerts@example.com>"
        yield box


@pytest.fixture
def receiver(joor_app, tmp_path):
    with running_receiver(tmp_path) as running:
        joor_app.config["ALERT_WEBHOOK_ALLOW_LOOPBACK"] = True
        joor_app.config["ALERT_WEBHOOK_CA_FILE"] = running.ca_file
        yield running


@pytest.fixture
def channels(joor_store, mailbox, receiver):
    """Both channels set on the store; returns the webhook's signing secret."""
    saved = save_channels(db.session, get_cipher(), joor_store.id, email_to="owner@example.com",
                          webhook_url=receiver.url, allow_loopback=True)  # fmt: skip
    return saved.new_secret


def work_alerts(app) -> None:
    """Run the queued alert jobs in-process, as a worker would."""
    redis = app.extensions["redis"]
    worker = SimpleWorker([queue(DEFAULT, redis)], connection=redis, serializer=SERIALIZER)
    worker.work(burst=True)


def deliveries(store) -> list[AlertDelivery]:
    db.session.expire_all()
    query = select(AlertDelivery).where(AlertDelivery.store_id == store.id)
    return list(db.session.scalars(query.order_by(AlertDelivery.id)))


def test_a_misspelt_warehouse_is_told_once_by_email_and_webhook_and_its_fix_once_more(
    joor_app, joor_store, push_skus, channels, mailbox, receiver
):
    for sku in push_skus[:3]:
        make_item(joor_store, sku["upc"], stock=4)
    assert push(joor_store).status == "succeeded"  # Default took stock from this store before
    configure(joor_store, warehouse="Defualt")
    assert push(joor_store, full=True).status == "failed"

    evaluate_alerts()
    work_alerts(joor_app)

    [episode] = open_episodes(db.session, joor_store.id)
    assert (episode.verdict, episode.cause) == ("needs attention", "unknown_warehouse")
    [email] = mailbox.wait_for(1)
    assert email["Subject"] == f"{joor_store.name}: the JOOR connection needs attention"
    assert email["To"] == "owner@example.com"
    assert "JOOR does not know the warehouse 'Defualt'. Warehouses this store pushed to " \
           "before: Default." in email.get_content()  # fmt: skip
    [hook] = receiver.wait_for(1)
    assert signature_matches(channels, hook.headers["X-JoorSync-Signature"], hook.body)
    body = json.loads(hook.body)
    assert body["event"] == "alert.opened" and body["alert"]["cause"] == "unknown_warehouse"
    assert body["alert"]["reason"].startswith("JOOR does not know the warehouse 'Defualt'.")

    evaluate_alerts()  # the clock checks again and again: the same trouble is no news
    evaluate_alerts()
    work_alerts(joor_app)
    assert len(mailbox.messages) == 1 and len(receiver.requests) == 1

    configure(joor_store, warehouse="Default")
    assert push(joor_store, full=True).status == "succeeded"
    evaluate_alerts()
    work_alerts(joor_app)

    assert open_episodes(db.session, joor_store.id) == []
    resolved = mailbox.wait_for(2)[1]
    assert resolved["Subject"].startswith(f"Resolved for {joor_store.name}:")
    assert "The connection works again" in resolved.get_content()
    last = json.loads(receiver.wait_for(2)[1].body)
    assert last["event"] == "alert.resolved" and last["alert"]["resolved_at"]
    assert [d.status for d in deliveries(joor_store)] == ["sent"] * 4


def test_a_webhook_that_fails_is_retried_and_a_last_failure_is_kept_in_words(
    joor_app, joor_store, channels, receiver
):
    receiver.answers.extend([500, 502])
    delivery = queue_test(db.session, joor_store.id, "webhook")
    args = (db.session, get_cipher(), config_from_app(joor_app), delivery.id)
    with pytest.raises(DeliveryRetryError):
        deliver(*args, final=False)
    assert (delivery.status, delivery.attempts) == ("retrying", 1)
    assert "answered HTTP 500" in delivery.error
    assert deliver(*args, final=True) == "failed"  # the last try: kept failed, with its reason
    assert "answered HTTP 502" in delivery.error

    again = queue_test(db.session, joor_store.id, "webhook")
    assert deliver(db.session, get_cipher(), config_from_app(joor_app), again.id,
                   final=False) == "sent"  # fmt: skip
    assert (
        deliver(db.session, get_cipher(), config_from_app(joor_app), again.id, final=False)
        == "sent"
    )  # a second run of the job sends nothing more
    assert len(receiver.requests) == 3


def test_email_without_smtp_url_fails_at_once_saying_so(joor_app, joor_store):
    save_channels(db.session, get_cipher(), joor_store.id, email_to="o@example.com",
                  webhook_url="")  # fmt: skip
    delivery = queue_test(db.session, joor_store.id, "email")
    joor_app.config["SMTP_URL"] = ""
    status = deliver(db.session, get_cipher(), config_from_app(joor_app), delivery.id,
                     final=False)  # fmt: skip
    assert status == "failed" and "no SMTP_URL" in delivery.error


def test_a_delivery_whose_job_redis_lost_is_queued_again(joor_app, joor_store, channels):
    delivery = queue_test(db.session, joor_store.id, "email")  # queued, but no job made
    assert requeue_lost_deliveries(utcnow()) == []  # too young to be taken for lost
    assert requeue_lost_deliveries(utcnow() + timedelta(minutes=3)) == [delivery.id]
    assert fetch_job(send_job_id(delivery.id)) is not None
    assert requeue_lost_deliveries(utcnow() + timedelta(minutes=3)) == []  # its job waits


def test_two_checks_at_once_open_one_episode(joor_app, joor_store, channels):
    configure(joor_store, warehouse="Nowhere")
    make_item(joor_store, "000000000001", stock=1)
    push(joor_store)
    first = evaluate_store(db.session, joor_store.id)
    # A second evaluator that read no open episode tries to open one too: the database says no.
    db.session.add(AlertEpisode(store_id=joor_store.id, topic="connection",
                                open_topic="connection", verdict="needs attention",
                                cause="unknown_warehouse", reason="", fix=""))  # fmt: skip
    with pytest.raises(Exception):  # noqa: B017 - IntegrityError from either database
        db.session.commit()
    db.session.rollback()
    assert len(first) == 2 and len(open_episodes(db.session, joor_store.id)) == 1
