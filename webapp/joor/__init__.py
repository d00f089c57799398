"""JOOR v2 API client: standard library and requests only; no Flask, database or Redis import.

Public API:

- ``JoorClient(token, base_url, *, budget=None, session=None, timeout=30, max_retries=5,
  backoff_base=1.0, backoff_cap=60, sleep=time.sleep, rng=random.random)`` with
  ``check_connection()``, ``iter_order_pages(date_start, date_end, order_type, *, page_size=100,
  overlap=0)``, ``iter_orders(date_start, date_end, order_type, *, page_size=100, overlap=5,
  on_page=None)``, ``push_inventory(items, *, overwrite, dec_pending=False)``,
  ``credits_used()`` and the ``budget`` attribute.
- Pages and results: ``OrdersPage(total, start_from, orders)``,
  ``InventoryResult(sku_count, verdicts)``, ``SkuVerdict(sku, status, message, log_id)`` with
  ``.passed``; ``order_key(order)``, what tells one order of a window from another.
- Budgets: ``CreditBudget`` (protocol: ``acquire(cost)``, ``usage()``, ``penalize(retry_after)``),
  ``BudgetUsage(used, limit, resets_in)``, ``MemoryCreditBudget(limit=300, window=300, *,
  clock, sleep, max_wait=330)``, ``RedisCreditBudget(redis_client, account_key, limit=300,
  window=300, *, sleep, max_wait=330)``, ``account_key_for(token)``, ``cost_of(method)``.
- Environments: ``ENVIRONMENTS``, ``resolve_base_url(environment, local_url=None)``,
  ``available_environments(local_url=None)``, ``ORDER_TYPES``, ``order_type_code(setting)``,
  ``ORDERS_PATH``, ``INVENTORY_PATH``, ``MAX_PAGE_SIZE``, ``PRODUCTION_URL``, ``SANDBOX_URL``.
- Errors: ``JoorError`` (``status``, ``body_excerpt``, ``user_message``) and its subclasses
  ``JoorAuthError``, ``JoorRateLimitedError`` (``retry_after``), ``JoorTransientError``,
  ``JoorBadRequestError``, ``JoorMalformedResponseError``, ``JoorConfigError`` (also a
  ValueError).
"""

from webapp.joor.budget import (
    BudgetUsage,
    CreditBudget,
    MemoryCreditBudget,
    account_key_for,
    cost_of,
)
from webapp.joor.client import PAGE_OVERLAP, JoorClient, format_utc
from webapp.joor.environments import (
    ENVIRONMENTS,
    INVENTORY_PATH,
    MAX_PAGE_SIZE,
    ORDER_TYPES,
    ORDERS_PATH,
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
    JoorRateLimitedError,
    JoorTransientError,
)
from webapp.joor.payloads import InventoryResult, OrdersPage, SkuVerdict, order_key
from webapp.joor.redis_budget import RedisCreditBudget

__all__ = [
    "ENVIRONMENTS",
    "INVENTORY_PATH",
    "MAX_PAGE_SIZE",
    "ORDERS_PATH",
    "ORDER_TYPES",
    "PAGE_OVERLAP",
    "PRODUCTION_URL",
    "SANDBOX_URL",
    "BudgetUsage",
    "CreditBudget",
    "InventoryResult",
    "JoorAuthError",
    "JoorBadRequestError",
    "JoorClient",
    "JoorConfigError",
    "JoorError",
    "JoorMalformedResponseError",
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
    "resolve_base_url",
]
