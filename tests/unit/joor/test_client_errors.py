"""How JOOR's failures reach the caller: typed errors, retries, waits, and no token anywhere."""

from __future__ import annotations

import base64
import logging
from datetime import UTC, datetime

import pytest
import requests

from webapp.joor import (
    JoorAuthError,
    JoorBadRequestError,
    JoorClient,
    JoorConfigError,
    JoorError,
    JoorMalformedResponseError,
    JoorRateLimitedError,
    JoorTransientError,
)

TOKEN = "tok-Secret-4d1f9c"
ENCODED = base64.b64encode(TOKEN.encode()).decode()
ORDERS_URL = "https://api.example-joor.test/v2/orders"
INVENTORY_URL = "https://api.example-joor.test/v2/bulk-inventory"
EMPTY_PAGE = {"total": 0, "start_from": 0, "count": 0, "orders": []}
START, END = datetime(2026, 11, 1, tzinfo=UTC), datetime(2026, 11, 2, tzinfo=UTC)


def first_page(client: JoorClient):
    """Read the first page of a window: a request tried again as every page is."""
    return next(client.iter_order_pages(START, END, 6))


@pytest.mark.parametrize(
    ("status", "error_type", "words"),
    [
        (401, JoorAuthError, "refused the access token (401)"),
        (403, JoorAuthError, "refused the access token (403)"),
        (400, JoorBadRequestError, 'rejected the request (400). JOOR said: "details"'),
        (422, JoorBadRequestError, 'rejected the request (422). JOOR said: "details"'),
    ],
)
def test_client_errors_are_typed_explained_and_never_retried(
    mocked, make_client, clock, status, error_type, words
):
    mocked.get(ORDERS_URL, status=status, json={"error": "nope", "message": "details"})

    with pytest.raises(error_type) as raised:
        first_page(make_client())

    assert raised.value.status == status
    assert words in raised.value.user_message
    assert '"message": "details"' in raised.value.body_excerpt
    assert len(mocked.calls) == 1
    assert clock.waits == []


@pytest.mark.parametrize(
    ("body", "words"),
    [
        (
            '{"error": "warehouse  Nowhere is unknown"}',
            'JOOR said: "warehouse Nowhere is unknown"',
        ),
        ("Style number missing", 'JOOR said: "Style number missing"'),
        ("<html><body>Bad Request</body></html>", "(400) without saying why."),
        ("", "(400) without saying why."),
        ('{"message": "' + "x" * 600, "without saying why."),  # cut off at 500: not JSON
    ],
)
def test_a_rejected_request_quotes_joors_reason_when_it_gives_one(mocked, make_client, body, words):
    mocked.get(ORDERS_URL, status=400, body=body)

    with pytest.raises(JoorBadRequestError) as raised:
        first_page(make_client())

    assert raised.value.user_message.endswith(words)


@pytest.mark.parametrize("status", [500, 502, 503])
def test_server_errors_are_retried_with_backoff_then_succeed(mocked, make_client, clock, status):
    mocked.get(ORDERS_URL, status=status, body="<html>down</html>")
    mocked.get(ORDERS_URL, status=status, body="<html>down</html>")
    mocked.get(ORDERS_URL, json=EMPTY_PAGE)

    first_page(make_client())

    assert len(mocked.calls) == 3
    assert clock.waits == [1.0, 2.0]


def test_each_retry_after_an_error_is_told_to_the_hook_but_a_429_is_not(mocked, make_client, clock):
    told = []

    def hook(error, attempt, wait, attempts):
        told.append((type(error).__name__, error.status, attempt, wait, attempts))
        raise RuntimeError("the panel's Redis is down")  # must not stop the retries

    mocked.get(ORDERS_URL, status=502, body="down")
    mocked.get(ORDERS_URL, status=429, headers={"Retry-After": "5"})
    mocked.get(ORDERS_URL, json=EMPTY_PAGE)

    first_page(make_client(on_retry=hook, max_retries=3))

    assert told == [("JoorTransientError", 502, 1, 1.0, 4)]
    assert len(mocked.calls) == 3


