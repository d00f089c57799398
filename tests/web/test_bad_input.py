"""Bad numbers, deep JSON, control characters, UPCs: 400/404/422, never a 500 (issue 21, 9)."""

from __future__ import annotations

import io

import pytest

from tests.factories import make_item
from tests.web.order_factories import make_order
from webapp.extensions import db
from webapp.inventory.fields import FieldError, clean_code, clean_upc
from webapp.models import InventoryItem
from webapp.stores import issue_api_key

HUGE = str(2**63)
BEYOND_POSTGRES = str(2**31)  # the first id a PostgreSQL integer column cannot compare


@pytest.fixture
def api(client, store):
    """A client sending the store's API key."""
    client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {issue_api_key(store)}"
    return client


@pytest.mark.parametrize("number", [HUGE, BEYOND_POSTGRES])
@pytest.mark.parametrize(
    "method, path",
    [("get", "/api/v1/inventory-items/{n}"), ("put", "/api/v1/inventory-items/{n}"),
     ("get", "/api/v1/orders/{n}")],
)  # fmt: skip
def test_api_ids_no_row_can_have_are_json_404s(api, method, path, number):
    response = getattr(api, method)(path.format(n=number), json={"stock": 1})
    assert response.status_code == 404 and response.is_json
    assert response.json["error"]["code"] == "not_found"


@pytest.mark.parametrize(
    "query", [f"page={HUGE}", f"per_page={HUGE}", "page=²", "page=" + "9" * 5000]
)
@pytest.mark.parametrize("path", ["/api/v1/inventory-items", "/api/v1/orders"])
def test_api_page_numbers_out_of_range_are_json_400s(api, path, query):
    response = api.get(f"{path}?{query}")
    assert response.status_code == 400 and response.is_json
    assert response.json["error"]["field"] == query.split("=")[0]
    assert "whole number from 1 to" in response.json["error"]["message"]


def test_the_last_page_number_allowed_answers_an_empty_page(api, store):
    make_item(store, "SKU-1")
    body = api.get(f"/api/v1/inventory-items?page={2**31 - 1}&per_page=500").json
    assert body["total"] == 1 and body["inventory_items"] == []


@pytest.mark.parametrize("opener, closer", [("[", "]"), ('{"a":', "}")])
def test_a_body_nested_100000_deep_is_a_json_400(api, store, opener, closer):
    body = opener * 100_000 + "1" + closer * 100_000
    for send in (api.post, api.put):
        response = send("/api/v1/inventory-items", data=body, content_type="application/json")
        assert response.status_code == 400 and response.is_json
        assert response.json["error"] == {
            "code": "invalid_json",
            "message": "The JSON is nested too deeply.",
        }


@pytest.mark.parametrize(
    "pages",
    [f"/orders/{HUGE}", f"/orders/?page={HUGE}", f"/orders/?folder={HUGE}", f"/inventory/{HUGE}",
     f"/inventory/?page={HUGE}", f"/integrations/joor/runs/{BEYOND_POSTGRES}",
     f"/integrations/joor/runs?after={HUGE}", f"/integrations/joor?before={HUGE}"],
)  # fmt: skip
def test_pages_answer_huge_numbers_without_a_500(auth_client, pages):
    assert auth_client.get(pages).status_code in (200, 404)


def test_moving_orders_with_an_id_no_row_can_have_moves_nothing(auth_client, store):
    order = make_order(store)
    form = {"order_ids": [str(order.id), HUGE], "folder_id": str(order.folder_id)}
    response = auth_client.post("/orders/move", data=form)
    assert response.status_code == 302


@pytest.mark.parametrize(
    "code, says",
    [("A\x00B", "code contains a NUL character"), ("A\tB", "control character '\\t'"),
     ("A\nB", "control character '\\n'"), ("\x7f", "control character"),
     ("A\x85B", "control character")],
)  # fmt: skip
def test_codes_refuse_nul_and_control_characters(code, says):
    with pytest.raises(FieldError) as refused:
        clean_code(code)
    assert refused.value.status == 422 and says in refused.value.message


@pytest.mark.parametrize(
    "upc", ["abc", "1234567", "123456789012345", "12345678a", "１２３４５６７８"]
)
def test_a_upc_is_8_to_14_digits(upc):
    with pytest.raises(FieldError) as refused:
        clean_upc(upc)
    assert refused.value.status == 422 and "8 to 14 digits" in refused.value.message


@pytest.mark.parametrize(
    "upc, kept",
    [("01234567", "01234567"), (" 00012345678905 ", "00012345678905"), ("", None), (None, None)],
)
def test_good_and_empty_upcs_are_kept(upc, kept):
    assert clean_upc(upc) == kept


def test_the_api_refuses_a_nul_code_and_a_word_for_a_upc(api, store):
    for body, field in (({"code": "A\x00B"}, "code"), ({"code": "A", "upc": "abc"}, "upc"),
                        ({"code": "A", "name": "Tee\x00"}, "name")):  # fmt: skip
        response = api.post("/api/v1/inventory-items", json=body)
        assert response.status_code == 422 and response.json["error"]["field"] == field
    batch = {"inventory_items": [{"code": "OK", "upc": "12345678"}, {"code": "B", "upc": "abc"}]}
    response = api.put("/api/v1/inventory-items", json=batch)
    assert response.status_code == 422 and response.json["error"]["items"][0]["index"] == 1
    assert db.session.query(InventoryItem).count() == 0


def test_a_stored_upc_of_another_shape_is_kept_when_sent_back_unchanged(api, store):
    item = make_item(store, "SKU-1", upc="0001")  # stored before UPCs were checked
    sent_back = {**api.get(f"/api/v1/inventory-items/{item.id}").json, "stock": 3}
    response = api.put(f"/api/v1/inventory-items/{item.id}", json=sent_back)
    assert response.status_code == 200 and response.json["upc"] == "0001"
    changed = api.put(f"/api/v1/inventory-items/{item.id}", json={"upc": "0002"})
    assert changed.status_code == 422 and changed.json["error"]["field"] == "upc"


def test_the_csv_import_refuses_control_characters_and_bad_upcs(auth_client, store):
    csv = "code,stock,upc\nA\x00B,1,\nA\x1bC,1,\nGOOD,2,abc\n"
    data = {"file": (io.BytesIO(csv.encode()), "items.csv")}
    response = auth_client.post("/inventory/import", data=data, content_type="multipart/form-data")
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "code contains a NUL character" in page and "code contains the control character" in page
    assert "upc must be 8 to 14 digits" in page
    assert db.session.query(InventoryItem).count() == 0
