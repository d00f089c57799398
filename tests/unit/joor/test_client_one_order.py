"""Reading one order by its JOOR id: the path, the answer's forms, and JOOR's 404."""

from __future__ import annotations

import pytest

from tests.unit.joor.conftest import BASE_URL
from webapp.joor import JoorBadRequestError, JoorMalformedResponseError

ORDER = {"order_id": "4810001", "order_type_name": "Cancelled", "line_items": []}


@pytest.mark.parametrize(
    "body",
    [ORDER, {"order": ORDER}, {"orders": [ORDER]}],
    ids=["the order itself", "under one key", "a list of one"],
)
def test_one_order_is_read_from_order_slash_id_in_any_of_its_likely_forms(
    mocked, make_client, body
):
    mocked.get(BASE_URL + "/order/4810001", json=body)
    client = make_client()
    assert client.get_order("4810001") == ORDER
    assert client.credits_used().used == 1
    assert mocked.calls[0].request.headers["Content-Type"] == "application/json"


def test_an_order_joor_does_not_know_is_none(mocked, make_client):
    mocked.get(BASE_URL + "/order/4810001", status=404, json={"error": "not_found"})
    assert make_client().get_order("4810001") is None


def test_an_id_is_sent_escaped_never_as_a_path(mocked, make_client):
    mocked.get(BASE_URL + "/order/a%2F..%2Fb", json={**ORDER, "order_id": "a/../b"})
    assert make_client().get_order("a/../b")["order_id"] == "a/../b"


@pytest.mark.parametrize(
    "body", [[ORDER], {"orders": [ORDER, ORDER]}, {**ORDER, "order_id": "4810002"}, "x"]
)
def test_an_answer_holding_no_order_or_another_is_malformed(mocked, make_client, body):
    mocked.get(BASE_URL + "/order/4810001", json=body)
    with pytest.raises(JoorMalformedResponseError):
        make_client().get_order("4810001")


def test_another_refusal_is_raised(mocked, make_client):
    mocked.get(BASE_URL + "/order/4810001", status=400, json={"message": "bad id"})
    with pytest.raises(JoorBadRequestError):
        make_client().get_order("4810001")
