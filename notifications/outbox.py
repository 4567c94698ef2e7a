"""The outbox: write an email in the caller's transaction, send it after commit.

`enqueue` inserts one row under the unique key (kind, recipient, subject key, offset): a
second insert of the same key — a rerun, an overlapping beat, a retried task — does
nothing. After commit the row's id goes to a task; if the broker is down that fails fast
(short timeouts, no publish retry) and the row stays pending for the periodic sweep.

Sending claims a row with a conditional UPDATE (pending and unclaimed, or claimed so long
ago that its worker must have died), so two workers never send the same row. A batch
shares one SMTP connection and marks each row sent right after the server accepts it
(one message per transaction), so a worker killed mid-batch leaves at most the one
message in flight unmarked. A failed send is retried with exponential backoff and jitter
for as long as the email is useful (`OutboxEmail.useful_until`), then marked expired.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Iterable
from urllib.parse import urlparse

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerError

from accounts.models import User
from notifications.delivery import Connection, failure_kind, next_attempt_at
from notifications.emails import RenderedEmail, wants
from notifications.models import LIFETIME, OutboxEmail

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
        # A lambda, not functools.partial: Django logs a failed robust callback by its
        # __qualname__, which a partial lacks (the log call would raise after commit).
        transaction.on_commit(lambda: schedule_send(ids), robust=True)


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

# A send task or sweep stops starting new messages after this long (the rest stay pending
# for the next sweep): tasks stay well inside the broker's visibility timeout.
SEND_BUDGET_SECONDS = 30.0


def claim(pk: int, now: dt.datetime) -> bool:
    """Take one row for sending; True only for the one caller whose UPDATE changed it."""
    return bool(
        OutboxEmail.objects.due(now)
        .filter(pk=pk)
        .update(claimed_at=now, attempts=F("attempts") + 1, last_attempt_at=now)
    )


def message_id_for(row: OutboxEmail) -> str:
    domain = urlparse(settings.SITE_URL).hostname or "localhost"
    return f"<outbox-{row.pk}.{row.created_at:%Y%m%d%H%M%S}@{domain}>"


def message_for(row: OutboxEmail) -> EmailMultiAlternatives:
    address = row.recipient.email if row.recipient else row.to_email
    # Stable per row: a receiving server can drop a copy a dying worker resent.
    headers = {**row.headers, "Message-ID": message_id_for(row)}
    message = EmailMultiAlternatives(
        subject=row.subject, body=row.text, to=[address], headers=headers
    )
    if row.html:
        message.attach_alternative(row.html, "text/html")
    return message


def skip_reason(row: OutboxEmail, now: dt.datetime) -> str:
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


def send_one(
    pk: int, *, now: dt.datetime | None = None, connection: Connection | None = None
) -> bool:
    """Claim and send one row; True when this call sent it.

    Sent: marked at once (its own UPDATE, committed before the next message). Failed:
    the claim is released and the next attempt set by the backoff, or the row marked
    failed when the server refused its recipient for good. Past its useful life: marked
    expired, not sent. Safe to call any number of times, from any number of workers.
    """
    now = now or timezone.now()
    if not claim(pk, now):
        return False
    row = OutboxEmail.objects.select_related("recipient").get(pk=pk)
    if row.status != Status.PENDING:  # cancelled (expired) between the claim and now
        return False
    if now >= row.useful_until:
        _finish(row, now, status=Status.EXPIRED, next_attempt_at=None)
        return False
    reason = skip_reason(row, now)
    if reason:
        _finish(row, now, status=Status.SKIPPED, last_error=reason)
        return False
    message = message_for(row)
    own = connection is None
    connection = connection or Connection()
    try:
        connection.send(message)
    except Exception as exc:  # SMTP, DNS, socket: whatever it is, keep the row for a retry
        kind = failure_kind(exc)
        if kind == "server":
            connection.down = exc
        retry_at = next_attempt_at(row.attempts, now, row.useful_until)
        log.warning(
            "sending outbox email %s failed (attempt %s, %s): %r", pk, row.attempts, kind, exc
        )
        _finish(
            row,
            now,
            status=Status.FAILED if kind == "refused" else Status.PENDING,
            claimed_at=None,
            next_attempt_at=None if kind == "refused" else retry_at,
            last_error=f"{kind}: {exc!r}"[:1000],
        )
        return False
    finally:
        if own:
            connection.close()
    _finish(
        row,
        now,
        status=Status.SENT,
        sent_at=timezone.now(),
        next_attempt_at=None,
        message_id=message.extra_headers["Message-ID"],
    )
    return True


def send_many(
    ids: Iterable[int],
    *,
    connection: Connection | None = None,
    budget: float = SEND_BUDGET_SECONDS,
) -> int:
    """Send each row that nobody else holds over one connection; return how many this call
    sent. Stops when the server is down or the time budget is spent: the rest stay
    pending, unclaimed, for the sweep."""
    started = time.monotonic()
    sent = 0
    conn = connection or Connection()
    try:
        for pk in ids:
            if conn.down is not None or time.monotonic() - started > budget:
                break
            sent += send_one(pk, connection=conn)
    finally:
        if connection is None:
            conn.close()
    return sent


def expire(now: dt.datetime) -> int:
    """Mark pending rows nobody holds that are no longer useful as expired."""
    useless = Q(expires_at__lte=now)
    for kind, lifetime in LIFETIME.items():
        useless |= Q(expires_at__isnull=True, kind=kind, created_at__lte=now - lifetime)
    return (
        OutboxEmail.objects.claimable(now)
        .filter(useless)
        .update(status=Status.EXPIRED, claimed_at=None, next_attempt_at=None)
    )


def sweep(*, now: dt.datetime | None = None, limit: int = 500) -> int:
    """Send pending rows no task got to (broker down, worker killed) and failed rows whose
    retry is due; mark the useless ones expired. When the server answers again (a message
    went through, or it accepts a connection), rows waiting out a backoff after a server
    failure are tried at once: everything still useful goes out within a sweep of it."""
    now = now or timezone.now()
    expire(now)
    ids = list(
        OutboxEmail.objects.due(now)
        .order_by("created_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )
    with Connection() as conn:
        sent = send_many(ids, connection=conn)
        if conn.down is not None or len(ids) >= limit:
            return sent
        waiting = OutboxEmail.objects.claimable(now).filter(
            next_attempt_at__gt=now, last_error__startswith="server:"
        )
        if not waiting.exists() or not (sent or conn.probe()):
            return sent
        ids = list(waiting.order_by("created_at", "pk").values_list("pk", flat=True)[:limit])
        OutboxEmail.objects.filter(pk__in=ids, status=Status.PENDING).update(next_attempt_at=now)
        return sent + send_many(ids, connection=conn)