def test_retries_are_bounded_and_the_typed_error_is_raised(mocked, make_client, clock):
    mocked.get(ORDERS_URL, status=503, body="busy")

    with pytest.raises(JoorTransientError) as raised:
        first_page(make_client(max_retries=5))

    assert len(mocked.calls) == 6
    assert clock.waits == [1.0, 2.0, 4.0, 8.0, 16.0]
    assert raised.value.status == 503
    assert "(503)" in raised.value.user_message


def test_backoff_is_capped_and_jittered_downwards_only(mocked, make_client, clock):
    mocked.get(ORDERS_URL, status=500)

    with pytest.raises(JoorTransientError):
        first_page(make_client(backoff_base=2.0, backoff_cap=10.0, rng=lambda: 0.0))

    assert clock.waits == [1.0, 2.0, 4.0, 5.0, 5.0]


def test_max_retries_zero_means_one_attempt(mocked, make_client):
    mocked.get(ORDERS_URL, status=500)

    with pytest.raises(JoorTransientError):
        first_page(make_client(max_retries=0))

    assert len(mocked.calls) == 1


@pytest.mark.parametrize(
    ("failure", "words"),
    [
        (requests.ConnectTimeout("connect timed out"), "did not answer in time"),
        (requests.ReadTimeout("read timed out"), "did not answer in time"),
        (requests.ConnectionError("refused"), "Could not connect to JOOR"),
    ],
)
def test_timeouts_and_connection_errors_are_retried_then_raised(
    mocked, make_client, clock, failure, words
):
    mocked.get(ORDERS_URL, body=failure)

    with pytest.raises(JoorTransientError) as raised:
        first_page(make_client(max_retries=2))

    assert len(mocked.calls) == 3
    assert clock.waits == [1.0, 2.0]
    assert raised.value.status is None
    assert words in raised.value.user_message


def test_a_timeout_then_success_returns_normally(mocked, make_client):
    mocked.get(ORDERS_URL, body=requests.ReadTimeout("slow"))
    mocked.get(ORDERS_URL, json=EMPTY_PAGE)

    first_page(make_client())

    assert len(mocked.calls) == 2


def test_429_honours_retry_after_seconds(mocked, make_client, clock):
    mocked.get(ORDERS_URL, status=429, headers={"Retry-After": "30"}, json={"error": "rate"})
    mocked.get(ORDERS_URL, json=EMPTY_PAGE)

    first_page(make_client())

    assert len(mocked.calls) == 2
    assert clock.waits == [30.0]


def test_429_honours_retry_after_as_an_http_date(mocked, make_client, clock, time_machine):
    time_machine.move_to(datetime(2026, 3, 2, 9, 30, tzinfo=UTC), tick=False)
    header = "Mon, 02 Mar 2026 09:32:00 GMT"  # two minutes from the held now
    mocked.get(ORDERS_URL, status=429, headers={"Retry-After": header})
    mocked.get(ORDERS_URL, json=EMPTY_PAGE)

    first_page(make_client())

    assert clock.waits == [120.0]


def test_429_without_retry_after_waits_for_the_window_to_reset(mocked, make_client, clock):
    # The fake clock starts at 1000 s: the 300-second window [900, 1200) resets in 200 s.
    mocked.get(ORDERS_URL, status=429)
    mocked.get(ORDERS_URL, json=EMPTY_PAGE)

    first_page(make_client())

    assert clock.waits == [200.0]


def test_a_429_holds_the_shared_budget_so_other_callers_wait_too(mocked, make_client, budget):
    mocked.get(ORDERS_URL, status=429, headers={"Retry-After": "45"})

    with pytest.raises(JoorRateLimitedError) as raised:
        first_page(make_client(max_rate_limited_wait=0))

    assert raised.value.retry_after == 45.0
    assert "resets in about 45 seconds" in raised.value.user_message
    usage = budget.usage()
    assert (usage.used, usage.limit, usage.resets_in) == (300, 300, 45.0)


