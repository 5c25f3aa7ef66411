"""The Redis cache backend, with one client per connection pool instead of one per call.

Django's backend builds a new `redis.Redis` for every cache call, and each one copies its
table of about 170 response callbacks: a third of a cache read's CPU, and a cache read
happens on every stored public read (core/response_cache.py). A client only wraps its pool
and is thread-safe, so each pool keeps one.
"""

from typing import Any

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient


class ReusedClientRedis(RedisCacheClient):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[int, Any] = {}

    def get_client(self, key: Any = None, *, write: bool = False) -> Any:
        index = self._get_connection_pool_index(write)
        client = self._clients.get(index)
        if client is None:
            client = self._clients[index] = self._client(
                connection_pool=self._get_connection_pool(write)
            )
        return client


class RedisCache(DjangoRedisCache):
    """Django's RedisCache (same LOCATION and OPTIONS), reusing its clients."""

    def __init__(self, server: str, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._class = ReusedClientRedis
