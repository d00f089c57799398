"""The JOOR panel page, the status fragment, connect/disconnect and settings."""

from __future__ import annotations

import time

from sqlalchemy import select

from tests.factories import make_item
from tests.web.panel_helpers import TOKEN, connect_store
from webapp.extensions import db
from webapp.models import InventoryItem, JoorConnection, PushedStock, SettingsChange, SyncRun
from webapp.sync.connection.state import get_connection

HX = {"HX-Request": "true"}


def run_queued_jobs() -> None:
    """Run the jobs the views queued, in this process, as a worker would."""
    from rq import SimpleWorker

    from jobs.runtime import redis_connection
    from webapp.sync.queues import DEFAULT, SERIALIZER, queue

    redis = redis_connection()
    SimpleWorker([queue(DEFAULT, redis)], connection=redis, serializer=SERIALIZER).work(burst=True)


PANEL = "/integrations/joor"


def pushed_to_joor(store, *keys: str) -> None:
    """Record SKUs JOOR accepted 4 of in the Default warehouse (each its own style), as an
    earlier Overwrite from the store left them."""
    get_connection(db.session, store.id).note_overwritten("Default")
    for key in keys:
        db.session.add(
            PushedStock(
                store_id=store.id,
                warehouse="Default",
                identifier_key=key,
                style_key=key,
                quantity=4,
            )
        )
    db.session.commit()


def html(response) -> str:
    return response.get_data(as_text=True)


def test_panel_is_a_full_page_with_every_section(auth_client):
    response = auth_client.get(PANEL)
    page = html(response)
    assert response.status_code == 200
    assert page.startswith("<!doctype html>")
    for section in (
        'id="joor-status"',
        'id="joor-connect"',
        'id="joor-settings"',
        'id="import-form"',
        'id="recent-runs"',
    ):
        assert section in page
    assert "HX-Request" in response.headers["Vary"]


def test_status_partial_is_a_fragment_for_htmx_and_the_page_otherwise(auth_client):
    fragment = auth_client.get(f"{PANEL}/status", headers=HX)
    assert fragment.status_code == 200
    assert html(fragment).lstrip().startswith('<div id="joor-status"')
    assert "<html" not in html(fragment)
    assert "HX-Request" in fragment.headers["Vary"]
    plain = auth_client.get(f"{PANEL}/status")
    assert plain.status_code == 302 and plain.headers["Location"].endswith(PANEL)


def test_history_restore_gets_the_full_page(auth_client):
    response = auth_client.get(
        "/integrations/joor/runs", headers={**HX, "HX-History-Restore-Request": "true"}
    )
    assert "<!doctype html>" in html(response)


def test_disconnected_status_does_not_poll(auth_client):
    fragment = html(auth_client.get(f"{PANEL}/status", headers=HX))
    assert "disconnected" in fragment
    assert "hx-trigger" not in fragment


def test_connected_status_polls_and_shows_only_the_last_4(auth_client, store):
    connect_store(store.id, last_error="JOOR took too long to answer.")
    page = html(auth_client.get(PANEL))
    fragment = html(auth_client.get(f"{PANEL}/status", headers=HX))
    assert 'hx-trigger="every 3s"' in fragment
    assert "connected" in fragment and TOKEN[-4:] in fragment
    assert "JOOR took too long to answer." in fragment
    assert "<meter" in fragment and 'max="300"' in fragment
    assert TOKEN not in page and TOKEN not in fragment


def test_an_error_calls_have_succeeded_after_is_shown_as_history(auth_client, store):
    from datetime import timedelta

    from webapp.models.base import utcnow

    connect_store(store.id, last_error="JOOR is having trouble right now (503).")
    conn = get_connection(db.session, store.id)
    conn.last_error_at = utcnow() - timedelta(minutes=10)
    conn.last_success_at = utcnow() - timedelta(minutes=3)
    db.session.commit()
    fragment = html(auth_client.get(f"{PANEL}/status", headers=HX))
    assert '<dd class="muted" data-testid="last-error">JOOR is having trouble' in fragment
    assert "10 min ago; calls have succeeded since" in fragment
    assert "status-trouble" not in fragment
    conn = get_connection(db.session, store.id)
    conn.last_error_at = utcnow()
    db.session.commit()
    fragment = html(auth_client.get(f"{PANEL}/status", headers=HX))
    assert '<dd class="error" data-testid="last-error">JOOR is having trouble' in fragment
    # Next to the badge: the token is fine, but the last call failed (after the one that
    # succeeded, whose time stays beside it: "failing now" would contradict a success just now).
    assert "the last call to JOOR failed (see Last error); imports and pushes try again" in fragment
    assert "failing now" not in fragment


