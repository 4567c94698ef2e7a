"""The email outbox, each seminar's reminder settings, and each person's notices.

Every email the app sends is first a row of `OutboxEmail`, written in the transaction of
the change that causes it. Its unique key (kind, recipient, subject key, offset) is what
makes "never twice" hold: a reminder for week 3, 48 hours before, to one student can be
inserted once, whatever runs twice or at once. A task sends pending rows, claiming each
with a conditional UPDATE; a periodic sweep sends what the task never got to.
"""

from __future__ import annotations

import datetime as dt
from typing import ClassVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone

# Delivery is retried, with exponential backoff and jitter, for as long as an email is
# still useful: until its `expires_at` (a reminder's deadline), or else its kind's lifetime
# from when it was written. Never dropped by a count of attempts.
LIFETIME: dict[str, dt.timedelta] = {
    "reminder": dt.timedelta(days=2),  # fallback: a reminder row carries its deadline
    "duty": dt.timedelta(days=1),
    "announcement": dt.timedelta(days=3),
    "notice": dt.timedelta(days=2),
    "digest": dt.timedelta(days=1),
    "invitation": dt.timedelta(days=7),
    "review": dt.timedelta(days=3),
}


def claim_stale_after() -> dt.timedelta:
    """How long a claim protects a row: a claim older than this belongs to a dead worker.

    A live worker holds a claim for one message only (claim, send, mark), and sending one
    message is at most a handful of socket operations, each bounded by EMAIL_TIMEOUT
    (connect, EHLO, STARTTLS/AUTH, MAIL, RCPT, DATA): six of those, at least a minute.
    """
    timeout = getattr(settings, "EMAIL_TIMEOUT", None) or 10
    return max(dt.timedelta(seconds=6 * float(timeout)), dt.timedelta(minutes=1))


class OutboxQuerySet(models.QuerySet["OutboxEmail"]):
    def claimable(self, now: dt.datetime | None = None) -> OutboxQuerySet:
        """Pending rows nobody holds: never claimed, or claimed by a worker that died."""
        now = now or timezone.now()
        return self.filter(status=OutboxEmail.Status.PENDING).filter(
            Q(claimed_at__isnull=True) | Q(claimed_at__lt=now - claim_stale_after())
        )

    def due(self, now: dt.datetime | None = None) -> OutboxQuerySet:
        """Claimable rows whose next attempt (after a failure's backoff) has come."""
        now = now or timezone.now()
        return self.claimable(now).filter(
            Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)
        )


