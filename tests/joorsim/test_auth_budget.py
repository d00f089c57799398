"""Token check, content-type rule and the credit budget."""

from __future__ import annotations

import base64


def test_missing_or_wrong_token_is_401_json(client, auth):
    for headers in (
        {"Content-Type": "application/json"},
        auth("not-the-token"),
        {"Authorization": "Bearer demo-token", "Content-Type": "application/json"},
        {"Authorization": "OAuth2 demo-token!", "Content-Type": "application/json"},
    ):
        response = client.get("/v2/orders", headers=headers)
        assert response.status_code == 401
        assert response.get_json()["error"] == "unauthorized"


def test_token_is_base64_of_the_demo_token(client):
    encoded = base64.b64encode(b"demo-token").decode()
    headers = {"Authorization": f"OAuth2 {encoded}", "Content-Type": "application/json"}
    assert client.get("/v2/orders?sync=0", headers=headers).status_code == 200


def test_requests_without_json_content_type_are_400(client, auth):
    headers = {"Authorization": auth()["Authorization"]}
    assert client.get("/v2/orders", headers=headers).status_code == 400
    response = client.get("/v2/orders", headers={**headers, "Content-Type": "text/plain"})
    assert response.status_code == 400 and "Content-Type" in response.get_json()["message"]
    charset = {**headers, "Content-Type": "application/json; charset=utf-8"}
    assert client.get("/v2/orders", headers=charset).status_code == 200


def test_several_tokens_each_have_their_own_budget(make_client, auth):
    c = make_client(orders=5, tokens="alpha,beta", credit_limit=3)
    for _ in range(3):
        assert c.get("/v2/orders", headers=auth("alpha")).status_code == 200
    assert c.get("/v2/orders", headers=auth("alpha")).status_code == 429
    assert c.get("/v2/orders", headers=auth("beta")).status_code == 200
    assert c.get("/v2/orders", headers=auth("demo-token")).status_code == 401


def test_budget_429_with_retry_after_then_window_resets(make_client, headers, clock):
    c = make_client(orders=5, credit_limit=12, window_seconds=300)
    for _ in range(2):
        assert (
            c.post("/v2/bulk-inventory", json={"inventory_items": []}, headers=headers).status_code
            == 200
        )
    assert c.get("/v2/orders", headers=headers).status_code == 200
    assert c.get("/v2/orders", headers=headers).status_code == 200
    clock.advance(100)
    refused = c.post("/v2/bulk-inventory", json={"inventory_items": []}, headers=headers)
    assert refused.status_code == 429
    assert refused.headers["Retry-After"] == "200"
    assert c.get("/v2/orders", headers=headers).status_code == 429
    used = c.get("/_sim/credits").get_json()
    assert (used["used"], used["remaining"]) == (12, 0)
    clock.advance(199.5)
    assert c.get("/v2/orders", headers=headers).headers["Retry-After"] == "1"
    clock.advance(0.5)
    assert c.get("/v2/orders", headers=headers).status_code == 200
    assert c.get("/_sim/credits?token=demo-token").get_json()["used"] == 1


def test_no_rate_limit_option(make_client, headers):
    c = make_client(orders=1, credit_limit=1, rate_limit=False)
    assert all(c.get("/v2/orders", headers=headers).status_code == 200 for _ in range(5))


def test_credits_hook_rejects_unknown_token(client):
    assert client.get("/_sim/credits?token=nope").status_code == 404


def test_unknown_v2_path_is_json_404(client, headers):
    response = client.get("/v2/nothing", headers=headers)
    assert response.status_code == 404 and response.get_json()["error"] == "not_found"