def test_429s_wait_for_the_window_without_using_up_tries(mocked, make_client, clock):
    for _ in range(24):
        mocked.get(ORDERS_URL, status=429, headers={"Retry-After": "10"})
    mocked.get(ORDERS_URL, json=EMPTY_PAGE)

    first_page(make_client(max_retries=0))

    assert len(mocked.calls) == 25
    assert clock.waits == [10.0] * 24


def test_429s_for_longer_than_the_client_waits_end_the_request_in_words(mocked, make_client, clock):
    mocked.get(ORDERS_URL, status=429, headers={"Retry-After": "300"})

    with pytest.raises(JoorRateLimitedError) as raised:
        first_page(make_client(max_rate_limited_wait=1200))

    assert len(mocked.calls) == 5  # 4 windows waited (1,200 s), the 5th would pass the limit
    assert clock.waits == [300.0] * 4
    assert "rate limit" in raised.value.user_message


def test_a_retry_after_beyond_one_window_holds_everyone_off_one_window_only(
    mocked, make_client, clock, budget
):
    # JOOR's window resets whole every 300 s: a day's Retry-After would stop every job of
    # the account, in every process, for a day.
    mocked.get(ORDERS_URL, status=429, headers={"Retry-After": "86400"})
    mocked.get(ORDERS_URL, json=EMPTY_PAGE)

    first_page(make_client())

    assert len(mocked.calls) == 2
    assert clock.waits == [330.0]


def test_a_retry_after_of_a_day_is_not_what_other_callers_wait(mocked, make_client, budget):
    mocked.get(ORDERS_URL, status=429, headers={"Retry-After": "86400"})

    with pytest.raises(JoorRateLimitedError):
        first_page(make_client(max_rate_limited_wait=0))

    assert budget.usage().resets_in == 330.0


def test_every_attempt_draws_from_the_budget(mocked, make_client, budget):
    mocked.post(INVENTORY_URL, status=502)
    mocked.post(INVENTORY_URL, json={"sku_count": 1, "inventory_log": []})

    make_client().push_inventory(
        [{"warehouse": "Default", "upc": "1", "inventory": 1}], overwrite=False
    )

    assert budget.usage().used == 10


def test_truncated_json_is_retried_and_a_good_answer_accepted(mocked, make_client, clock):
    mocked.get(ORDERS_URL, body='{"total": 3, "orders": [{"order_id": "A"')
    mocked.get(ORDERS_URL, json=EMPTY_PAGE)

    first_page(make_client())

    assert len(mocked.calls) == 2
    assert clock.waits == [1.0]


def test_persistently_invalid_json_raises_malformed_after_retries(mocked, make_client):
    mocked.get(ORDERS_URL, body="<html>maintenance</html>", content_type="text/html")

    with pytest.raises(JoorMalformedResponseError) as raised:
        first_page(make_client(max_retries=2))

    assert len(mocked.calls) == 3
    assert raised.value.body_excerpt == "<html>maintenance</html>"


@pytest.mark.parametrize(
    ("body", "detail"),
    [
        ({"total": 1, "orders": {"order_id": "A"}}, "'orders' is not a list"),
        ({"total": 1, "orders": ["A"]}, "position 0 is not an object"),
        ({"total": "lots", "orders": []}, "total"),
        ({"result": None, "data": "unexpected"}, "no list of orders"),
        ({"orders_a": [], "orders_b": []}, "several lists"),
        ("all good", "neither a JSON object nor a list"),
    ],
)
def test_orders_of_the_wrong_shape_raise_malformed_naming_the_page_and_shape(
    mocked, make_client, body, detail
):
    mocked.get(ORDERS_URL, json={"total": 300, "orders": [{"order_id": n} for n in range(100)]})
    mocked.get(ORDERS_URL, json=body)

    with pytest.raises(JoorMalformedResponseError) as raised:
        list(make_client(max_retries=0).iter_order_pages(START, END, 6))

    assert "start_from=100" in str(raised.value)
    assert detail in str(raised.value)
    assert "its shape: " in str(raised.value)
    assert len(mocked.calls) == 2


