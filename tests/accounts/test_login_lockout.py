"""One login for the site and the admin, throttled by allauth's failed-login limits
(ACCOUNT_RATE_LIMITS["login_failed"]: 5 per 5 minutes per email, 10 a minute per IP).

/admin/login/ used to be Django's own admin login form, which no limit guarded: 15 wrong
passwords and then the right one signed in. It now sends everyone to allauth's login
page with next=/admin/. The counters live in the cache: Redis in production, so every
gunicorn process sees the same lockout; with Redis down the login still answers (never a
500) and the limits hold per process (core.lib.cache.FailoverRedisCache).
"""

from __future__ import annotations

import logging
import os
import uuid
from urllib.parse import urlencode

import pytest
from django.test import Client, override_settings
from django.urls import reverse

from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

LOCKED = "Too many failed login attempts"
ADMIN = "/admin/"
LOGIN = reverse("account_login")
ADMIN_LOGIN = f"{LOGIN}?{urlencode({'next': ADMIN})}"
REDIS_URL = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0"
CLOSED_PORT = "redis://127.0.0.1:6390/0"  # nothing listens here: Redis "down"


def failover_cache(location: str, prefix: str) -> dict[str, object]:
    return {
        "default": {
            "BACKEND": "core.lib.cache.FailoverRedisCache",
            "LOCATION": location,
            "KEY_PREFIX": prefix,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }


def redis_reachable() -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping())
    except redis.exceptions.RedisError:
        return False


def signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def post_login(client: Client, email: str, password: str, url: str = ADMIN_LOGIN):
    return client.post(url, {"login": email, "password": password})


def test_wrong_passwords_posted_to_the_admin_login_form_never_sign_in(client, staff):
    url = reverse("admin:login")
    form = {"username": staff.email, "next": ADMIN}
    for _ in range(15):
        client.post(url, {**form, "password": "wrong-password"})

    response = client.post(url, {**form, "password": PASSWORD})

    assert not signed_in(client)
    assert response.status_code == 302 and response["Location"].startswith(LOGIN)


def test_the_admin_login_page_is_the_site_login_with_next_admin(client, db):
    first = client.get(ADMIN)
    assert first.status_code == 302 and first["Location"].startswith(reverse("admin:login"))

    second = client.get(first["Location"])

    assert second.status_code == 302 and second["Location"] == ADMIN_LOGIN


def test_the_admin_login_keeps_a_next_inside_the_admin(client, db):
    next_url = reverse("admin:accounts_user_changelist")
    response = client.get(reverse("admin:login"), {"next": next_url})
    assert response["Location"] == f"{LOGIN}?{urlencode({'next': next_url})}"


def test_staff_signing_in_from_the_admin_land_in_the_admin(client, staff):
    response = post_login(client, staff.email, PASSWORD)
    assert response.status_code == 302 and response["Location"] == ADMIN
    assert client.get(ADMIN).status_code == 200


def test_five_wrong_passwords_lock_the_admin_login_out(client, staff):
    for _ in range(5):
        assert LOCKED not in post_login(client, staff.email, "wrong-password").content.decode()

    response = post_login(client, staff.email, PASSWORD)

    assert LOCKED in response.content.decode()
    assert not signed_in(client)
    assert client.get(ADMIN).status_code == 302


def test_signed_in_staff_visiting_the_admin_login_go_on_to_next(staff):
    client = Client()
    client.force_login(staff)
    response = client.get(reverse("admin:login"), {"next": ADMIN})
    assert response.status_code == 302 and response["Location"] == ADMIN


def test_signed_in_students_visiting_the_admin_login_are_refused_without_a_redirect_loop(
    student,
):
    client = Client()
    client.force_login(student)
    response = client.get(reverse("admin:login"), {"next": ADMIN})
    assert response.status_code == 403
    assert "may not use the admin" in response.content.decode()


@pytest.mark.skipif(not redis_reachable(), reason=f"no Redis at {REDIS_URL}")
def test_the_lockout_is_shared_by_every_process_through_redis(staff):
    """The counters are in Redis: a second process (here: a new cache connection after
    the first is gone) refuses the right password too."""
    import redis

    prefix = f"test-lockout-{uuid.uuid4().hex}"
    try:
        with override_settings(CACHES=failover_cache(REDIS_URL, prefix)):
            for _ in range(5):
                post_login(Client(), staff.email, "wrong-password")
        keys = redis.Redis.from_url(REDIS_URL).keys(f"{prefix}:*")
        assert any(b":login_failed:" in key for key in keys)

        with override_settings(CACHES=failover_cache(REDIS_URL, prefix)):
            client = Client()
            response = post_login(client, staff.email, PASSWORD)
            assert LOCKED in response.content.decode()
            assert not signed_in(client)
    finally:
        raw = redis.Redis.from_url(REDIS_URL)
        for key in raw.scan_iter(f"{prefix}:*"):
            raw.delete(key)


def test_with_redis_down_the_login_answers_and_signs_in(staff, caplog):
    with (
        override_settings(CACHES=failover_cache(CLOSED_PORT, "down")),
        caplog.at_level(logging.WARNING, logger="core.lib.cache"),
    ):
        client = Client()
        wrong = post_login(client, staff.email, "wrong-password")
        assert wrong.status_code == 200 and not signed_in(client)

        right = post_login(client, staff.email, PASSWORD)

    assert right.status_code == 302 and right["Location"] == ADMIN
    assert signed_in(client)
    assert any("unreachable" in r.getMessage() for r in caplog.records)


def test_with_redis_down_the_lockout_still_holds_in_the_process(staff):
    with override_settings(CACHES=failover_cache(CLOSED_PORT, f"down-{uuid.uuid4().hex}")):
        for _ in range(5):
            post_login(Client(), staff.email, "wrong-password")

        client = Client()
        response = post_login(client, staff.email, PASSWORD)

    assert response.status_code != 500
    assert LOCKED in response.content.decode()
    assert not signed_in(client)
