"""Is email going out? Counts of the outbox for staff pages, the admin and /healthz.

`delivery_status()` is one aggregate query over pending rows (and the failed and expired
ones of the last week): how many wait, how many wait after a failed attempt, how old the
oldest is, and the last failure's reason. Staff see it as a banner on the seminar home
and above the outbox list; /healthz reports it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Min, Q
from django.utils import timezone

from notifications.models import OutboxEmail

Status = OutboxEmail.Status
# A pending email older than this with no failure is a backlog (no worker, broker down).
STUCK_AFTER = dt.timedelta(minutes=10)
RECENT = dt.timedelta(days=7)


@dataclass(frozen=True)
class DeliveryStatus:
    pending: int
    failing: int  # pending, the last attempt failed: waiting out a backoff
    oldest_pending_at: dt.datetime | None
    given_up: int  # failed (refused for good) or expired unsent, written in the last 7 days
    last_error: str
    now: dt.datetime

    @property
    def oldest_pending_seconds(self) -> int | None:
        if self.oldest_pending_at is None:
            return None
        return max(0, int((self.now - self.oldest_pending_at).total_seconds()))

    @property
    def is_failing(self) -> bool:
        """Worth telling staff: attempts are failing, or emails have waited too long."""
        stuck = self.oldest_pending_at is not None and (
            self.now - self.oldest_pending_at > STUCK_AFTER
        )
        return bool(self.failing or stuck)

    def summary(self) -> str:
        """One line for a banner, without the error (the page may be seen by seminar staff)."""
        age = self.oldest_pending_seconds or 0
        oldest = f"{age // 3600} h {age % 3600 // 60} min" if age >= 3600 else f"{age // 60} min"
        parts = [f"{self.pending} email(s) waiting, the oldest for {oldest}"]
        if self.failing:
            parts.append(f"{self.failing} after a failed attempt, retried with backoff")
        if self.given_up:
            parts.append(f"{self.given_up} not sent in the last 7 days (expired or refused)")
        return "; ".join(parts) + "."


def delivery_status(now: dt.datetime | None = None) -> DeliveryStatus:
    now = now or timezone.now()
    pending = Q(status=Status.PENDING)
    given_up = Q(created_at__gte=now - RECENT) & (
        Q(status=Status.FAILED) | Q(status=Status.EXPIRED)
    )
    counts = OutboxEmail.objects.filter(pending | given_up).aggregate(
        pending=Count("pk", filter=pending),
        failing=Count("pk", filter=pending & Q(next_attempt_at__isnull=False)),
        oldest=Min("created_at", filter=pending),
        given_up=Count("pk", filter=given_up),
    )
    last_error = ""
    if counts["failing"]:
        last_error = (
            OutboxEmail.objects.filter(status=Status.PENDING, next_attempt_at__isnull=False)
            .order_by("-last_attempt_at")
            .values_list("last_error", flat=True)
            .first()
            or ""
        )
    return DeliveryStatus(
        pending=counts["pending"],
        failing=counts["failing"],
        oldest_pending_at=counts["oldest"],
        given_up=counts["given_up"],
        last_error=last_error,
        now=now,
    )


def staff_email_warning(is_staff: bool) -> DeliveryStatus | None:
    """For the seminar home: the delivery status when staff should see it, else None."""
    if not is_staff:
        return None
    status = delivery_status()
    return status if status.is_failing else None
