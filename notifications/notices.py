"""Notices of replies: batched per thread, or in a daily digest, as each person prefers.

Posting a reply records a `ReplyNotice` for the author of the comment it answers (in the
posting transaction). Batched: at most one email per thread per 15 minutes — the first
reply goes out at once, later ones wait for the window to pass and then go together.
Daily: one digest a day (after DIGEST_HOUR_UTC) with everything pending. Off: nothing.
Each email's outbox key names its first notice, so two batchers never send one twice.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict

from django.db import transaction
from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerError

from accounts.models import User
from core.models import Enrollment
from discussions.models import Comment
from notifications.emails import absolute, render_email
from notifications.models import OutboxEmail, ReplyNotice
from notifications.outbox import enqueue_rendered, send_after_commit

log = logging.getLogger(__name__)

Kind = OutboxEmail.Kind
BATCH_WINDOW = dt.timedelta(minutes=15)
DIGEST_HOUR_UTC = 12
EXCERPT = 400


def thread_key(comment: Comment) -> str:
    return f"thread:{comment.week_id}:{comment.question_id or 'general'}"


def reply_posted(comment: Comment) -> ReplyNotice | None:
    """Record a notice for the author of the comment `comment` replies to. Call it in the
    posting transaction. Nothing for top-level comments, replies to oneself, or authors
    who switched reply notices off or left the seminar."""
    if comment.parent_id is None:
        return None
    parent = Comment.objects.select_related("author").get(pk=comment.parent_id)
    recipient = parent.author
    if recipient.pk == comment.author_id or not recipient.is_active:
        return None
    if recipient.email_reply_notices == User.ReplyNotices.OFF:
        return None
    seminar_id = comment.week.seminar_id
    if not Enrollment.objects.filter(user=recipient, seminar_id=seminar_id).exists():
        return None
    notice = ReplyNotice.objects.create(
        recipient=recipient, comment=comment, thread_key=thread_key(comment)
    )
    if recipient.email_reply_notices == User.ReplyNotices.BATCHED:
        recipient_id = recipient.pk
        # A lambda, not functools.partial: when a robust callback fails, Django logs its
        # __qualname__, which a partial lacks (the log call itself would raise after commit).
        transaction.on_commit(lambda: schedule_notices(recipient_id), robust=True)
    return notice


def schedule_notices(recipient_id: int) -> None:
    """Send the recipient's due batch now; a broker outage leaves it to the periodic job."""
    # tasks.py imports this module for the service it runs: import the task here.
    from notifications.tasks import notices_send_due as notices_send_due_task

    try:
        notices_send_due_task.delay(recipient_id=recipient_id)
    except (BrokerError, OSError) as exc:
        log.warning("broker unavailable, reply notices left for the periodic job: %s", exc)


def _pending(recipient_id: int, key: str | None = None) -> list[ReplyNotice]:
    notices = ReplyNotice.objects.filter(recipient_id=recipient_id, email__isnull=True)
    if key is not None:
        notices = notices.filter(thread_key=key)
    notices = notices.select_related(
        "comment__author", "comment__week__seminar", "comment__question", "comment__parent"
    ).order_by("pk")
    # Replies deleted or hidden since are not news any more.
    gone = [n.pk for n in notices if n.comment.is_deleted or n.comment.is_hidden]
    if gone:
        ReplyNotice.objects.filter(pk__in=gone).delete()
    return [n for n in notices if n.pk not in gone]


def _items(notices: list[ReplyNotice]) -> list[dict[str, object]]:
    items = []
    for notice in notices:
        comment = notice.comment
        body = comment.body.strip()
        items.append(
            {
                "comment": comment,
                "author": comment.author.name,
                "week": comment.week,
                "excerpt": body if len(body) <= EXCERPT else body[:EXCERPT].rstrip() + "…",
                "url": absolute(comment.get_absolute_url()),
            }
        )
    return items


