"""The settings page and the store's API key."""

from __future__ import annotations

import re

from webapp.extensions import db
from webapp.stores import hash_api_key, issue_api_key, store_for_api_key


def test_settings_page_shows_the_store_and_no_key(auth_client, store):
    page = auth_client.get("/account/settings").get_data(as_text=True)
    assert store.name in page and "No API key" in page


def test_create_key_shows_it_once_and_stores_a_hash(auth_client, store):
    response = auth_client.post("/account/api-key")
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    key = re.search(r'id="new-api-key">([^<]+)<', response.get_data(as_text=True)).group(1)
    db.session.refresh(store)
    assert store.api_key_hash == hash_api_key(key) and key not in store.api_key_hash
    later = auth_client.get("/account/settings").get_data(as_text=True)
    assert key not in later and store.api_key_prefix in later
    assert store_for_api_key(key).id == store.id


def test_regenerate_replaces_the_old_key(auth_client, store):
    old = issue_api_key(store)
    page = auth_client.post("/account/api-key").get_data(as_text=True)
    new = re.search(r'id="new-api-key">([^<]+)<', page).group(1)
    assert new != old and store_for_api_key(old) is None and store_for_api_key(new) is not None


def test_revoke_key(auth_client, store):
    key = issue_api_key(store)
    assert auth_client.post("/account/api-key/revoke").status_code == 302
    assert store_for_api_key(key) is None
    assert "No API key" in auth_client.get("/account/settings").get_data(as_text=True)


def test_key_actions_need_csrf(auth_client, store):
    key = issue_api_key(store)
    auth_client.csrf_token = None
    assert auth_client.post("/account/api-key/revoke").status_code == 400
    assert store_for_api_key(key) is not None


def test_cli_prints_a_working_key_once(runner, store):
    result = runner.invoke(args=["store", "api-key", store.slug])
    key = result.output.strip()
    assert result.exit_code == 0 and key.startswith("js_")
    assert store_for_api_key(key).id == store.id


def test_a_user_manages_only_their_own_stores_key(auth_client, store, other_store):
    theirs = issue_api_key(other_store)
    auth_client.post("/account/api-key/revoke")
    auth_client.post("/account/api-key")
    assert store_for_api_key(theirs).id == other_store.id
    assert other_store.name not in auth_client.get("/account/settings").get_data(as_text=True)
