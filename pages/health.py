"""Health of the parts the app depends on, for GET /healthz.

Each check answers "ok", "error" or (Redis only) "not configured"; "email" is the outbox
backlog (pending, failing, the oldest pending email's age in seconds). The endpoint is
public, so the cause of a failure goes to the log or the admin, not into the answer.
"""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.db import connection

from notifications.status import delivery_status

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


def email_state() -> dict[str, Any]:
    """The outbox backlog: "failing" when attempts fail or emails wait over 10 minutes.
    Counts only (the endpoint is public): the reasons are in the admin's outbox."""
    try:
        status = delivery_status()
    except Exception:  # noqa: BLE001 - the database check reports the cause
        logger.warning("healthz: outbox check failed", exc_info=True)
        return {"state": ERROR}
    return {
        "state": "failing" if status.is_failing else OK,
        "pending": status.pending,
        "failing": status.failing,
        "oldest_pending_seconds": status.oldest_pending_seconds,
    }


def health_report() -> dict[str, Any]:
    """`{"database": …, "redis": …, "email": {…}}`; the endpoint answers 503 unless the
    database is ok (a failing mail server does not take the site out of a load balancer)."""
    report: dict[str, Any] = {"database": database_state(), "redis": redis_state()}
    report["email"] = email_state() if report["database"] == OK else {"state": ERROR}
    return report
