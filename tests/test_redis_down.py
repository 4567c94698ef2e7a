"""While Redis is down, the views whose rate limits count in the cache still answer.

They used to answer 500: Django's RedisCache raises ConnectionError on every call, and the
limiters (core.lib.ratelimit for preview and upload, allauth's for the login) let it
through. The cache settings build for REDIS_URL (core.lib.cache.FailoverRedisCache) log
a warning and count in a local cache of the process instead. Redis is "down" here by
pointing the cache at a port nothing listens on, never by stopping the shared server.
"""

from __future__ import annotations

import io
import logging
import runpy
import uuid
from pathlib import Path
from unittest import mock

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings
from PIL import Image
from redis.exceptions import ResponseError

from core.lib import cache as failover
from core.lib.ratelimit import Rate, hit
from tests.conftest import PASSWORD

CLOSED_PORT = "redis://127.0.0.1:6390/0"
SETTINGS = Path(__file__).resolve().parents[1] / "seminar" / "settings.py"
XHR = {"x-requested-with": "XMLHttpRequest"}


def settings_cache(redis_url: str) -> dict[str, object]:
    """The default cache seminar/settings.py builds for this REDIS_URL, with a key prefix
    of its own (no counter of another test is ever read)."""
    with mock.patch.dict("os.environ", {"REDIS_URL": redis_url}):
        built = runpy.run_path(str(SETTINGS))["CACHES"]["default"]
    return {**built, "KEY_PREFIX": f"test-down-{uuid.uuid4().hex}"}


@pytest.fixture(autouse=True)
def redis_not_yet_seen_down(monkeypatch):
    """Each test starts as a fresh process would: Redis not known to be down."""
    monkeypatch.setattr(failover, "_down_until", {})


@pytest.fixture
def redis_down(caplog):
    with (
        override_settings(CACHES={"default": settings_cache(CLOSED_PORT)}),
        caplog.at_level(logging.WARNING, logger="core.lib.cache"),
    ):
        yield caplog


def warned(caplog) -> bool:
    return any("unreachable" in record.getMessage() for record in caplog.records)


# --- The views ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_login_answers_while_redis_is_down(redis_down, student):
    client = Client()
    wrong = client.post("/accounts/login/", {"login": student.email, "password": "wrong"})
    assert wrong.status_code == 200
    right = client.post("/accounts/login/", {"login": student.email, "password": PASSWORD})
    assert right.status_code == 302
    assert warned(redis_down)


@pytest.mark.django_db
def test_markdown_preview_answers_while_redis_is_down(redis_down, client, student):
    client.force_login(student)
    response = client.post("/editor/markdownify/", {"content": "**bold**"}, headers=XHR)
    assert response.status_code == 200
    assert "<strong>bold</strong>" in response.content.decode()
    assert warned(redis_down)


@pytest.mark.django_db
def test_image_upload_answers_while_redis_is_down(redis_down, client, student, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(student)
    png = io.BytesIO()
    Image.new("RGB", (4, 4)).save(png, "PNG")
    image = SimpleUploadedFile("x.png", png.getvalue(), content_type="image/png")
    response = client.post("/editor/upload/", {"image": image}, headers=XHR)
    assert response.status_code == 200
    assert response.json()["image_code"].startswith("![](/media/uploads/")
    assert warned(redis_down)


@pytest.mark.django_db
def test_preview_limit_still_holds_per_process_while_redis_is_down(
    redis_down, client, student, settings
):
    client.force_login(student)
    statuses = [
        client.post("/editor/markdownify/", {"content": "x"}, headers=XHR).status_code
        for _ in range(Rate.parse(settings.PREVIEW_RATE).limit + 1)
    ]
    assert statuses[:-1] == [200] * (len(statuses) - 1)
    assert statuses[-1] == 429


# --- The cache ----------------------------------------------------------------------------


def test_an_unreachable_redis_is_answered_by_a_local_cache_with_a_warning(redis_down):
    assert cache.add("k", 1)
    assert cache.get("k") == 1
    assert cache.incr("k") == 2
    cache.set_many({"a": 1, "b": 2})
    assert cache.get_many(["a", "b", "c"]) == {"a": 1, "b": 2}
    assert cache.delete("a") and not cache.has_key("a")

    messages = [r.getMessage() for r in redis_down.records]
    assert len(messages) == 1, "one warning per outage, not one per call"
    assert "127.0.0.1:6390" in messages[0] and "ConnectionError" in messages[0]


def test_rate_limit_counters_keep_counting_while_redis_is_down(redis_down):
    rate = Rate(limit=2, period=60)
    assert [hit("g", "k", rate, now=60.0) for _ in range(3)] == [True, True, False]


def test_redis_is_not_asked_again_until_the_retry_period_has_passed(redis_down):
    from django.core.cache.backends.redis import RedisCacheClient

    cache.get("k")  # fails over
    with mock.patch.object(RedisCacheClient, "get", side_effect=AssertionError) as get:
        cache.get("k")
        assert get.call_count == 0
    # The retry period is over: Redis is asked again (and still fails over).
    failover._down_until = {key: 0.0 for key in failover._down_until}
    with mock.patch.object(RedisCacheClient, "get", return_value="from redis") as get:
        assert cache.get("k") == "from redis"
        assert get.call_count == 1
    assert failover._down_until == {}


def test_the_warning_never_shows_the_redis_password(caplog):
    location = "redis://:s3cret-password@127.0.0.1:6390/0"
    config = {**settings_cache(CLOSED_PORT), "LOCATION": location}
    with (
        override_settings(CACHES={"default": config}),
        caplog.at_level(logging.WARNING, logger="core.lib.cache"),
    ):
        cache.get("k")
    assert warned(caplog)
    assert "s3cret" not in caplog.text and "127.0.0.1:6390" in caplog.text


def test_other_redis_errors_still_raise(redis_down):
    from django.core.cache.backends.redis import RedisCacheClient

    with (
        mock.patch.object(RedisCacheClient, "get", side_effect=ResponseError("WRONGTYPE")),
        pytest.raises(ResponseError),
    ):
        cache.get("k")


@pytest.mark.django_db
def test_posting_an_answer_answers_while_redis_is_down(redis_down, week, student):
    from tests.discussions.helpers import answer_url, client_for, first_question

    client = client_for(student)
    response = client.post(answer_url(week, first_question(week)), {"body": "An answer."})
    assert response.status_code == 302
    assert warned(redis_down)
