"""Environment names, base URLs and order-type codes."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from webapp.joor import (
    ENVIRONMENTS,
    ORDER_TYPES,
    JoorConfigError,
    available_environments,
    order_type_code,
    resolve_base_url,
)
from webapp.joor.retry import parse_retry_after


def test_fixed_environments_resolve_to_joor_hosts():
    assert resolve_base_url("production") == "https://api.jooraccess.com/v2"
    assert resolve_base_url("sandbox") == "https://apisandbox.jooraccess.com/v2"


def test_local_needs_a_configured_url():
    assert resolve_base_url("local", "http://127.0.0.1:5050/v2/") == "http://127.0.0.1:5050/v2"
    with pytest.raises(JoorConfigError, match="JOOR_LOCAL_URL"):
        resolve_base_url("local")


def test_an_unknown_environment_is_a_clear_error():
    with pytest.raises(ValueError, match="production, sandbox, local"):
        resolve_base_url("staging")


def test_forms_offer_local_only_when_configured():
    assert [name for name, _ in available_environments()] == ["production", "sandbox"]
    assert available_environments("http://127.0.0.1:5050/v2")[2] == ("local", "Local simulator")
    assert ENVIRONMENTS["sandbox"] == "Sandbox (JOOR test)"


def test_order_type_settings_map_to_joor_codes():
    assert ORDER_TYPES == {
        "approved": 6,
        "approved_shipped": 2,
        "shipped": 7,
        "pending": 3,
        "all_but_cancelled": 4,
    }
    assert order_type_code("approved") == 6
    with pytest.raises(JoorConfigError):
        order_type_code("cancelled")


@pytest.mark.parametrize(
    ("header", "seconds"),
    [
        ("30", 30.0),
        (" 2.5 ", 2.5),
        ("-4", 0.0),
        ("Sun, 01 Nov 2026 00:01:30 GMT", 90.0),
        ("Sun, 01 Nov 2026 00:00:00 GMT", 0.0),
        ("soon", None),
        ("inf", None),
        ("", None),
        (None, None),
    ],
)
def test_retry_after_reads_seconds_or_an_http_date(header, seconds):
    now = datetime(2026, 11, 1, 0, 0, 0, tzinfo=UTC)

    assert parse_retry_after(header, now=now) == seconds
