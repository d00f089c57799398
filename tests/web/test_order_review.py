"""Marking an order's changes made in JOOR as reviewed: the marks clear, the data stays."""

from __future__ import annotations

import re
from datetime import timedelta

from tests.jobs.order_support import import_now
from tests.sync.change_support import (
    approved_ids,
    order_of,
    poll_now,
)
from tests.web.order_factories import make_order
from tests.web.test_order_changes_pages import cancel_one
from webapp.extensions import db
from webapp.models import Order
from webapp.models.base import utcnow
from webapp.stores import issue_api_key

LISTED = re.compile(r'href="/orders/\d+">(\d+)</a>')
MARKED = re.compile(r">(\d+)</a>\s*<span class=\"badge changed\"")
SEEN = re.compile(r'name="seen" value="([^"]+)"')


def review(client, order: Order, **headers):
    """Press "Mark as reviewed" on the order's page, as the merchant sees it now."""
    page = client.get(f"/orders/{order.id}").get_data(as_text=True)
    return client.post(
        f"/orders/{order.id}/review", data={"seen": SEEN.search(page).group(1)}, headers=headers
    )


def change_po(app, store, sim, po: str, source_id: str = "") -> str:
    """Change an order's PO in JOOR (the first imported one unless named) and poll: its id."""
    if not source_id:
        (source_id,) = approved_ids(sim, 1)
        import_now(app, store)
    sim.state.patch_order(int(source_id), {"customer_purchase_order": po})
    poll_now(app, store)
    return source_id


def changed_count(client) -> str:
    page = client.get("/orders/").get_data(as_text=True)
    return re.search(r'class="muted small changed-count">([^<]*)<', page).group(1)


def test_reviewing_clears_the_badge_the_filter_and_the_banner_and_keeps_the_history(
    app, auth_client, approved_store, small_sim, user
):
    source_id = cancel_one(app, approved_store, small_sim)
    order = order_of(approved_store, source_id)
    changed_at = order.changed_in_joor_at
    page = auth_client.get(f"/orders/{order.id}").get_data(as_text=True)
    assert "Mark as reviewed</button>" in page and changed_count(auth_client) == "1"

    answer = review(auth_client, order)
    assert answer.status_code == 302 and answer.headers["Location"] == f"/orders/{order.id}"
    assert MARKED.findall(auth_client.get("/orders/").get_data(as_text=True)) == []
    assert LISTED.findall(auth_client.get("/orders/?changed=1").get_data(as_text=True)) == []
    assert changed_count(auth_client) == "0"
    page = auth_client.get(f"/orders/{order.id}").get_data(as_text=True)
    assert 'data-testid="changed-banner"' not in page and "Mark as reviewed</button>" not in page
    history = page[page.index('id="history"') :]
    assert f"by {user.email}" in history and "Reviewed" in history
    assert "Status Approved → Cancelled" in history  # the history stays
    stored = order_of(approved_store, source_id)
    assert stored.changed_in_joor_at == changed_at and len(stored.history) == 1
    assert stored.changes_reviewed_by == user.email


def test_the_api_still_lists_a_reviewed_order_as_changed_since(
    app, client, auth_client, approved_store, small_sim
):
    before = (utcnow() - timedelta(seconds=1)).isoformat()
    order = order_of(approved_store, cancel_one(app, approved_store, small_sim))
    review(auth_client, order)
    client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {issue_api_key(approved_store)}"
    body = client.get("/api/v1/orders", query_string={"changed_since": before}).json
    assert [o["id"] for o in body["orders"]] == [order.id]
    assert body["orders"][0]["changed_in_joor_at"]


def test_a_change_after_the_review_flags_the_order_again(
    app, auth_client, approved_store, small_sim
):
    source_id = change_po(app, approved_store, small_sim, "PO-FIRST")
    review(auth_client, order_of(approved_store, source_id))
    assert changed_count(auth_client) == "0"

    change_po(app, approved_store, small_sim, "PO-SECOND", source_id)
    order = order_of(approved_store, source_id)
    assert LISTED.findall(auth_client.get("/orders/?changed=1").get_data(as_text=True)) == [
        source_id
    ]
    page = auth_client.get(f"/orders/{order.id}").get_data(as_text=True)
    assert 'data-testid="changed-banner"' in page and "Mark as reviewed</button>" in page
    assert "changed in JOOR again since" in page


def test_a_change_arriving_while_the_merchant_looks_is_not_marked_reviewed(
    app, auth_client, approved_store, small_sim
):
    source_id = change_po(app, approved_store, small_sim, "PO-FIRST")
    order = order_of(approved_store, source_id)
    page = auth_client.get(f"/orders/{order.id}").get_data(as_text=True)
    change_po(app, approved_store, small_sim, "PO-SECOND", source_id)  # not on that page

    answer = auth_client.post(
        f"/orders/{order.id}/review", data={"seen": SEEN.search(page).group(1)}
    )
    assert answer.status_code == 302
    after = auth_client.get(f"/orders/{order.id}").get_data(as_text=True)
    assert "JOOR changed this order again while you were looking" in after
    assert order_of(approved_store, source_id).changes_reviewed_at is None


def test_htmx_review_answers_with_the_quiet_line_in_place_of_the_banner(auth_client, store):
    order = make_order(store, changed_in_joor_at=utcnow())
    answer = review(auth_client, order, **{"HX-Request": "true"})
    text = answer.get_data(as_text=True)
    assert answer.status_code == 200 and "<html" not in text
    assert 'id="changes-review"' in text and "Marked as reviewed" in text
    assert db.session.get(Order, order.id).changes_reviewed_at is not None


def test_another_stores_order_cannot_be_reviewed(auth_client, store, other_store):
    theirs = make_order(other_store, source_id="RIVAL-1", changed_in_joor_at=utcnow())
    seen = theirs.changed_in_joor_at.isoformat()
    answer = auth_client.post(f"/orders/{theirs.id}/review", data={"seen": seen})
    assert answer.status_code == 404
    assert db.session.get(Order, theirs.id).changes_reviewed_at is None
    mine = make_order(store, changed_in_joor_at=theirs.changed_in_joor_at)
    assert auth_client.post(f"/orders/{mine.id}/review", data={"seen": seen}).status_code == 302
    assert db.session.get(Order, mine.id).changes_reviewed_at is not None


def test_a_review_without_the_csrf_token_is_refused(auth_client, store):
    order = make_order(store, changed_in_joor_at=utcnow())
    seen = SEEN.search(auth_client.get(f"/orders/{order.id}").get_data(as_text=True)).group(1)
    auth_client.csrf_token = None
    answer = auth_client.post(f"/orders/{order.id}/review", data={"seen": seen})
    assert answer.status_code == 400
    assert db.session.get(Order, order.id).changes_reviewed_at is None


def test_a_review_of_a_change_the_form_does_not_name_or_of_an_unchanged_order_says_why(
    auth_client, store
):
    changed = make_order(store, changed_in_joor_at=utcnow())
    auth_client.post(f"/orders/{changed.id}/review", data={"seen": "yesterday"})
    page = auth_client.get(f"/orders/{changed.id}").get_data(as_text=True)
    assert "The form expired, so the order is not marked as reviewed" in page
    assert db.session.get(Order, changed.id).changes_reviewed_at is None
    plain = make_order(store)
    auth_client.post(f"/orders/{plain.id}/review", data={"seen": utcnow().isoformat()})
    page = auth_client.get(f"/orders/{plain.id}").get_data(as_text=True)
    assert "JOOR has not changed this order since it was imported" in page
    assert db.session.get(Order, plain.id).changes_reviewed_at is None