def test_after_disconnect_no_fact_of_the_old_connection_is_shown(auth_client, store):
    from webapp.models.base import utcnow

    connect_store(store.id)
    conn = get_connection(db.session, store.id)
    conn.last_success_at = utcnow()
    db.session.commit()
    assert "Last successful call" in html(auth_client.get(f"{PANEL}/status", headers=HX))
    auth_client.post(f"{PANEL}/disconnect", headers=HX)
    fragment = html(auth_client.get(f"{PANEL}/status", headers=HX))
    assert "Not connected to JOOR." in fragment
    assert "Last successful call" not in fragment and "just now" not in fragment
    assert "no calls yet" not in fragment and "Next check for orders" not in fragment


def test_a_first_connection_says_when_its_first_check_comes_and_with_what(
    auth_client, store, time_machine
):
    from datetime import timedelta

    from webapp.clock import utcnow

    time_machine.move_to(utcnow(), tick=False)  # held: five minutes ahead reads "in 5 min"
    connect_store(store.id)
    conn = get_connection(db.session, store.id)
    conn.next_poll_at = utcnow() + timedelta(minutes=5)
    db.session.commit()
    fragment = html(auth_client.get(f"{PANEL}/status", headers=HX))
    assert "in 5 min</time> <span" in fragment
    assert "(the first, with the settings below: change them before then" in fragment
    conn.watermark = utcnow()  # polled since
    db.session.commit()
    assert "the first, with" not in html(auth_client.get(f"{PANEL}/status", headers=HX))


def test_replacing_a_token_starts_on_the_environment_connected_to(auth_client, store):
    connect_store(store.id)  # to Sandbox
    page = html(auth_client.get(PANEL))
    assert '<option selected value="sandbox">' in page


def test_connect_refuses_an_empty_token_with_422(auth_client, store):
    response = auth_client.post(
        f"{PANEL}/connect", data={"token": " ", "environment": "sandbox"}, headers=HX
    )
    assert response.status_code == 422
    assert "Paste the access token JOOR gave you." in html(response)
    assert get_connection(db.session, store.id).status == "disconnected"


def test_connect_without_javascript_shows_errors_on_the_full_page(auth_client):
    response = auth_client.post(f"{PANEL}/connect", data={"token": "", "environment": "sandbox"})
    assert response.status_code == 422
    assert "<!doctype html>" in html(response)
    assert "Paste the access token JOOR gave you." in html(response)


def test_connect_rejects_an_environment_not_offered(auth_client, app):
    app.config["JOOR_LOCAL_URL"] = ""
    response = auth_client.post(
        f"{PANEL}/connect", data={"token": "abc", "environment": "local"}, headers=HX
    )
    assert response.status_code == 422


def test_csrf_is_enforced_on_every_form(auth_client):
    auth_client.csrf_token = None
    for path, data in [
        (f"{PANEL}/connect", {"token": "abc", "environment": "sandbox"}),
        (f"{PANEL}/disconnect", {}),
        (f"{PANEL}/settings", {"poll_minutes": "5"}),
        (f"{PANEL}/imports", {"since": "2026-01-01"}),
    ]:
        assert auth_client.post(path, data=data, headers=HX).status_code == 400, path


def test_disconnect_forgets_the_token(auth_client, store):
    connect_store(store.id, last_error="JOOR took too long to answer.", sync_inventory=True)
    assert "Push inventory now" in html(auth_client.get(PANEL))
    response = auth_client.post(f"{PANEL}/disconnect", headers=HX)
    assert response.status_code == 200
    db.session.expire_all()
    conn = get_connection(db.session, store.id)
    assert conn.token_encrypted is None and conn.status == "disconnected"
    assert conn.last_error == "" and "JOOR took too long" not in html(response)
    assert 'name="token"' in html(response)
    assert 'hx-swap-oob="true"' in html(response)
    # Push inventory now goes with the connection, and comes back once a check connects.
    assert '<div id="push-button" hx-swap-oob="true">' in html(response)
    assert "Push inventory now" not in html(response)
    connect_store(store.id, sync_inventory=True)
    checked = html(auth_client.get(f"{PANEL}/connection", headers=HX))
    assert '<div id="push-button" hx-swap-oob="true">' in checked
    assert "Push inventory now" in checked


