"""The Redis cache, with a local stand-in while Redis is unreachable.

The rate limits (core.lib.ratelimit for previews, uploads and posts; allauth's failed-login
lockout) keep their counters in the default cache, which is Redis when REDIS_URL is set,
so every gunicorn process counts together. Django's RedisCache raises on every call while
Redis is down, and every limited view would answer 500. FailoverRedisCache is the one
place that handles it: a connection error or timeout is logged as a warning and the call
is answered by a local-memory cache of this process instead; for RETRY_SECONDS after a
failure Redis is not asked again (a down Redis costs one connection timeout, not one per
cache call), then it is tried again. While Redis is down the limits still hold, per process
instead of across processes; nothing answers 500.

Only unreachability is handled: any other Redis error (a bug) still raises.
"""

from __future__ import annotations

import logging
import time
from typing import Any
from urllib.parse import urlsplit

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

UNREACHABLE = (RedisConnectionError, RedisTimeoutError)
RETRY_SECONDS = 10.0
# Per process and Redis location: until when (time.monotonic()) the local cache answers.
_down_until: dict[str, float] = {}


def _where(location: str) -> str:
    """host:port of each server, without the password a Redis URL may carry."""
    places = []
    for url in location.replace(";", ",").split(","):
        parts = urlsplit(url.strip())
        places.append(f"{parts.hostname}:{parts.port or 6379}" if parts.hostname else "?")
    return ",".join(places)


class FailoverRedisCache(RedisCache):
    """Django's RedisCache; while Redis is unreachable, a local-memory cache per process."""

    def __init__(self, server: str | list[str], params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._location = server if isinstance(server, str) else ",".join(server)
        local = {name: value for name, value in params.items() if name != "OPTIONS"}
        # LocMemCache instances of one name share their store: every thread of the
        # process sees the same stand-in.
        self._local = LocMemCache(f"redis-failover:{self._location}", local)

    def _call(self, name: str, *args: Any, **kwargs: Any) -> Any:
        down_until = _down_until.get(self._location)
        if down_until is not None and time.monotonic() < down_until:
            return getattr(self._local, name)(*args, **kwargs)
        try:
            result = getattr(super(), name)(*args, **kwargs)
        except UNREACHABLE as error:
            _down_until[self._location] = time.monotonic() + RETRY_SECONDS
            logger.warning(
                "Redis cache at %s unreachable (%s: %s): this process uses a local cache "
                "for %g s, rate limits count per process",
                _where(self._location),
                type(error).__name__,
                error,
                RETRY_SECONDS,
            )
            return getattr(self._local, name)(*args, **kwargs)
        if _down_until.pop(self._location, None) is not None:
            logger.info("Redis cache at %s reachable again", _where(self._location))
        return result

    def add(
        self,
        key: str,
        value: Any,
        timeout: float | None = DEFAULT_TIMEOUT,
        version: int | None = None,
    ) -> bool:
        return bool(self._call("add", key, value, timeout, version))

    def get(self, key: str, default: Any | None = None, version: int | None = None) -> Any:
        return self._call("get", key, default, version)

    def set(
        self,
        key: str,
        value: Any,
        timeout: float | None = DEFAULT_TIMEOUT,
        version: int | None = None,
    ) -> None:
        self._call("set", key, value, timeout, version)

    def touch(
        self, key: str, timeout: float | None = DEFAULT_TIMEOUT, version: int | None = None
    ) -> bool:
        return bool(self._call("touch", key, timeout, version))

    def delete(self, key: str, version: int | None = None) -> bool:
        return bool(self._call("delete", key, version))

    def get_many(self, keys: Any, version: int | None = None) -> dict[str, Any]:
        return dict(self._call("get_many", keys, version))

    def has_key(self, key: str, version: int | None = None) -> bool:
        return bool(self._call("has_key", key, version))

    def incr(self, key: str, delta: int = 1, version: int | None = None) -> int:
        return int(self._call("incr", key, delta, version))

    def set_many(
        self,
        data: dict[str, Any],
        timeout: float | None = DEFAULT_TIMEOUT,
        version: int | None = None,
    ) -> list[str]:
        return list(self._call("set_many", data, timeout, version))

    def delete_many(self, keys: Any, version: int | None = None) -> None:
        self._call("delete_many", keys, version)

    def clear(self) -> None:
        self._call("clear")
