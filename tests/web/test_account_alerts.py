"""The settings page's alert channels: checked when saved, the secret shown once, tests queued."""

from __future__ import annotations

import re

from tests.conftest import login
from webapp.alerts.enqueue import send_job_id
from webapp.alerts.settings import alert_settings, webhook_secret
from webapp.extensions import db, get_cipher
from webapp.models import AlertDelivery
from webapp.sync.queues import fetch_job

PUBLIC_HOOK = "https://93.184.216.34/joor-alerts"  # an address literal: no DNS needed


def save(client, email_to="", webhook_url=""):
    return client.post("/account/alerts", data={"email_to": email_to, "webhook_url": webhook_url})


def test_channels_are_saved_and_the_webhook_secret_is_shown_once(auth_client, store):
    response = save(auth_client, "Owner@Example.com, ops@example.com", PUBLIC_HOOK)
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    secret = re.search(r'id="webhook-secret"[^>]*>([^<]+)<', response.get_data(as_text=True))[1]
    settings = alert_settings(db.session, store.id)
    assert settings.email_to == "Owner@example.com, ops@example.com"
    assert webhook_secret(settings, get_cipher()) == secret
    assert secret not in settings.webhook_secret_encrypted
    later = auth_client.get("/account/settings").get_data(as_text=True)
    assert secret not in later and PUBLIC_HOOK in later


def test_saving_the_same_webhook_again_keeps_its_secret(auth_client, store):
    save(auth_client, "", PUBLIC_HOOK)
    first = alert_settings(db.session, store.id).webhook_secret_encrypted
    response = save(auth_client, "a@example.com", PUBLIC_HOOK)
    assert response.status_code == 302
    db.session.expire_all()
    assert alert_settings(db.session, store.id).webhook_secret_encrypted == first


def test_a_new_secret_replaces_the_old_one_and_is_shown_once(auth_client, store):
    save(auth_client, "", PUBLIC_HOOK)
    old = webhook_secret(alert_settings(db.session, store.id), get_cipher())
    page = auth_client.post("/account/alerts/secret").get_data(as_text=True)
    new = re.search(r'id="webhook-secret"[^>]*>([^<]+)<', page)[1]
    db.session.expire_all()
    assert new != old and webhook_secret(alert_settings(db.session, store.id), get_cipher()) == new


def test_addresses_the_server_must_not_call_are_refused_in_words_and_nothing_is_saved(
    app, auth_client, store
):
    app.config["ALERT_WEBHOOK_ALLOW_LOOPBACK"] = False  # as in production, whatever the shell says
    for url, words in [
        ("http://93.184.216.34/x", "must start with https://"),
        ("https://127.0.0.1:8443/x", "loopback"),
        ("https://10.0.0.8/x", "private network"),
        ("https://169.254.169.254/latest/meta-data", "link-local"),
        ("https://localhost/x", "loopback"),
    ]:
        response = save(auth_client, "a@example.com", url)
        assert response.status_code == 422, url
        assert words in response.get_data(as_text=True), url
    settings = alert_settings(db.session, store.id)
    assert (settings.email_to, settings.webhook_url) == ("", "")


def test_loopback_is_allowed_only_when_the_server_says_so(app, auth_client, store):
    app.config["ALERT_WEBHOOK_ALLOW_LOOPBACK"] = True
    assert save(auth_client, "", "https://127.0.0.1:8443/x").status_code == 200


def test_a_bad_email_address_is_refused_in_words(auth_client, store):
    response = save(auth_client, "owner@example.com, not-an-address", "")
    assert response.status_code == 422
    assert "not-an-address" in response.get_data(as_text=True)


def test_send_a_test_alert_queues_it_for_a_worker(app, auth_client, store):
    save(auth_client, "owner@example.com", "")
    response = auth_client.post("/account/alerts/test/email")
    assert response.status_code == 302
    [delivery] = db.session.query(AlertDelivery).filter_by(store_id=store.id).all()
    assert (delivery.event, delivery.channel, delivery.status) == ("test", "email", "queued")
    assert fetch_job(send_job_id(delivery.id)) is not None
    page = auth_client.get("/account/settings").get_data(as_text=True)
    assert "A test alert is on its way by email to owner@example.com" in page
    assert 'hx-get="/account/alerts/deliveries"' in page  # polls until it has gone


def test_a_test_alert_to_a_channel_not_set_says_so(auth_client, store):
    auth_client.post("/account/alerts/test/webhook")
    page = auth_client.get("/account/settings").get_data(as_text=True)
    assert "Save the webhook channel first" in page
    assert auth_client.post("/account/alerts/test/sms").status_code == 404


def test_forms_without_a_csrf_token_are_refused(app, store):
    client = login(app, store.users[0].email)
    client.csrf_token = None
    assert save(client, "owner@example.com", "").status_code == 400


def test_one_store_never_sees_another_store_channels(app, auth_client, store, other_store):
    save(auth_client, "secret-ops@acme.example", PUBLIC_HOOK)
    rival = login(app, other_store.users[0].email)
    page = rival.get("/account/settings").get_data(as_text=True)
    assert "secret-ops@acme.example" not in page and PUBLIC_HOOK not in page
    assert "acme" not in rival.get("/account/alerts/deliveries").get_data(as_text=True)