def test_disconnect_button_asks_for_confirmation(auth_client, store):
    connect_store(store.id)
    page = html(auth_client.get(PANEL))
    assert 'hx-confirm="Disconnect from JOOR?' in page


def _settings(**overrides) -> dict:
    data = {
        "poll_minutes": "15",
        "order_type": "approved",
        "folder": "New",
        "warehouse": "",
        "inventory_mode": "update",
        "identifier": "upc",
        "style_number": "",
        "style_identifier": "",
        "color_code": "",
        "size": "",
    }
    data.update(overrides)
    return data


def test_saving_settings_records_who_changed_what(auth_client, store, user):
    response = auth_client.post(
        f"{PANEL}/settings", headers=HX, data=_settings(poll_minutes="60", folder="Prepared")
    )
    assert response.status_code == 200
    fragment = html(response)
    assert fragment.lstrip().startswith('<div id="joor-settings"')
    assert "Settings saved (2 changes)." in fragment
    changes = db.session.scalars(select(SettingsChange).order_by(SettingsChange.setting)).all()
    assert [(c.setting, c.old_value, c.new_value, c.actor) for c in changes] == [
        ("folder", "New", "Prepared", user.email),
        ("poll_minutes", "15", "60", user.email),
    ]
    assert user.email in fragment and "Prepared" in fragment
    # Listed as the form names them: the setting's label and the choice's words.
    assert "<td>Check for New Orders</td>" in fragment
    assert '<td class="value" data-label="Old">Every 15 minutes</td>' in fragment
    assert '<td class="value" data-label="New">Every hour</td>' in fragment
    assert "<td>Check for New Orders</td>" in html(auth_client.get(PANEL))  # the full page too


def test_invalid_settings_answer_422_with_the_error_inline_and_save_nothing(auth_client, store):
    response = auth_client.post(
        f"{PANEL}/settings", headers=HX, data=_settings(sync_inventory="y", warehouse="")
    )
    assert response.status_code == 422
    assert "Default Warehouse is required when Sync Inventory is on." in html(response)
    assert 'aria-invalid="true"' in html(response)
    db.session.expire_all()
    assert get_connection(db.session, store.id).sync_inventory is False
    assert db.session.scalar(select(SettingsChange.id)) is None


def test_a_bad_template_is_refused_in_words(auth_client, store):
    data = _settings(
        sync_inventory="y",
        warehouse="Default",
        identifier="style",
        style_number="{{ item.code ",
        style_identifier="{{ item.code }}",
        color_code="x",
        size="y",
    )
    response = auth_client.post(f"{PANEL}/settings", headers=HX, data=data)
    assert response.status_code == 422
    assert "Style Number:" in html(response)


def test_settings_without_javascript_redirect_after_saving(auth_client, store):
    response = auth_client.post(f"{PANEL}/settings", data=_settings(order_type="shipped"))
    assert response.status_code == 302
    db.session.expire_all()
    assert get_connection(db.session, store.id).order_type == "shipped"
    invalid = auth_client.post(f"{PANEL}/settings", data=_settings(order_type="everything"))
    assert invalid.status_code == 422 and "<!doctype html>" in html(invalid)


def test_conditional_fields_are_marked_for_show_and_hide(auth_client):
    page = html(auth_client.get(PANEL))
    assert 'data-show-when="sync_inventory=on"' in page
    assert 'data-show-when="identifier=style"' in page


def test_template_preview_renders_real_items(auth_client, store):
    make_item(store, "TEE-RED-M", variation_list={"Color": "Red", "Size": "M"})
    make_item(store, "TEE-BLUE-L", variation_list={"Color": "Blue", "Size": "L"})
    response = auth_client.post(
        f"{PANEL}/settings/preview/size",
        headers=HX,
        data={"size": "{{ item.variation_list.Size|lower }}"},
    )
    fragment = html(response)
    assert response.status_code == 200
    assert fragment.lstrip().startswith('<div id="preview-size"')
    assert "TEE-RED-M" in fragment and "<b>m</b>" in fragment and "<b>l</b>" in fragment


