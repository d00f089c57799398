"""Fixtures for the JOOR budget tests on the session's real Redis."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
import redis


@pytest.fixture
def redis_url(service_urls) -> str:
    """The session's real Redis (CI's server, or a private one the root conftest starts)."""
    return service_urls["redis"]


@pytest.fixture
def redis_client(redis_url: str) -> Iterator[redis.Redis]:
    client = redis.Redis.from_url(redis_url)
    yield client
    client.close()


@pytest.fixture
def account(redis_client: redis.Redis) -> Iterator[str]:
    """A fresh account key; its Redis keys are deleted afterwards."""
    key = f"test-{uuid.uuid4().hex[:12]}"
    yield key
    for name in redis_client.scan_iter(f"joor:credits:{key}*"):
        redis_client.delete(name)
