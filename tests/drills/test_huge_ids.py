"""Drill: huge ids, page numbers and nested JSON on every route (issue 21 item 9).

Before the fix an id or `page` of 2^63 or more raised OverflowError (on PostgreSQL, 2^31 was
already "integer out of range"), under /api/v1 the 500 came back as HTML, and a body nested
100,000 deep answered 500. Here every route the app serves is called with such numbers in its
path, its query string and its form or JSON body, as a logged-in merchant and with the API
key. No answer may be a 5xx, and every answer under /api/ is JSON. The drill prints the routes
and requests covered.
"""

from __future__ import annotations

import json
import re

from tests.factories import make_item
from tests.web.order_factories import connect_joor, make_order
from tests.web.panel_helpers import connect_store, make_run
from webapp.stores import issue_api_key

# 2^63 overflows SQLite, 2^31 PostgreSQL's integer, 5,000 digits Python's int() itself.
NUMBERS = [str(2**63), str(2**64), str(2**31), "9" * 5000, "-1", "0", "1e99", "²"]
QUERY_NUMBERS = [str(2**63), str(2**31), "9" * 5000, "²"]
QUERY_ARGS = ["page", "per_page", "after", "before", "folder", "since", "id"]
# Calls that end the drill's own session or API key, and the health check (no input; 503 here,
# where no worker runs): every other route is called.
LEFT_OUT = {"auth.logout", "account.create_api_key", "account.revoke_key", "health.healthz"}
PATH_ARG = re.compile(r"<(?:([^:>]+):)?([^>]+)>")
DEEP = "[" * 100_000 + "]" * 100_000


def real_ids(store) -> dict[str, str]:
    """An existing row for each id a route takes, so query strings reach the view's reading."""
    connect_store(store.id)
    connect_joor(store)
    order = make_order(store)
    return {
        "run_id": str(make_run(store.id).id), "order_id": str(order.id),
        "item_id": str(make_item(store, "SKU-1").id), "folder_id": str(order.folder_id),
        "field": "size", "token": "x", "rest": "x", "filename": "css/app.css",
    }  # fmt: skip


def known(match: re.Match, ids: dict[str, str]) -> str:
    """A path argument's real value (routes added later get 1 for an id, else "x")."""
    return ids.get(match.group(2), "1" if match.group(1) == "int" else "x")


def paths(rule, ids: dict[str, str]) -> list[str]:
    """The rule's path with real ids, then with each hostile number in each id."""
    real = PATH_ARG.sub(lambda m: known(m, ids), rule.rule)
    hostile = [
        PATH_ARG.sub(lambda m, n=number: n if m.group(1) == "int" else known(m, ids), rule.rule)
        for number in NUMBERS
        if "<int:" in rule.rule
    ]
    return [real, *hostile, *(f"{real}?{arg}={n}" for arg in QUERY_ARGS for n in QUERY_NUMBERS)]


def bodies(method: str, api: bool) -> list[dict]:
    """Request bodies with huge numbers in every numeric field, and a 100,000-deep one."""
    if method == "GET":
        return [{}]
    huge = 2**63
    if api:
        item = {"code": "HUGE", "stock": huge, "id": huge, "price": huge}
        return [{"json": item}, {"json": {"inventory_items": [item]}},
                {"data": DEEP, "content_type": "application/json"}]  # fmt: skip
    form = {"order_ids": [str(huge), "2147483648"], "folder_id": str(huge), "stock": str(huge),
            "poll_minutes": str(huge), "since": str(huge), "name": "x"}  # fmt: skip
    return [{"data": form}]


def test_no_route_answers_a_huge_number_with_a_500(app, auth_client, store):
    ids = real_ids(store)
    key_header = {"Authorization": f"Bearer {issue_api_key(store)}"}
    app.testing = False
    app.config["PROPAGATE_EXCEPTIONS"] = False
    failures, not_json, sent, routes, failing_routes = [], [], 0, set(), set()
    for rule in app.url_map.iter_rules():
        if rule.endpoint in LEFT_OUT:
            continue
        routes.add(rule.rule)
        api = rule.rule.startswith("/api/")
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            for path in paths(rule, ids):
                for body in bodies(method, api):
                    response = auth_client.open(path, method=method, headers=key_header, **body)
                    response.close()  # a streamed CSV holds its request open until closed
                    sent += 1
                    if response.status_code >= 500:
                        failures.append(f"{method} {path[:80]} -> {response.status_code}")
                        failing_routes.add(f"{method} {rule.rule}")
                    if api and not response.is_json:
                        not_json.append(f"{method} {path[:80]} -> {response.status_code}")
    with_ids = sorted(r for r in routes if "<int:" in r)
    print(json.dumps({"drill": "huge_ids", "routes": len(routes), "routes_with_ids": len(with_ids),
                      "requests": sent, "server_errors": len(failures),
                      "routes_with_server_errors": len(failing_routes),
                      "api_answers_not_json": len(not_json)}))  # fmt: skip
    assert failures == [] and not_json == [], failures[:20] + not_json[:20]
