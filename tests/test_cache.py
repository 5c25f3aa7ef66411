"""core.cache.RedisCache: Django's Redis cache, with one Redis client per connection pool."""

import pytest
from django.conf import settings
from django.core.cache import caches

from core.cache import RedisCache

cache = caches["default"]
pytestmark = pytest.mark.skipif(
    not settings.CACHE_URL.startswith("redis"), reason="needs Redis (CACHE_URL)"
)


def test_redis_cache_url_uses_the_shared_client_backend():
    assert isinstance(cache, RedisCache)


def test_cache_calls_share_one_client():
    cache.set("core-cache-test", 1)
    first = cache._cache.get_client()

    assert cache.get("core-cache-test") == 1
    assert cache._cache.get_client() is first
    assert cache._cache.get_client(write=True) is first  # one server: one pool


def test_cache_reads_and_writes_through_the_shared_client():
    cache.set("core-cache-test", {"a": 1}, 30)
    cache.delete("core-cache-counter")

    assert cache.get("core-cache-test") == {"a": 1}
    assert cache.add("core-cache-counter", 1)
    assert cache.incr("core-cache-counter") == 2
    cache.delete("core-cache-test")
    assert cache.get("core-cache-test") is None
