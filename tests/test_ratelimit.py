"""The cache-based fixed-window rate limiter (core/lib/ratelimit.py)."""

from __future__ import annotations

import os
import threading
import uuid

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.test import RequestFactory, override_settings

from core.lib.ratelimit import Rate, hit, ratelimit

BACKENDS = [{"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}]
if os.environ.get("REDIS_URL"):
    BACKENDS.append(
        {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": os.environ["REDIS_URL"],
        }
    )


@pytest.fixture(params=BACKENDS, ids=lambda b: b["BACKEND"].rsplit(".", 1)[-1])
def any_cache(request):
    # A fresh key prefix; clear() then deletes only its keys (tests/conftest.py never lets
    # a test FLUSHDB a shared Redis database).
    backend = {**request.param, "KEY_PREFIX": f"test-ratelimit-{uuid.uuid4().hex}"}
    with override_settings(CACHES={"default": backend}):
        cache.clear()
        yield cache
        cache.clear()


@pytest.mark.parametrize(
    ("text", "limit", "period"),
    [("60/m", 60, 60), ("20/h", 20, 3600), ("5/10m", 5, 600), ("1/s", 1, 1), ("3/d", 3, 86400)],
)
def test_rates_parse(text, limit, period):
    assert Rate.parse(text) == Rate(limit=limit, period=period)


@pytest.mark.parametrize("text", ["", "60", "60/x", "0/m", "-1/m", "m/60", "60/m/h"])
def test_malformed_rates_are_refused(text):
    with pytest.raises(ValueError, match="Rate must look like"):
        Rate.parse(text)


def test_hits_within_the_limit_pass_and_the_next_is_refused(any_cache):
    rate = Rate(limit=3, period=60)

    results = [hit("g", "k", rate, now=1000.0) for _ in range(4)]

    assert results == [True, True, True, False]


def test_a_new_window_starts_a_new_count(any_cache):
    rate = Rate(limit=1, period=60)
    assert hit("g", "k", rate, now=60.0)
    assert not hit("g", "k", rate, now=119.0)

    assert hit("g", "k", rate, now=120.0)


def test_keys_and_groups_count_separately(any_cache):
    rate = Rate(limit=1, period=60)
    assert hit("g", "a", rate, now=0.0)

    assert hit("g", "b", rate, now=0.0)
    assert hit("other", "a", rate, now=0.0)
    assert not hit("g", "a", rate, now=0.0)


def test_concurrent_hits_are_counted_exactly(any_cache):
    rate = Rate(limit=50, period=3600)
    results: list[bool] = []
    lock = threading.Lock()

    def worker() -> None:
        for _ in range(10):
            allowed = hit("g", "k", rate, now=7200.0)
            with lock:
                results.append(allowed)

    threads = [threading.Thread(target=worker) for _ in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert results.count(True) == 50
    assert results.count(False) == 70


@ratelimit(key="user", rate="2/m")
def limited_view(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok")


def make_request(method: str, user=None, ip: str = "10.0.0.1") -> HttpRequest:
    request = RequestFactory().generic(method, "/", REMOTE_ADDR=ip)
    request.user = user or AnonymousUser()
    return request


def test_decorator_answers_429_with_a_message_over_the_limit(any_cache, student):
    responses = [limited_view(make_request("POST", student)) for _ in range(3)]

    assert [r.status_code for r in responses] == [200, 200, 429]
    assert "the limit is 2 per minute" in responses[2].content.decode()
    assert responses[2]["Retry-After"] == "60"


def test_decorator_counts_anonymous_users_by_ip(any_cache, db):
    for _ in range(2):
        limited_view(make_request("POST", ip="10.0.0.1"))

    assert limited_view(make_request("POST", ip="10.0.0.1")).status_code == 429
    assert limited_view(make_request("POST", ip="10.0.0.2")).status_code == 200


def test_decorator_counts_only_the_given_methods(any_cache, student):
    for _ in range(5):
        assert limited_view(make_request("GET", student)).status_code == 200

    assert limited_view(make_request("POST", student)).status_code == 200


def test_unknown_key_is_a_programming_error(any_cache, student):
    view = ratelimit(key="session", rate="1/m")(limited_view)

    with pytest.raises(ValueError, match="Unknown rate-limit key"):
        view(make_request("POST", student))