def test_template_preview_shows_the_error_in_words(auth_client, store):
    make_item(store, "TEE-RED-M")
    response = auth_client.post(
        f"{PANEL}/settings/preview/style_number", headers=HX, data={"style_number": "{% if %}"}
    )
    assert response.status_code == 200
    assert "Style Number:" in html(response) and 'class="error"' in html(response)


def test_a_template_empty_for_every_item_says_those_items_are_skipped(auth_client, store):
    make_item(store, "TEE-RED-M")
    make_item(store, "TEE-BLUE-L")
    url = f"{PANEL}/settings/preview/style_number"
    empty = html(auth_client.post(url, headers=HX, data={"style_number": "{{ item.meta.x }}"}))
    assert 'data-testid="empty-everywhere"' in empty and "without its Style Number" in empty
    filled = html(auth_client.post(url, headers=HX, data={"style_number": "{{ item.code }}"}))
    assert "empty-everywhere" not in filled


def test_a_template_refused_on_save_shows_its_error_once(auth_client, store):
    make_item(store, "TEE-RED-M")
    form = _settings(identifier="style", style_number="{{ item.code }",
                     style_identifier="x", color_code="x", size="x")  # fmt: skip
    response = auth_client.post(f"{PANEL}/settings", headers=HX, data=form)
    assert response.status_code == 422
    assert html(response).count("Style Number: unexpected") == 1


def test_preview_of_an_unknown_field_is_404(auth_client):
    assert auth_client.post(f"{PANEL}/settings/preview/password", headers=HX).status_code == 404


def test_overwrite_warning_counts_the_skus_the_next_push_drops(auth_client, store):
    make_item(store, "111", upc="111")
    pushed_to_joor(store, "upc:111", "upc:222", "upc:333")
    response = auth_client.post(
        f"{PANEL}/settings/overwrite",
        headers=HX,
        data=_settings(inventory_mode="overwrite", warehouse="Default"),
    )
    fragment = html(response)
    assert fragment.lstrip().startswith('<div id="overwrite-warning"')
    assert "drop <b>2</b> of the 3 SKUs this store has pushed to JOOR" in fragment
    update = auth_client.post(
        f"{PANEL}/settings/overwrite",
        headers=HX,
        data=_settings(inventory_mode="update", warehouse="Default"),
    )
    assert "drop" not in html(update)


def test_overwrite_warning_says_what_joor_keeps_and_when_nothing_goes(auth_client, store):
    same = {"s": "X"}
    make_item(store, "A", metadata=same)
    make_item(store, "B", metadata=same)  # A's identifier too: neither can be sent
    pushed_to_joor(store, "style:X|X|X|X")
    templates = dict.fromkeys(("style_number", "style_identifier", "color_code", "size"),
                              "{{ item.metadata.s }}")  # fmt: skip
    form = _settings(inventory_mode="overwrite", warehouse="Default", identifier="style",
                     **templates)  # fmt: skip

    def warning() -> str:
        return html(auth_client.post(f"{PANEL}/settings/overwrite", headers=HX, data=form))

    # Only JOOR's own count would go: such an Overwrite is never sent.
    assert "No item of this store can go in an Overwrite snapshot now" in warning()
    make_item(store, "C", metadata={"s": "Y"})
    kept = warning()
    assert "no SKU this store has pushed to JOOR would be dropped" in kept
    assert "1 SKU of items whose identifier cannot be worked out" in kept
    for item in db.session.scalars(select(InventoryItem).filter_by(store_id=store.id)):
        item.item_metadata = {**same, "skip_joor": "1"}
    db.session.commit()

    empty = warning()

    assert "No item of this store can go in an Overwrite snapshot now" in empty
    assert "drop" not in empty


