"""Invitations to register, for roster entries without an account.

Like every email of the app, an invitation is written to the email outbox
(notifications.outbox) in the transaction that causes it — the roster import, the admin's
edit or its "re-send" action — and sent after commit by a worker, or by the periodic sweep
when the broker was down. Its key is the roster entry (plus the time of a re-send), so
applying the same roster twice, or twice at once, invites nobody twice.
"""

from __future__ import annotations

from django.conf import settings
from django.db.models import QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from accounts.models import RosterEntry
from notifications.models import OutboxEmail
from notifications.outbox import send_after_commit


def invitation_text(entry: RosterEntry) -> tuple[str, str]:
    """The subject and the body of the invitation for one roster entry."""
    context = {
        "entry": entry,
        "seminar": entry.seminar,
        "signup_url": settings.SITE_URL + reverse("account_signup"),
        "login_url": settings.SITE_URL + reverse("account_login"),
    }
    subject = render_to_string("accounts/email/invitation_subject.txt", context)
    body = render_to_string("accounts/email/invitation_message.txt", context)
    return settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + " ".join(subject.split()), body


def write_invitations(entries: QuerySet[RosterEntry], *, resend: bool = False) -> int:
    """Write an invitation to the outbox for each entry without an account, mark the
    entries invited, and send after commit. Without `resend`, entries invited before are
    left alone. Returns how many invitations were written."""
    now = timezone.now()
    entries = entries.filter(user__isnull=True).select_related("seminar")
    if not resend:
        entries = entries.filter(invited_at__isnull=True)
    # A re-send is a new email, once per minute at most (a double click sends one).
    offset = f"resend-{now:%Y%m%dT%H%M}" if resend else ""
    rows = []
    for entry in entries:
        subject, text = invitation_text(entry)
        rows.append(
            OutboxEmail(
                kind=OutboxEmail.Kind.INVITATION,
                to_email=entry.email,
                subject_key=f"roster:{entry.pk}",
                offset=offset,
                subject=subject[:300],
                text=text,
                created_at=now,
            )
        )
    if not rows:
        return 0
    # One INSERT whatever the roster's size; a key written before (an earlier import, a
    # concurrent one) is skipped by the database. The rows this call wrote carry its `now`.
    OutboxEmail.objects.bulk_create(rows, ignore_conflicts=True)
    keys = [row.subject_key for row in rows]
    written = list(
        OutboxEmail.objects.filter(
            kind=OutboxEmail.Kind.INVITATION,
            recipient__isnull=True,
            subject_key__in=keys,
            offset=offset,
            created_at=now,
        ).values_list("pk", flat=True)
    )
    RosterEntry.objects.filter(pk__in=[int(key.split(":")[1]) for key in keys]).update(
        invited_at=now
    )
    send_after_commit(written)
    return len(written)


def cancel_invitations(entry_ids: list[int]) -> int:
    """Mark the invitations of these roster entries that are not sent yet (pending,
    including one waiting out a retry) as expired, in the caller's transaction: a worker
    or the sweep only claims pending rows, so none of them is sent after the entries are
    removed. Returns how many were cancelled."""
    if not entry_ids:
        return 0
    return OutboxEmail.objects.filter(
        kind=OutboxEmail.Kind.INVITATION,
        subject_key__in=[f"roster:{pk}" for pk in entry_ids],
        status=OutboxEmail.Status.PENDING,
    ).update(
        # claimed_at stays: a worker sending the row this instant still records the outcome.
        status=OutboxEmail.Status.EXPIRED,
        next_attempt_at=None,
        last_error="cancelled: removed from the roster",
    )
