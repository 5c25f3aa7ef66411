"""The cache of rendered page fragments ({% cache ... using="fragments" %}): the same Redis as
the default cache, but a page never fails because Redis does — a fragment that cannot be read
is rendered, one that cannot be stored is not."""

import logging
from typing import Any

from core.cache import RedisCache

logger = logging.getLogger(__name__)


class FragmentCache(RedisCache):
    def get(self, key: str, default: Any = None, version: int | None = None) -> Any:
        try:
            return super().get(key, default, version)
        except Exception:
            logger.warning("fragment cache unavailable", exc_info=True)
            return default

    def set(self, key: str, value: Any, timeout: Any = None, version: int | None = None) -> None:
        try:
            super().set(key, value, timeout, version)
        except Exception:
            logger.warning("fragment cache unavailable", exc_info=True)