class OutboxEmail(models.Model):
    class Kind(models.TextChoices):
        REMINDER = "reminder", "Deadline reminder"
        DUTY = "duty", "Team duty reminder"
        ANNOUNCEMENT = "announcement", "New week announcement"
        NOTICE = "notice", "Reply notice"
        DIGEST = "digest", "Daily digest of replies"
        INVITATION = "invitation", "Invitation to register"
        REVIEW = "review", "Review step (a week or a blog post)"

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"
        SKIPPED = "skipped", "Skipped (unsubscribed or too late)"
        EXPIRED = "expired", "Expired (no longer useful, never sent)"

    kind = models.CharField(max_length=16, choices=Kind.choices)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="outbox_emails",
        help_text="Blank only for invitations (the person has no account yet).",
    )
    to_email = models.EmailField(help_text="The address when the row was written.")
    subject_key = models.CharField(
        max_length=120, help_text='What the email is about, e.g. "week:12" or "section:40".'
    )
    offset = models.CharField(
        max_length=40,
        blank=True,
        help_text='Which of its emails, e.g. "48h" or "manual-2026-11-25".',
    )
    subject = models.CharField(max_length=300)
    text = models.TextField()
    html = models.TextField(blank=True)
    headers = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(
        blank=True, help_text="Why the last attempt failed (kept after a later success)."
    )
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    next_attempt_at = models.DateTimeField(
        null=True, blank=True, help_text="After a failure: not tried again before this."
    )
    message_id = models.CharField(
        max_length=200, blank=True, help_text="The Message-ID header it was sent with."
    )
    expires_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="Not sent after this (a reminder after its deadline); blank: the kind's "
        "lifetime from when it was written.",
    )
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    objects = OutboxQuerySet.as_manager()

    class Meta:
        ordering = ("-created_at", "-id")
        verbose_name = "outbox email"
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=("kind", "recipient", "subject_key", "offset"), name="outbox_unique_email"
            ),
            # Invitations have no recipient account (NULLs never collide): key on the address.
            models.UniqueConstraint(
                fields=("kind", "to_email", "subject_key", "offset"),
                condition=Q(recipient__isnull=True),
                name="outbox_unique_address",
            ),
        ]
        indexes: ClassVar = [
            models.Index(fields=("status", "claimed_at"), name="outbox_status_claim_idx"),
            models.Index(fields=("status", "next_attempt_at"), name="outbox_status_next_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} to {self.to_email}: {self.subject}"

    @property
    def useful_until(self) -> dt.datetime:
        """After this the email is marked expired instead of sent."""
        if self.expires_at is not None:
            return self.expires_at
        return self.created_at + LIFETIME.get(self.kind, dt.timedelta(days=2))


def validate_hours(value: str) -> None:
    try:
        hours = parse_hours(value)
    except ValueError:
        raise ValidationError('Write whole hours separated by commas, e.g. "48, 3".') from None
    if any(h <= 0 or h > 24 * 14 for h in hours):
        raise ValidationError("Each offset is between 1 and 336 hours (two weeks).")


def parse_hours(value: str) -> list[int]:
    """ "48, 3" → [48, 3] (largest first, duplicates dropped); ValueError on junk."""
    return sorted({int(part) for part in value.replace(";", ",").split(",") if part.strip()})[::-1]


class NotificationSettings(models.Model):
    """A seminar's reminder timing. A seminar without a row uses the field defaults."""

    seminar = models.OneToOneField(
        "weeks.Seminar", on_delete=models.CASCADE, related_name="notification_settings"
    )
    reminder_hours = models.CharField(
        "reminder offsets (hours)",
        max_length=60,
        default="48, 3",
        validators=[validate_hours],
        help_text="Hours before each deadline that students who still owe a post are "
        "reminded, e.g. 48, 3. Empty: no deadline reminders.",
        blank=True,
    )
    lead_reminder_days = models.PositiveSmallIntegerField(
        default=2, help_text="Days before class the week's lead team is reminded."
    )
    blog_reminder_days = models.PositiveSmallIntegerField(
        default=4,
        help_text="Days after class the blogging team is reminded if their post is not "
        "published yet.",
    )

    class Meta:
        verbose_name = "email reminder settings"
        verbose_name_plural = "email reminder settings"

    def __str__(self) -> str:
        return f"Reminders for {self.seminar}"

    @property
    def offsets(self) -> list[int]:
        return parse_hours(self.reminder_hours or "")


class NoticeQuerySet(models.QuerySet["Notice"]):
    def shown(self) -> NoticeQuerySet:
        """Notices whose comment may still be shown to their recipient: not deleted, not
        hidden by a moderator (a notice of moderation tells the author about their own
        comment, hidden or not; a duty has no comment)."""
        return self.filter(
            Q(comment__isnull=True)
            | Q(kind=Notice.Kind.MODERATION)
            | Q(comment__is_hidden=False, comment__deleted_at__isnull=True)
        )

    def unread(self) -> NoticeQuerySet:
        return self.filter(read_at__isnull=True).shown()


class Notice(models.Model):
    """Something that happened for one person: what the "For you" page lists, what the
    header counts, and what reply emails and the daily digest carry (one source).

    `key` is unique per recipient, so each thing notifies once whatever runs twice: "c<id>"
    for a comment (a reply to me, a mention of me, a reply in a thread I follow: one notice
    whichever of these it is), "m<id>" for a moderation action on my comment (the log
    row), "duty:<week>:<team>" for a team duty. `email_due` marks what still waits to be
    emailed (batched or in the digest, as the recipient prefers); `email` is the outbox row
    that carried it.
    """

    class Kind(models.TextChoices):
        REPLY = "reply", "Reply to your comment"
        MENTION = "mention", "Mention of you"
        THREAD = "thread", "Reply in a thread you follow"
        MODERATION = "moderation", "Moderation of your comment"
        DUTY = "duty", "Your team duty"

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notices"
    )
    kind = models.CharField(max_length=12, choices=Kind.choices, default=Kind.REPLY)
    key = models.CharField(max_length=80)
    week = models.ForeignKey("weeks.Week", on_delete=models.CASCADE, related_name="+")
    comment = models.ForeignKey(
        "discussions.Comment",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="notices",
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="Who did it (the replier, the moderator); blank for duties.",
    )
    detail = models.CharField(
        max_length=300, blank=True, help_text="The moderation action and reason, or the team."
    )
    thread_key = models.CharField(max_length=60, blank=True)
    email_due = models.BooleanField(default=False)
    email = models.ForeignKey(
        OutboxEmail, on_delete=models.SET_NULL, null=True, blank=True, related_name="notices"
    )
    read_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    objects = NoticeQuerySet.as_manager()

    class Meta:
        ordering = ("-created_at", "-id")
        constraints: ClassVar = [
            models.UniqueConstraint(fields=("recipient", "key"), name="notice_unique_key"),
        ]
        indexes: ClassVar = [
            # The header's count: one index scan over the recipient's unread notices.
            models.Index(
                fields=("recipient",), condition=Q(read_at__isnull=True), name="notice_unread_idx"
            ),
            models.Index(fields=("recipient", "created_at"), name="notice_recipient_idx"),
            models.Index(
                fields=("recipient", "thread_key"),
                condition=Q(email_due=True),
                name="notice_email_due_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} for {self.recipient_id}"
