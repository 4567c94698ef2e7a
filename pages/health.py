"""Health of the parts the app depends on, for GET /healthz.

Each check answers "ok", "error" or (Redis only) "not configured". The endpoint is public,
so the cause of a failure goes to the log, not into the answer.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.db import connection

logger = logging.getLogger(__name__)

OK = "ok"
ERROR = "error"
NOT_CONFIGURED = "not configured"
REDIS_TIMEOUT_SECONDS = 1


def database_state() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:  # noqa: BLE001 - any failure means "down"
        logger.warning("healthz: database check failed", exc_info=True)
        return ERROR
    return OK


def redis_state() -> str:
    if not settings.REDIS_URL:
        return NOT_CONFIGURED
    import redis

    try:
        client = redis.Redis.from_url(
            settings.REDIS_URL,
            socket_connect_timeout=REDIS_TIMEOUT_SECONDS,
            socket_timeout=REDIS_TIMEOUT_SECONDS,
        )
        try:
            client.ping()
        finally:
            client.close()
    except Exception:  # noqa: BLE001 - any failure means "down"
        logger.warning("healthz: redis check failed", exc_info=True)
        return ERROR
    return OK


def health_report() -> dict[str, str]:
    """`{"database": …, "redis": …}`; the endpoint answers 503 unless the database is ok."""
    return {"database": database_state(), "redis": redis_state()}
