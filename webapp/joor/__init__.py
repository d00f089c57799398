"""JOOR v2 API client: standard library and requests only; no Flask, database or Redis import.

Public API:

- ``JoorClient(token, base_url, options=None, *, dialect=None)`` with ``check_connection()``
  (one call, nothing retried), ``iter_order_pages(date_start, date_end, order_type, *,
  page_size=100, overlap=0)``, ``iter_orders(date_start, date_end, order_type, *,
  page_size=100, overlap=5, on_page=None)``, ``get_order(order_id)`` (one order by its id,
  whatever its type; None on JOOR's 404), ``push_inventory(items, *, overwrite,
  dec_pending=False)``, ``credits_used()``, and the ``budget`` and ``dialect`` attributes.
- ``ClientOptions(budget=None, session=None, timeout=30, max_retries=5, backoff_base=1.0,
  backoff_cap=60, sleep=time.sleep, rng=random.random, decode_json=json.loads, on_retry=None,
  max_rate_limited_wait=3600)``: how the client sends, one object for client and transport.
- ``Dialect(orders_path, paging, date_form, inventory_answer)``: what the client learned of an
  account's answers (``as_dict``/``from_dict`` to keep it); ``ORDERS_PATHS``, the paging
  schemes ``OFFSET``, ``PAGES``, ``PAGES_FROM_0``, ``NEXT_KEY`` and ``PAGING_WORDS``.
- ``probe(client)``: at most three GETs naming the orders path, wrapper and paging (JSON-ready).
- Pages and results: ``OrdersPage(total, start_from, orders, wrapper, has_next, next_start)``,
  ``InventoryResult(sku_count, verdicts, container)``, ``SkuVerdict(sku, status, message,
  log_id)`` with ``.passed``; ``order_key(order)``, what tells one order of a window from another.
- Budgets: ``CreditBudget`` (protocol: ``acquire(cost)``, ``usage()``, ``penalize(retry_after)``),
  ``BudgetUsage(used, limit, resets_in)``, ``MemoryCreditBudget(limit=300, window=300, *,
  clock, sleep, max_wait=330)``, ``RedisCreditBudget(redis_client, account_key, limit=300,
  window=300, *, sleep, max_wait=330)``, ``account_key_for(token)``, ``cost_of(method)``.
- Environments: ``ENVIRONMENTS``, ``resolve_base_url(environment, local_url=None)``,
  ``available_environments(local_url=None)``, ``ORDER_TYPES``, ``order_type_code(setting)``,
  ``INVENTORY_PATH``, ``MAX_PAGE_SIZE``, ``PRODUCTION_URL``, ``SANDBOX_URL``.
- Errors: ``JoorError`` (``status``, ``body_excerpt``, ``user_message``) and its subclasses
  ``JoorAuthError``, ``JoorRateLimitedError`` (``retry_after``), ``JoorTransientError``,
  ``JoorBadRequestError``, ``JoorMalformedResponseError``, ``JoorPagingError``,
  ``JoorConfigError`` (also a ValueError).
"""

from webapp.joor.budget import (
    BudgetUsage,
    CreditBudget,
    MemoryCreditBudget,
    account_key_for,
    cost_of,
)
from webapp.joor.client import PAGE_OVERLAP, JoorClient, format_utc
from webapp.joor.dialect import (
    FRACTION_DATES,
    NEXT_KEY,
    OFFSET,
    ORDERS_PATHS,
    PAGES,
    PAGES_FROM_0,
    PAGING_WORDS,
    PLAIN_DATES,
    Dialect,
)
from webapp.joor.environments import (
    ENVIRONMENTS,
    INVENTORY_PATH,
    MAX_PAGE_SIZE,
    ORDER_TYPES,
    PRODUCTION_URL,
    SANDBOX_URL,
    available_environments,
    order_type_code,
    resolve_base_url,
)
from webapp.joor.errors import (
    JoorAuthError,
    JoorBadRequestError,
    JoorConfigError,
    JoorError,
    JoorMalformedResponseError,
    JoorPagingError,
    JoorRateLimitedError,
    JoorTransientError,
)
from webapp.joor.options import ClientOptions
from webapp.joor.payloads import InventoryResult, OrdersPage, SkuVerdict, order_key
from webapp.joor.probe import probe, wrapper_words
from webapp.joor.redis_budget import RedisCreditBudget

__all__ = [
    "ENVIRONMENTS",
    "FRACTION_DATES",
    "INVENTORY_PATH",
    "MAX_PAGE_SIZE",
    "NEXT_KEY",
    "OFFSET",
    "ORDERS_PATHS",
    "ORDER_TYPES",
    "PAGES",
    "PAGES_FROM_0",
    "PAGE_OVERLAP",
    "PAGING_WORDS",
    "PLAIN_DATES",
    "PRODUCTION_URL",
    "SANDBOX_URL",
    "BudgetUsage",
    "ClientOptions",
    "CreditBudget",
    "Dialect",
    "InventoryResult",
    "JoorAuthError",
    "JoorBadRequestError",
    "JoorClient",
    "JoorConfigError",
    "JoorError",
    "JoorMalformedResponseError",
    "JoorPagingError",
    "JoorRateLimitedError",
    "JoorTransientError",
    "MemoryCreditBudget",
    "OrdersPage",
    "order_key",
    "RedisCreditBudget",
    "SkuVerdict",
    "account_key_for",
    "available_environments",
    "cost_of",
    "format_utc",
    "order_type_code",
    "probe",
    "resolve_base_url",
    "wrapper_words",
]
