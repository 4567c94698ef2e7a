"""The outbox: write an email in the caller's transaction, send it after commit.

`enqueue` inserts one row under the unique key (kind, recipient, subject key, offset): a
second insert of the same key — a rerun, an overlapping beat, a retried task — does
nothing. After commit the row's id goes to a task; if the broker is down that fails fast
(short timeouts, no publish retry) and the row stays pending for the periodic sweep.

Sending claims a row with a conditional UPDATE (pending and unclaimed, or claimed so long
ago that its worker must have died), so two workers never send the same row.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable
from functools import partial
from urllib.parse import urlparse

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerError

from accounts.models import User
from notifications.emails import RenderedEmail, wants
from notifications.models import MAX_ATTEMPTS, OutboxEmail

log = logging.getLogger(__name__)

Kind = OutboxEmail.Kind
Status = OutboxEmail.Status

# The preference (unsubscribe category) each kind of email answers to.
CATEGORY: dict[str, str | None] = {
    Kind.REMINDER: "reminders",
    Kind.DUTY: "reminders",
    Kind.ANNOUNCEMENT: "announcements",
    Kind.NOTICE: "replies",
    Kind.DIGEST: "replies",
    Kind.INVITATION: None,
    Kind.REVIEW: "reminders",
}


def insert(
    kind: str,
    recipient: User | None,
    subject_key: str,
    *,
    subject: str,
    text: str,
    html: str = "",
    offset: str = "",
    headers: dict[str, str] | None = None,
    expires_at: dt.datetime | None = None,
    to_email: str = "",
) -> OutboxEmail | None:
    """Insert one outbox row; None when a row with its key exists already.

    The insert runs in a savepoint, so a duplicate key (also one inserted concurrently by
    another transaction) leaves the caller's transaction usable.
    """
    try:
        with transaction.atomic():
            return OutboxEmail.objects.create(
                kind=kind,
                recipient=recipient,
                to_email=to_email or (recipient.email if recipient else ""),
                subject_key=subject_key,
                offset=offset,
                subject=subject[:300],
                text=text,
                html=html,
                headers=headers or {},
                expires_at=expires_at,
            )
    except IntegrityError:
        return None


def enqueue(
    kind: str,
    recipient: User,
    subject_key: str,
    *,
    subject: str,
    text: str,
    html: str,
    offset: str = "",
    headers: dict[str, str] | None = None,
    expires_at: dt.datetime | None = None,
) -> bool:
    """Write one email to the outbox in the caller's transaction and send it after commit.

    Returns whether it is new: False when an email with the same (kind, recipient,
    subject_key, offset) was written before, in which case nothing more happens. Safe to
    call twice, or from two processes at once.
    """
    row = insert(
        kind,
        recipient,
        subject_key,
        subject=subject,
        text=text,
        html=html,
        offset=offset,
        headers=headers,
        expires_at=expires_at,
    )
    if row is None:
        return False
    send_after_commit([row.pk])
    return True


def enqueue_rendered(
    kind: str,
    recipient: User,
    subject_key: str,
    email: RenderedEmail,
    *,
    offset: str = "",
    expires_at: dt.datetime | None = None,
) -> OutboxEmail | None:
    """Insert a rendered email (without scheduling: callers batch the ids)."""
    return insert(
        kind,
        recipient,
        subject_key,
        subject=email.subject,
        text=email.text,
        html=email.html,
        offset=offset,
        headers=email.headers,
        expires_at=expires_at,
    )


def send_after_commit(ids: Iterable[int]) -> None:
    ids = list(ids)
    if ids:
        transaction.on_commit(partial(schedule_send, ids), robust=True)


def schedule_send(ids: list[int]) -> None:
    """Hand the rows to a worker. Never raises for a broker outage: the rows stay pending
    and the periodic sweep sends them."""
    # tasks.py imports this module for the service it runs: import the task here.
    from notifications.tasks import outbox_send as outbox_send_task

    try:
        outbox_send_task.delay(ids)
    except (BrokerError, OSError) as exc:
        log.warning("broker unavailable, %d email(s) left for the sweep: %s", len(ids), exc)


# --- Sending -------------------------------------------------------------------------------


def claim(pk: int, now: dt.datetime) -> bool:
    """Take one row for sending; True only for the one caller whose UPDATE changed it."""
    return bool(
        OutboxEmail.objects.claimable(now)
        .filter(pk=pk, attempts__lt=MAX_ATTEMPTS)
        .update(claimed_at=now, attempts=F("attempts") + 1)
    )


def message_for(row: OutboxEmail) -> EmailMultiAlternatives:
    address = row.recipient.email if row.recipient else row.to_email
    domain = urlparse(settings.SITE_URL).hostname or "localhost"
    headers = {
        **row.headers,
        # Stable per row: a receiving server can drop a copy a dying worker resent.
        "Message-ID": f"<outbox-{row.pk}.{row.created_at:%Y%m%d%H%M%S}@{domain}>",
    }
    message = EmailMultiAlternatives(
        subject=row.subject, body=row.text, to=[address], headers=headers
    )
    if row.html:
        message.attach_alternative(row.html, "text/html")
    return message


def skip_reason(row: OutboxEmail, now: dt.datetime) -> str:
    if row.expires_at is not None and now >= row.expires_at:
        return "expired before it could be sent"
    if row.kind == Kind.INVITATION and User.objects.filter(email__iexact=row.to_email).exists():
        return "registered since the invitation was written"
    if row.recipient is not None:
        if not row.recipient.is_active:
            return "recipient is inactive"
        if not wants(row.recipient, CATEGORY.get(row.kind)):
            return "recipient unsubscribed"
    return ""


def _finish(row: OutboxEmail, claim_token: dt.datetime, **fields: object) -> None:
    # Only the holder of this claim writes the outcome.
    OutboxEmail.objects.filter(pk=row.pk, claimed_at=claim_token).update(**fields)


def send_one(pk: int, *, now: dt.datetime | None = None) -> bool:
    """Claim and send one row; True when this call sent it.

    A failed send releases the claim for the sweep to retry, up to MAX_ATTEMPTS; then the
    row is marked failed. Safe to call any number of times, from any number of workers.
    """
    now = now or timezone.now()
    if not claim(pk, now):
        return False
    row = OutboxEmail.objects.select_related("recipient").get(pk=pk)
    reason = skip_reason(row, now)
    if reason:
        _finish(row, now, status=Status.SKIPPED, last_error=reason)
        return False
    try:
        message_for(row).send()
    except Exception as exc:  # SMTP, DNS, socket: whatever it is, keep the row for a retry
        gave_up = row.attempts >= MAX_ATTEMPTS
        log.warning("sending outbox email %s failed (attempt %s): %r", pk, row.attempts, exc)
        _finish(
            row,
            now,
            status=Status.FAILED if gave_up else Status.PENDING,
            claimed_at=None,
            last_error=repr(exc)[:1000],
        )
        return False
    _finish(row, now, status=Status.SENT, sent_at=timezone.now(), last_error="")
    return True


def send_many(ids: Iterable[int]) -> int:
    """Send each row that nobody else holds; return how many this call sent."""
    return sum(send_one(pk) for pk in ids)


def sweep(*, now: dt.datetime | None = None, limit: int = 500) -> int:
    """Send pending rows no task got to (broker down, worker killed, failed attempt).

    Rows out of attempts (their last claim gone stale) are marked failed.
    """
    now = now or timezone.now()
    OutboxEmail.objects.claimable(now).filter(attempts__gte=MAX_ATTEMPTS).update(
        status=Status.FAILED, claimed_at=None
    )
    ids = list(
        OutboxEmail.objects.claimable(now)
        .order_by("created_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )
    return sum(send_one(pk, now=now) for pk in ids)
