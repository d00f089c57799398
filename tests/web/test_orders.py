"""The order list by folder, search, paging, the order page and moving orders."""

from __future__ import annotations

from tests.web.order_factories import folder_named, make_order
from webapp.extensions import db
from webapp.models import Order


def test_list_shows_counts_per_folder_and_the_orders(auth_client, store):
    make_order(store, source_id="J-111")
    make_order(store, source_id="J-222")
    make_order(store, folder="Closed", source_id="J-333")
    page = auth_client.get("/orders/").get_data(as_text=True)
    assert "J-111" in page and "J-222" in page and "J-333" in page
    new = folder_named(store, "New")
    assert f'href="/orders/?folder={new.id}"' in page
    closed = auth_client.get(f"/orders/?folder={folder_named(store, 'Closed').id}")
    text = closed.get_data(as_text=True)
    assert "J-333" in text and "J-111" not in text
    # The sidebar counts: New 2, Prepared 0, Closed 1.
    assert [c for c in _counts(text)] == ["2", "0", "1"]


def _counts(html: str) -> list[str]:
    import re

    return re.findall(r'class="muted small folder-count">(\d+)<', html)


def test_search_by_joor_id_po_or_customer(auth_client, store):
    make_order(store, source_id="J-9001", po_number="PO-A", customer_name="Bloom Boutique")
    make_order(store, source_id="J-9002", po_number="PO-B", customer_name="Maison Rive")
    for q, expected, absent in [
        ("9001", "J-9001", "J-9002"),
        ("po-b", "J-9002", "J-9001"),
        ("maison", "J-9002", "J-9001"),
    ]:
        page = auth_client.get(f"/orders/?q={q}").get_data(as_text=True)
        assert expected in page and absent not in page, q


def test_search_folds_the_case_of_every_script(auth_client, store):
    names = ["Łukasz Wójcik", "Ñandú Moda", "Åsa Öberg", "Δήμητρα Παπαδοπούλου"]
    for n, name in enumerate(names):
        make_order(store, source_id=f"J-{n}", customer_name=name)
    make_order(store, source_id="J-other", customer_name="Someone Else")
    for n, q in enumerate(["łukasz", "ÑANDÚ", "åsa", "δήμητρα"]):
        page = auth_client.get(f"/orders/?q={q}").get_data(as_text=True)
        assert f"J-{n}<" in page and "J-other" not in page, q


def test_search_treats_percent_literally(auth_client, store):
    make_order(store, source_id="J-1")
    assert "J-1" not in auth_client.get("/orders/?q=%25").get_data(as_text=True)


def test_htmx_gets_the_list_fragment_and_history_restore_the_page(auth_client, store):
    make_order(store, source_id="J-5")
    fragment = auth_client.get("/orders/", headers={"HX-Request": "true"})
    assert fragment.get_data(as_text=True).lstrip().startswith('<div id="order-list">')
    assert "HX-Request" in fragment.headers["Vary"]
    restore = auth_client.get(
        "/orders/", headers={"HX-Request": "true", "HX-History-Restore-Request": "true"}
    )
    assert "<html" in restore.get_data(as_text=True)


def test_list_is_paginated(auth_client, store):
    for n in range(55):
        make_order(store, source_id=f"P{n:03d}")
    first = auth_client.get("/orders/").get_data(as_text=True)
    second = auth_client.get("/orders/?page=2").get_data(as_text=True)
    assert "P054" in first and "P004" not in first
    assert "P004" in second and "P054" not in second
    assert "Page 2 of 2" in second


def test_order_page_shows_customer_addresses_items_totals_and_payload(auth_client, store):
    order = make_order(store, source_id="J-77", po_number="PO-77", customer_name="Bloom")
    page = auth_client.get(f"/orders/{order.id}").get_data(as_text=True)
    for text in ["J-77", "PO-77", "Bloom", "1 Main St", "Shop Ltd billing", "Navy", "OS",
                 "150.00", "2025-03-01", "SS25", "&#34;customer_name&#34;"]:  # fmt: skip
        assert text in page, text


def test_order_page_names_joors_details_in_words_and_shows_line_comments(auth_client, store):
    from datetime import UTC, datetime

    order = make_order(
        store,
        order_metadata={"sales_rep": "Luis Ortega", "date_approved": "2026-11-17T01:03:20Z"},
        source_created_at=datetime(2026, 11, 16, 9, 30, tzinfo=UTC),
    )
    order.items[0].item_metadata = {"comment": "Please ship complete."}
    db.session.commit()
    page = auth_client.get(f"/orders/{order.id}").get_data(as_text=True)
    assert "<dt>Sales rep</dt><dd>Luis Ortega</dd>" in page
    assert "<dt>Approved</dt><dd>2026-11-17 01:03 UTC</dd>" in page
    assert "<dt>Ordered</dt><dd>2026-11-16 09:30 UTC</dd>" in page
    assert 'data-testid="line-comment">Please ship complete.</span>' in page
    assert "from JOOR" in page and "sales_rep" not in page.split("<details>")[0]


def test_move_one_order(auth_client, store):
    order = make_order(store)
    closed = folder_named(store, "Closed")
    response = auth_client.post(f"/orders/{order.id}/move", data={"folder_id": closed.id})
    assert response.status_code == 302
    db.session.refresh(order)
    assert order.folder_id == closed.id


def test_move_many_orders(auth_client, store):
    orders = [make_order(store) for _ in range(3)]
    prepared = folder_named(store, "Prepared")
    ids = [orders[0].id, orders[2].id]
    response = auth_client.post("/orders/move", data={"folder_id": prepared.id, "order_ids": ids})
    assert response.status_code == 302
    db.session.expire_all()
    assert [db.session.get(Order, o.id).folder.name for o in orders] == [
        "Prepared",
        "New",
        "Prepared",
    ]


def test_move_requires_csrf(auth_client, store):
    order = make_order(store)
    auth_client.csrf_token = None
    closed = folder_named(store, "Closed")
    auth_client.post(f"/orders/{order.id}/move", data={"folder_id": closed.id})
    db.session.refresh(order)
    assert order.folder.name == "New"


def test_another_stores_orders_and_folders_are_out_of_reach(auth_client, store, other_store):
    theirs = make_order(other_store, source_id="RIVAL-1")
    their_folder = folder_named(other_store, "Closed")
    assert "RIVAL-1" not in auth_client.get("/orders/").get_data(as_text=True)
    assert auth_client.get(f"/orders/{theirs.id}").status_code == 404
    assert auth_client.get(f"/orders/?folder={their_folder.id}").status_code == 404
    mine = make_order(store)
    # Moving my order into their folder, or their order anywhere, changes nothing.
    auth_client.post(f"/orders/{mine.id}/move", data={"folder_id": their_folder.id})
    auth_client.post(
        "/orders/move",
        data={"folder_id": folder_named(store, "Closed").id, "order_ids": [theirs.id]},
    )
    db.session.expire_all()
    assert db.session.get(Order, mine.id).folder.name == "New"
    assert db.session.get(Order, theirs.id).folder.store_id == other_store.id
    assert db.session.get(Order, theirs.id).folder.name == "New"


def test_an_amount_joor_left_out_reads_as_a_dash_not_a_bare_currency(auth_client, store):
    order = make_order(store, discount=None, currency="USD")
    page = auth_client.get(f"/orders/{order.id}").get_data(as_text=True)
    assert '<dt>Discount</dt><dd><span class="muted">—</span></dd>' in page
    assert "USD</b>" in page  # the total is there, with its currency
