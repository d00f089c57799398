"""Creating, renaming and removing order folders."""

from __future__ import annotations

from sqlalchemy import select

from tests.web.order_factories import connect_joor, folder_named, make_order
from webapp.extensions import db
from webapp.models import Folder


def _names(store) -> list[str]:
    query = select(Folder.name).where(Folder.store_id == store.id).order_by(Folder.position)
    return list(db.session.scalars(query))


def test_folders_page_lists_folders_with_counts(auth_client, store):
    make_order(store, folder="Prepared")
    page = auth_client.get("/orders/folders").get_data(as_text=True)
    assert "New" in page and "Prepared" in page and "Closed" in page
    assert "Holds orders" in page


def test_create_folder(auth_client, store):
    response = auth_client.post("/orders/folders", data={"name": " Wholesale "})
    assert response.status_code == 302
    assert _names(store) == ["New", "Prepared", "Closed", "Wholesale"]


def test_create_refuses_empty_and_duplicate_names(auth_client, store):
    assert auth_client.post("/orders/folders", data={"name": ""}).status_code == 422
    duplicate = auth_client.post("/orders/folders", data={"name": "closed"})
    assert duplicate.status_code == 422
    assert "already have a folder" in duplicate.get_data(as_text=True)
    assert _names(store) == ["New", "Prepared", "Closed"]


def test_rename_folder(auth_client, store):
    prepared = folder_named(store, "Prepared")
    response = auth_client.post(f"/orders/folders/{prepared.id}/rename", data={"name": "Packed"})
    assert response.status_code == 302
    assert _names(store) == ["New", "Packed", "Closed"]
    clash = auth_client.post(f"/orders/folders/{prepared.id}/rename", data={"name": "New"})
    assert clash.status_code == 422
    assert _names(store) == ["New", "Packed", "Closed"]


def test_remove_empty_folder(auth_client, store):
    prepared = folder_named(store, "Prepared")
    assert auth_client.post(f"/orders/folders/{prepared.id}/delete").status_code == 302
    assert _names(store) == ["New", "Closed"]


def test_folder_with_orders_cannot_be_removed_until_empty(auth_client, store):
    order = make_order(store, folder="Prepared")
    prepared = folder_named(store, "Prepared")
    refused = auth_client.post(f"/orders/folders/{prepared.id}/delete")
    assert refused.status_code == 409
    assert "holds 1 order" in refused.get_data(as_text=True)
    auth_client.post(f"/orders/{order.id}/move", data={"folder_id": folder_named(store, "New").id})
    assert auth_client.post(f"/orders/folders/{prepared.id}/delete").status_code == 302
    assert "Prepared" not in _names(store)


def test_folder_joor_imports_land_in_cannot_be_removed(auth_client, store):
    closed = folder_named(store, "Closed")
    connect_joor(store, folder_id=closed.id)
    refused = auth_client.post(f"/orders/folders/{closed.id}/delete")
    assert refused.status_code == 409
    assert "Closed" in _names(store)


def test_last_folder_stays(auth_client, store):
    for name in ("Prepared", "Closed"):
        auth_client.post(f"/orders/folders/{folder_named(store, name).id}/delete")
    assert (
        auth_client.post(f"/orders/folders/{folder_named(store, 'New').id}/delete").status_code
        == 409
    )
    assert _names(store) == ["New"]


def test_another_stores_folders_cannot_be_touched(auth_client, other_store):
    theirs = folder_named(other_store, "Prepared")
    assert (
        auth_client.post(f"/orders/folders/{theirs.id}/rename", data={"name": "X"}).status_code
        == 404
    )
    assert auth_client.post(f"/orders/folders/{theirs.id}/delete").status_code == 404
    assert _names(other_store) == ["New", "Prepared", "Closed"]
    assert "rival" not in auth_client.get("/orders/folders").get_data(as_text=True).lower()