def test_an_answer_of_the_wrong_shape_is_tried_again_as_a_joor_fault(mocked, make_client, clock):
    mocked.get(ORDERS_URL, json={"result": None, "data": "unexpected"})
    mocked.get(ORDERS_URL, json={"total": 1, "orders": [{"order_id": "A"}]})

    page = first_page(make_client())

    assert [order["order_id"] for order in page.orders] == ["A"]
    assert len(mocked.calls) == 2
    assert clock.waits == [1.0]


def test_the_shape_of_a_malformed_answer_names_keys_and_types_never_values(mocked, make_client):
    secret = {"data": "4111-1111-1111-1111", "customer": {"name": "Ada Lovelace"}}
    mocked.get(ORDERS_URL, json=secret)

    with pytest.raises(JoorMalformedResponseError) as raised:
        first_page(make_client(max_retries=0))

    message = str(raised.value)
    assert '"data": "text"' in message and '"customer": {"name": "text"}' in message
    assert "4111" not in message and "Ada" not in message


@pytest.mark.parametrize(
    "body",
    [
        {"sku_count": 1},
        {"sku_count": 1, "inventory_log": "all good"},
        {"sku_count": 1, "inventory_log": [{"sku": "1", "message": "no status"}]},
        {"sku_count": 1, "inventory_log": ["pass"]},
    ],
)
def test_inventory_answers_of_the_wrong_shape_raise_malformed(mocked, make_client, body):
    mocked.post(INVENTORY_URL, json=body)

    with pytest.raises(JoorMalformedResponseError):
        make_client().push_inventory(
            [{"warehouse": "W", "upc": "1", "inventory": 1}], overwrite=True
        )


def test_every_joor_error_shares_one_base():
    for error_type in (
        JoorAuthError,
        JoorBadRequestError,
        JoorConfigError,
        JoorMalformedResponseError,
        JoorRateLimitedError,
        JoorTransientError,
    ):
        assert issubclass(error_type, JoorError)
    assert issubclass(JoorConfigError, ValueError)


def test_a_blank_token_is_a_config_error():
    with pytest.raises(JoorConfigError):
        JoorClient("  ", "https://api.example-joor.test/v2")


def test_the_token_appears_in_no_repr_error_or_log(mocked, make_client, caplog):
    caplog.set_level(logging.DEBUG, logger="webapp.joor")
    echo = f"bad token {TOKEN} (header OAuth2 {ENCODED}) " + "x" * 600
    mocked.get(ORDERS_URL, status=503, body=echo)
    mocked.get(ORDERS_URL, status=401, body=echo)
    client = make_client()

    with pytest.raises(JoorAuthError) as raised:
        first_page(client)

    error = raised.value
    exposed = [repr(client), str(client), str(error), repr(error), error.user_message]
    exposed += [error.body_excerpt, caplog.text]
    exposed += [record.getMessage() for record in caplog.records]
    assert caplog.records, "the retry should have been logged"
    for text in exposed:
        assert TOKEN not in text
        assert ENCODED not in text
    assert error.body_excerpt.startswith("bad token [redacted] (header OAuth2 [redacted])")
    assert len(error.body_excerpt) == 500


@pytest.mark.parametrize(
    ("seconds", "words"),
    [
        (0.2, "in about 1 second"),
        (1, "in about 1 second"),
        (44.1, "in about 45 seconds"),
        (300, "in about 5 min"),
    ],  # fmt: skip
)
def test_waits_read_in_words_a_person_would_write(seconds, words):
    from webapp.joor.errors import in_about

    assert in_about(seconds) == words