def _lock(recipient_id: int) -> User | None:
    # Serialises batchers per recipient (PostgreSQL); SQLite serialises writers anyway.
    return User.objects.select_for_update().filter(pk=recipient_id).first()


def _send_batch(recipient_id: int, key: str, now: dt.datetime) -> int | None:
    with transaction.atomic():
        user = _lock(recipient_id)
        if user is None or user.email_reply_notices != User.ReplyNotices.BATCHED:
            return None
        recent = OutboxEmail.objects.filter(
            kind=Kind.NOTICE,
            recipient_id=recipient_id,
            subject_key=key,
            created_at__gt=now - BATCH_WINDOW,
        ).exists()
        if recent:
            return None  # one email per thread per window: the rest wait
        notices = _pending(recipient_id, key)
        if not notices:
            return None
        week = notices[0].comment.week
        email = render_email(
            "reply_notice",
            recipient=user,
            seminar=week.seminar,
            category="replies",
            reason="someone replied to your comment",
            context={"week": week, "items": _items(notices), "count": len(notices)},
        )
        row = enqueue_rendered(Kind.NOTICE, user, key, email, offset=f"n{notices[0].pk}")
        if row is None:
            return None
        ReplyNotice.objects.filter(pk__in=[n.pk for n in notices]).update(email=row)
        send_after_commit([row.pk])
        return row.pk


def notices_send_due(*, recipient_id: int | None = None, now: dt.datetime | None = None) -> int:
    """Email each batched thread whose window allows it (one recipient, or everyone);
    return how many emails are new. Safe to run twice or concurrently."""
    now = now or timezone.now()
    pending = ReplyNotice.objects.filter(
        email__isnull=True, recipient__email_reply_notices=User.ReplyNotices.BATCHED
    )
    if recipient_id is not None:
        pending = pending.filter(recipient_id=recipient_id)
    groups = pending.values_list("recipient_id", "thread_key").distinct().order_by()
    return sum(1 for rid, key in set(groups) if _send_batch(rid, key, now) is not None)


def digests_send(*, now: dt.datetime | None = None) -> int:
    """Once a day (from DIGEST_HOUR_UTC): one digest per person and seminar with every
    pending reply. Keyed on the date, so running it again the same day sends nothing."""
    now = now or timezone.now()
    if now.astimezone(dt.UTC).hour < DIGEST_HOUR_UTC:
        return 0
    day = now.astimezone(dt.UTC).date().isoformat()
    recipients = (
        ReplyNotice.objects.filter(
            email__isnull=True, recipient__email_reply_notices=User.ReplyNotices.DAILY
        )
        .values_list("recipient_id", flat=True)
        .distinct()
        .order_by()
    )
    sent = 0
    for recipient_id in set(recipients):
        sent += _send_digest(recipient_id, day)
    return sent


def _send_digest(recipient_id: int, day: str) -> int:
    new = 0
    with transaction.atomic():
        user = _lock(recipient_id)
        if user is None or user.email_reply_notices != User.ReplyNotices.DAILY:
            return 0
        by_seminar: dict[int, list[ReplyNotice]] = defaultdict(list)
        for notice in _pending(recipient_id):
            by_seminar[notice.comment.week.seminar_id].append(notice)
        for notices in by_seminar.values():
            seminar = notices[0].comment.week.seminar
            email = render_email(
                "digest",
                recipient=user,
                seminar=seminar,
                category="replies",
                reason="you asked for a daily digest of replies to your comments",
                context={"items": _items(notices), "count": len(notices), "day": day},
            )
            row = enqueue_rendered(Kind.DIGEST, user, f"digest:{seminar.pk}", email, offset=day)
            if row is None:
                continue  # today's digest went out already; these wait for tomorrow's
            ReplyNotice.objects.filter(pk__in=[n.pk for n in notices]).update(email=row)
            send_after_commit([row.pk])
            new += 1
    return new
