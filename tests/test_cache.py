"""The Redis cache backend (core/cache.py): Django's, with its clients made once per pool."""

import pytest
from django.conf import settings

from core.cache import RedisCache


@pytest.fixture
def backend() -> RedisCache:
    location = settings.CACHES["default"].get("LOCATION", "")
    if not str(location).startswith("redis"):
        pytest.skip("needs Redis (CACHE_URL)")
    return RedisCache(location, {"KEY_PREFIX": "test-core-cache"})


def test_client_is_made_once_per_pool(backend):
    assert backend._cache.get_client(write=True) is backend._cache.get_client(write=True)


def test_values_round_trip_through_the_reused_client(backend):
    backend.set("answer", {"seats": [[1, 2]]}, 30)

    assert backend.get_many(["answer", "missing"]) == {"answer": {"seats": [[1, 2]]}}
