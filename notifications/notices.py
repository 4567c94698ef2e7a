"""Emails of notices: batched per thread, or in a daily digest, as each person prefers.

The notices are those of the "For you" page (notifications.inbox writes them in the
posting transaction): replies to one's comments, mentions, replies in followed threads;
those marked `email_due` wait here for their email. Batched: at most one email per thread
per 15 minutes — the first goes out at once, later ones wait for the window to pass and
then go together.
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
from notifications.emails import absolute, render_email
from notifications.models import Notice, OutboxEmail
from notifications.outbox import enqueue_rendered, send_after_commit

log = logging.getLogger(__name__)

Kind = OutboxEmail.Kind
BATCH_WINDOW = dt.timedelta(minutes=15)
DIGEST_HOUR_UTC = 12
EXCERPT = 400
# How each kind of notice introduces the comment in an email ("Olive wrote:").
SAYS: dict[str, str] = {
    Notice.Kind.REPLY: "wrote",
    Notice.Kind.MENTION: "mentioned you",
    Notice.Kind.THREAD: "wrote in a thread you follow",
}


def schedule_notices(recipient_ids: list[int]) -> None:
    """Send these recipients' due batches now (one task); a broker outage leaves them to
    the periodic job."""
    # tasks.py imports this module for the service it runs: import the task here.
    from notifications.tasks import notices_send_due as notices_send_due_task

    try:
        notices_send_due_task.delay(recipient_ids=recipient_ids)
    except (BrokerError, OSError) as exc:
        log.warning("broker unavailable, reply notices left for the periodic job: %s", exc)


def _pending(recipient_id: int, key: str | None = None) -> list[Notice]:
    notices = Notice.objects.filter(recipient_id=recipient_id, email_due=True)
    if key is not None:
        notices = notices.filter(thread_key=key)
    notices = notices.select_related(
        "comment__author", "week__seminar", "comment__question", "comment__parent"
    ).order_by("pk")
    # Comments deleted or hidden since are not news any more (nor in the page's list).
    gone = [
        n.pk for n in notices if n.comment is None or n.comment.is_deleted or n.comment.is_hidden
    ]
    if gone:
        Notice.objects.filter(pk__in=gone).update(email_due=False)
    return [n for n in notices if n.pk not in gone]


def _items(notices: list[Notice]) -> list[dict[str, object]]:
    items = []
    for notice in notices:
        comment = notice.comment
        assert comment is not None  # _pending keeps notices of comments only
        body = comment.body.strip()
        comment.week = notice.week  # loaded with its seminar: the URL needs no query
        items.append(
            {
                "comment": comment,
                "kind": notice.kind,
                "author": comment.author.name,
                "says": SAYS.get(notice.kind, "wrote"),
                "week": notice.week,
                "excerpt": body if len(body) <= EXCERPT else body[:EXCERPT].rstrip() + "…",
                "url": absolute(comment.get_absolute_url()),
            }
        )
    return items


def _summary(notices: list[Notice]) -> dict[str, object]:
    only_replies = all(n.kind == Notice.Kind.REPLY for n in notices)
    return {"items": _items(notices), "count": len(notices), "only_replies": only_replies}


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
        week = notices[0].week
        email = render_email(
            "reply_notice",
            recipient=user,
            seminar=week.seminar,
            category="replies",
            reason="someone replied to you, mentioned you or wrote in a thread you follow",
            context={"week": week, **_summary(notices)},
        )
        row = enqueue_rendered(Kind.NOTICE, user, key, email, offset=f"n{notices[0].pk}")
        if row is None:
            return None
        Notice.objects.filter(pk__in=[n.pk for n in notices]).update(email=row, email_due=False)
        send_after_commit([row.pk])
        return row.pk


def notices_send_due(
    *,
    recipient_id: int | None = None,
    recipient_ids: list[int] | None = None,
    now: dt.datetime | None = None,
) -> int:
    """Email each batched thread whose window allows it (one recipient, some, or
    everyone); return how many emails are new. Safe to run twice or concurrently."""
    now = now or timezone.now()
    pending = Notice.objects.filter(
        email_due=True, recipient__email_reply_notices=User.ReplyNotices.BATCHED
    )
    if recipient_id is not None:
        pending = pending.filter(recipient_id=recipient_id)
    if recipient_ids is not None:
        pending = pending.filter(recipient_id__in=recipient_ids)
    groups = set(pending.values_list("recipient_id", "thread_key").distinct().order_by())
    if not groups:
        return 0
    # Who was emailed about the thread within the window waits for it to pass, as
    # _send_batch finds under its lock: told apart in one query, not locked one by one
    # (every reply in a followed thread asks this of all its followers).
    recent = OutboxEmail.objects.filter(
        kind=Kind.NOTICE,
        recipient_id__in={rid for rid, _ in groups},
        subject_key__in={key for _, key in groups},
        created_at__gt=now - BATCH_WINDOW,
    )
    waiting = set(recent.values_list("recipient_id", "subject_key"))
    due = sorted(groups - waiting)  # one order: batchers lock recipients alike
    return sum(1 for rid, key in due if _send_batch(rid, key, now) is not None)


def digests_send(*, now: dt.datetime | None = None) -> int:
    """Once a day (from DIGEST_HOUR_UTC): one digest per person and seminar with every
    pending reply. Keyed on the date, so running it again the same day sends nothing."""
    now = now or timezone.now()
    if now.astimezone(dt.UTC).hour < DIGEST_HOUR_UTC:
        return 0
    day = now.astimezone(dt.UTC).date().isoformat()
    recipients = (
        Notice.objects.filter(
            email_due=True, recipient__email_reply_notices=User.ReplyNotices.DAILY
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
        by_seminar: dict[int, list[Notice]] = defaultdict(list)
        for notice in _pending(recipient_id):
            by_seminar[notice.week.seminar_id].append(notice)
        for notices in by_seminar.values():
            seminar = notices[0].week.seminar
            email = render_email(
                "digest",
                recipient=user,
                seminar=seminar,
                category="replies",
                reason="you asked for a daily digest of replies and mentions",
                context={**_summary(notices), "day": day},
            )
            row = enqueue_rendered(Kind.DIGEST, user, f"digest:{seminar.pk}", email, offset=day)
            if row is None:
                continue  # today's digest went out already; these wait for tomorrow's
            Notice.objects.filter(pk__in=[n.pk for n in notices]).update(email=row, email_due=False)
            send_after_commit([row.pk])
            new += 1
    return new
