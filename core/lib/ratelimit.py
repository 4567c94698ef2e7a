"""A small fixed-window rate limiter on Django's cache.

Counters live in the default cache (LocMem in development, Redis when REDIS_URL is set),
so every web process behind a load balancer shares them when Redis is configured. Each
window is one cache key incremented atomically (`cache.add` then `cache.incr`), so
concurrent requests never lose a hit.
"""

from __future__ import annotations

import functools
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.cache import cache
from django.http import HttpRequest, HttpResponse

_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
_RATE = re.compile(r"^(?P<limit>\d+)/(?P<count>\d*)(?P<unit>[smhd])$")

View = Callable[..., HttpResponse]
LimitedResponse = Callable[[HttpRequest, "Rate"], HttpResponse]


@dataclass(frozen=True)
class Rate:
    limit: int
    period: int  # seconds

    @classmethod
    def parse(cls, rate: str) -> Rate:
        """'60/m', '20/h', '5/10m' → Rate; raises ValueError on anything else."""
        match = _RATE.match(rate.strip())
        if match is None or int(match["limit"]) < 1:
            raise ValueError(f"Rate must look like '60/m', '20/h' or '5/10m', not {rate!r}")
        period = int(match["count"] or 1) * _UNITS[match["unit"]]
        return cls(limit=int(match["limit"]), period=period)

    def describe(self) -> str:
        for name, seconds in (("day", 86400), ("hour", 3600), ("minute", 60)):
            if self.period == seconds:
                return f"{self.limit} per {name}"
        return f"{self.limit} per {self.period} seconds"


def hit(group: str, key: str, rate: Rate, now: float | None = None) -> bool:
    """Count one hit for `key` in `group`; True while the current window is within the limit.

    Safe under concurrency: `cache.add` creates the window's counter once and `cache.incr`
    is atomic in both LocMem and Redis.
    """
    now = time.time() if now is None else now
    window = int(now // rate.period)
    cache_key = f"ratelimit:{group}:{key}:{rate.period}:{window}"
    # Expire one period after the window ends; a stale counter can never be read again.
    cache.add(cache_key, 0, timeout=rate.period * 2)
    try:
        count = cache.incr(cache_key)
    except ValueError:  # evicted between add and incr
        cache.add(cache_key, 1, timeout=rate.period * 2)
        count = 1
    return count <= rate.limit


def request_key(request: HttpRequest, key: str) -> str:
    """The identity a limit applies to: 'user' (falls back to the IP when anonymous) or 'ip'."""
    if key == "user" and request.user.is_authenticated:
        return f"user:{request.user.pk}"
    if key in ("user", "ip"):
        return f"ip:{request.META.get('REMOTE_ADDR', '')}"
    raise ValueError(f"Unknown rate-limit key {key!r}: use 'user' or 'ip'")


def allow(request: HttpRequest, *, group: str, rate: Rate, key: str = "user") -> bool:
    """Count one request of this user (or IP, see `request_key`) in `group`; False once
    over `rate`. For views that answer a limited request themselves (the posting forms
    show their text again); others use the `ratelimit` decorator."""
    return hit(group, request_key(request, key), rate)


def too_many_requests(request: HttpRequest, rate: Rate) -> HttpResponse:
    """Default answer once over the limit: 429 with a plain message and Retry-After."""
    return HttpResponse(
        f"Too many requests: the limit is {rate.describe()}. Please wait and try again.",
        status=429,
        content_type="text/plain; charset=utf-8",
        headers={"Retry-After": str(rate.period)},
    )


def ratelimit(
    *,
    key: str = "user",
    rate: str,
    group: str | None = None,
    methods: tuple[str, ...] = ("POST",),
    on_limited: LimitedResponse = too_many_requests,
) -> Callable[[View], View]:
    """Decorate a view so each `key` gets at most `rate` requests with one of `methods`.

    Requests over the limit get `on_limited(request, rate)` (by default a 429) and never
    reach the view. `group` defaults to the view's dotted name, so views count separately.
    """
    parsed = Rate.parse(rate)

    def decorator(view: View) -> View:
        view_group = group or f"{view.__module__}.{view.__qualname__}"

        @functools.wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            counted = request.method in methods
            if counted and not allow(request, group=view_group, rate=parsed, key=key):
                response = on_limited(request, parsed)
                response.headers.setdefault("Retry-After", str(parsed.period))
                return response
            return view(request, *args, **kwargs)

        return wrapper

    return decorator
