"""GET /readyz: the database and Redis, as a load balancer or docker healthcheck sees them."""

from __future__ import annotations

import socket

import pytest
from django.db import connection

EMAIL_OK = {"state": "ok", "pending": 0, "failing": 0, "oldest_pending_seconds": None}


def unused_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.django_db
def test_healthz_is_ok_without_redis(client, settings):
    settings.REDIS_URL = None
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {
        "database": "ok",
        "redis": "not configured",
        "email": EMAIL_OK,
    }


@pytest.mark.django_db
def test_healthz_needs_no_login(client, settings):
    settings.REDIS_URL = None
    response = client.get("/readyz", follow=False)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"


@pytest.mark.django_db
def test_healthz_is_503_when_the_database_is_unreachable(client, settings, monkeypatch):
    settings.REDIS_URL = None

    def refuse(*args, **kwargs):
        raise connection.Database.OperationalError("connection refused")

    monkeypatch.setattr(connection, "cursor", refuse)
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json() == {
        "database": "error",
        "redis": "not configured",
        "email": {"state": "error"},
    }


@pytest.mark.django_db
def test_healthz_reports_redis_error_when_redis_is_unreachable(client, settings):
    settings.REDIS_URL = f"redis://127.0.0.1:{unused_port()}/3"
    response = client.get("/readyz")
    assert response.status_code == 200  # the site still serves pages without Redis
    assert response.json() == {"database": "ok", "redis": "error", "email": EMAIL_OK}


@pytest.mark.django_db
def test_healthz_reports_redis_ok_when_reachable(client, settings):
    redis = pytest.importorskip("redis")
    url = "redis://127.0.0.1:6379/3"
    try:
        redis.Redis.from_url(url, socket_connect_timeout=1).ping()
    except redis.RedisError:
        pytest.skip("no Redis server on 127.0.0.1:6379")
    settings.REDIS_URL = url
    assert client.get("/readyz").json() == {"database": "ok", "redis": "ok", "email": EMAIL_OK}