def test_overwrite_warning_is_kept_until_the_stock_or_settings_change(
    auth_client, store, monkeypatch
):
    item = make_item(store, "111", upc="111")
    pushed_to_joor(store, "upc:111", "upc:222")
    form = _settings(inventory_mode="overwrite", warehouse="Default")

    def warning(**overrides):
        data = {**form, **overrides}
        return html(auth_client.post(f"{PANEL}/settings/overwrite", headers=HX, data=data))

    assert "drop <b>1</b> of the 2 SKUs this store has pushed to JOOR" in warning()
    # Planning reads every item; a second look with nothing changed must not plan again.
    import webapp.sync.push.overwrite_preview as preview

    def no_planning(*_args, **_kwargs):
        raise AssertionError("planned again though nothing changed")

    monkeypatch.setattr(preview, "plan_push", no_planning)
    assert "drop <b>1</b> of the 2 SKUs this store has pushed to JOOR" in warning()
    monkeypatch.undo()
    make_item(store, "222", upc="222")
    assert "no SKU this store has pushed to JOOR would be dropped" in warning()
    item.stock = 0
    item.item_metadata = {"skip_joor": "1"}
    db.session.commit()
    assert "drop <b>1</b> of the 2 SKUs this store has pushed to JOOR" in warning()
    # Never pushed to: what JOOR holds there is unknown, so the first Overwrite waits for a yes.
    first = warning(warehouse="Elsewhere")
    assert "No Overwrite from this store has reached the <b>Elsewhere</b> warehouse yet" in first
    assert "not among these 1 to zero" in first


def test_another_stores_connection_is_never_shown(auth_client, other_store):
    connect_store(other_store.id)
    page = html(auth_client.get(PANEL))
    assert TOKEN[-4:] not in page
    assert (
        db.session.scalar(
            select(JoorConnection.status).where(JoorConnection.store_id == other_store.id)
        )
        == "connected"
    )


def test_connect_keeps_the_token_aside_encrypted_and_asks_a_worker(auth_client, store, app):
    from webapp.sync.queues import queue

    response = auth_client.post(
        f"{PANEL}/connect", data={"token": TOKEN, "environment": "sandbox"}, headers=HX
    )
    assert response.status_code == 200
    assert "Checking the token with JOOR" in html(response)
    assert 'hx-trigger="every 1s"' in html(response)
    assert TOKEN not in html(response)
    db.session.expire_all()
    conn = get_connection(db.session, store.id)
    assert conn.status == "checking" and conn.pending_environment == "sandbox"
    assert conn.pending_token_encrypted and TOKEN not in conn.pending_token_encrypted
    assert conn.token_encrypted is None
    assert any(j.startswith(f"verify-{store.id}-") for j in queue("default").job_ids)


def test_an_invalid_import_puts_its_errors_in_the_form_not_the_run_area(auth_client, store):
    response = auth_client.post(f"{PANEL}/imports", data={"since": "2026-11-01"}, headers=HX)
    assert response.status_code == 422
    assert "Connect to JOOR before importing." in html(response)
    assert response.headers["HX-Retarget"] == "#import-form"
    assert response.headers["HX-Reswap"] == "outerHTML"
    assert html(response).lstrip().startswith('<form id="import-form"')


def test_saving_sync_inventory_on_brings_the_push_button_out_of_band(auth_client, store):
    connect_store(store.id)
    data = {
        "poll_minutes": "15", "order_type": "approved", "folder": "New", "identifier": "upc",
        "sync_inventory": "y", "warehouse": "Default", "inventory_mode": "update",
    }  # fmt: skip
    response = auth_client.post(f"{PANEL}/settings", data=data, headers=HX)
    assert response.status_code == 200, html(response)
    assert '<div id="push-button" hx-swap-oob="true">' in html(response)
    assert "Push inventory now" in html(response)


def test_a_token_check_no_worker_picks_up_says_what_may_be_wrong(auth_client, store):
    from datetime import timedelta

    from webapp.models.base import utcnow

    response = auth_client.post(
        f"{PANEL}/connect", data={"token": "tok-1234", "environment": "sandbox"}, headers=HX
    )
    assert "Checking the token with JOOR" in html(response)
    assert 'data-testid="check-slow"' not in html(response)
    conn = get_connection(db.session, store.id)
    conn.pending_since = utcnow() - timedelta(minutes=2)
    db.session.commit()
    later = html(auth_client.get(f"{PANEL}/connection", headers=HX))
    assert 'data-testid="check-slow"' in later and "worker" in later


def test_push_now_in_overwrite_mode_asks_with_the_number_of_skus_it_drops(auth_client, store):
    connect_store(store.id, sync_inventory=True, warehouse="Default", inventory_mode="overwrite")
    make_item(store, "111", upc="111")
    pushed_to_joor(store, "upc:111", "upc:222", "upc:333")
    # Planning every item can take seconds: the first view leaves the count to a worker.
    first = html(auth_client.get(PANEL))
    assert 'data-testid="overwrite-counting"' in first
    assert 'hx-confirm="Overwrite sends the full snapshot: SKUs not in it' in first
    run_queued_jobs()
    page = html(auth_client.get(PANEL))
    assert 'data-testid="overwrite-counting"' not in page
    assert "drop <b>2</b> of the 3 SKUs this store has pushed to JOOR" in page
    question = "This Overwrite drops 2 of the 3 SKUs this store has pushed to JOOR (set to zero)."
    assert f'hx-confirm="{question}' in page
    assert """hx-vals='{"confirmed": "yes"}'""" in page


def test_the_overwrite_count_is_polled_until_a_worker_has_made_it(auth_client, store):
    connect_store(store.id, sync_inventory=True, warehouse="Default", inventory_mode="overwrite")
    make_item(store, "111", upc="111")
    pushed_to_joor(store, "upc:222")
    counting = html(auth_client.get(f"{PANEL}/settings/overwrite?since=0", headers=HX))
    assert "The worker may not be running" in counting and "hx-trigger" not in counting
    fresh = int(time.time())
    polling = html(auth_client.get(f"{PANEL}/settings/overwrite?since={fresh}", headers=HX))
    assert "Counting what an Overwrite would drop" in polling
    assert f"/settings/overwrite?since={fresh}" in polling and 'hx-trigger="every 2s"' in polling
    run_queued_jobs()
    counted = html(auth_client.get(f"{PANEL}/settings/overwrite?since={fresh}", headers=HX))
    assert "drop <b>1</b> of the 1 SKU this store has pushed to JOOR" in counted
    assert "hx-trigger" not in counted
    # The Push button's question follows with the same count.
    assert '<div id="push-button" hx-swap-oob="true">' in counted
    assert "This Overwrite drops 1 of the 1 SKU this store has pushed to JOOR" in counted


def test_push_now_in_overwrite_mode_without_javascript_asks_on_a_page_first(auth_client, store):
    connect_store(store.id, sync_inventory=True, warehouse="Default", inventory_mode="overwrite")
    make_item(store, "111", upc="111")
    pushed_to_joor(store, "upc:222")
    asked = auth_client.post(f"{PANEL}/push")
    assert asked.status_code == 200
    assert "Push inventory now in Overwrite mode?" in html(asked)
    assert "drop <b>1</b> of the 1 SKU this store has pushed to JOOR" in html(asked)
    assert 'name="confirmed" value="yes"' in html(asked)
    assert db.session.scalars(select(SyncRun).where(SyncRun.kind == "inventory")).all() == []
    pushed = auth_client.post(f"{PANEL}/push", data={"confirmed": "yes"})
    assert pushed.status_code == 302
    (run,) = db.session.scalars(select(SyncRun).where(SyncRun.kind == "inventory")).all()
    assert run.params.get("confirmed") is True


def test_a_second_push_now_says_the_first_is_under_way(auth_client, store):
    connect_store(store.id, sync_inventory=True, warehouse="Default", inventory_mode="update")
    first = html(auth_client.post(f"{PANEL}/push", headers=HX))
    assert "already under way" not in first
    (run,) = db.session.scalars(select(SyncRun).where(SyncRun.kind == "inventory")).all()
    second = html(auth_client.post(f"{PANEL}/push", headers=HX))
    assert f"A push is already under way (run #{run.id})." in second


def test_a_manual_import_that_failed_before_a_reconnect_is_shown_as_history(auth_client, store):
    from datetime import timedelta

    from tests.web.panel_helpers import make_run
    from webapp.models.base import utcnow

    connect_store(store.id)
    failed = make_run(store.id, status="failed")  # "JOOR refused the token."
    panel = html(auth_client.get(PANEL))
    assert f'id="run-{failed.id}-progress"' in panel and 'data-testid="import-history"' not in panel

    conn = get_connection(db.session, store.id)
    conn.connected_at = utcnow() + timedelta(seconds=1)  # connected again since
    db.session.commit()
    panel = html(auth_client.get(PANEL))
    assert f'id="run-{failed.id}-progress"' not in panel  # its error no longer leads the card
    assert f'The last manual import (<a href="{PANEL}/runs/{failed.id}">#{failed.id}</a>)' in panel
