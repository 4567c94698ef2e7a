"""Each person's notices: written when something happens for them, read on "For you".

Who hears of a comment, once per comment whatever it is to them (the notice's key is the
comment): the author of the comment it replies to (a reply), the members it mentions
(a mention), the followers of its thread (a reply in a thread they follow). Then the
author of a moderated comment (hidden, shown again, pinned, endorsed, credited), and the
members of a week's lead and blogging teams (their duty).

Nobody hears of their own doing, and only members of the seminar who may see the comment
now hear of it: the reveal policy's withheld answers and another seminar's comments never
reach anyone through a notice. A comment hidden or deleted later stops showing in
everyone's notices (Notice.objects.shown), its author's notice of the moderation aside.

Reply, mention and thread notices are also emailed (notifications.notices: batched per
thread or in a daily digest) unless the recipient turned reply emails off: the emails
read the same rows the page shows.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from accounts.models import User
from core.access import SeminarAccess, seminar_access, week_access
from core.models import Enrollment, Week, WeekDuty
from discussions.follow_models import follower_ids, thread_root_id
from discussions.models import Comment, ModerationAction
from discussions.selectors import may_see, thread_root
from notifications.models import Notice

log = logging.getLogger(__name__)

Kind = Notice.Kind
Action = ModerationAction.Action
EMAILED = {Kind.REPLY, Kind.MENTION, Kind.THREAD}
# What a comment's author hears of; undoing (unpin, unendorse, uncredit) is not news.
MODERATION_NEWS = {
    Action.HIDE: "hid your comment",
    Action.UNHIDE: "showed your comment again",
    Action.PIN: "pinned your comment",
    Action.ENDORSE: "endorsed your comment",
    Action.CREDIT: "credited your comment as substantive",
}


def thread_key(comment: Comment) -> str:
    """The emails' batching key: one email per thread (question or general) per window."""
    return f"thread:{comment.week_id}:{comment.question_id or 'general'}"


def may_hear_of(user: User, comment: Comment) -> bool:
    """An active member of the comment's seminar who may see it now (reveal policy)."""
    return bool(hearers([user], comment))


def hearers(users: Iterable[User], comment: Comment) -> list[User]:
    """Those of `users` who may hear of the comment (may_hear_of), read for all at once:
    their roles, duties and answered sections in one query each, the thread's root once."""
    week = comment.week
    active = [user for user in users if user.is_active]
    ids = [user.pk for user in active]
    if not ids:
        return []
    members = Enrollment.objects.filter(seminar_id=week.seminar_id, user_id__in=ids)
    roles = dict(members.values_list("user_id", "role"))
    duties = WeekDuty.objects.filter(week_id=week.pk, user_id__in=ids)
    teams = dict(duties.values_list("user_id", "team"))
    root = answered = None
    if comment.question_id is not None:  # the reveal policy may withhold its thread
        root = thread_root(comment)
        answered = Comment.objects.answered_sections_of(ids, week)
    found = []
    for user in active:
        access = SeminarAccess(seminar=week.seminar, user=user, role=roles.get(user.pk))
        if not access.is_member:
            continue
        viewer = week_access(access, week, teams.get(user.pk))
        mine = None if answered is None else answered.get(user.pk, set())
        if may_see(viewer, comment, root=root, mine=mine):
            found.append(user)
    return found


def comment_recipients(comment: Comment, mentioned: Iterable[int] = ()) -> dict[int, str]:
    """Who hears of a new comment, and as what (reply first, then mention, then thread)."""
    found: dict[int, str] = {}
    if comment.parent_id is not None:
        parent_author = Comment.objects.values_list("author_id", flat=True).get(
            pk=comment.parent_id
        )
        found[parent_author] = Kind.REPLY
    for user_id in mentioned:
        found.setdefault(user_id, Kind.MENTION)
    if comment.parent_id is not None:
        for user_id in sorted(follower_ids(thread_root_id(comment))):
            found.setdefault(user_id, Kind.THREAD)
    found.pop(comment.author_id, None)
    return found


def comment_notices(comment: Comment, mentioned: Iterable[int] = ()) -> list[Notice]:
    """Write the notices of a new (or newly edited) comment; call it in its transaction.
    Someone who already has a notice of this comment gets none: once per comment."""
    recipients = comment_recipients(comment, mentioned)
    if not recipients:
        return []
    key = f"c{comment.pk}"
    already = set(
        Notice.objects.filter(recipient_id__in=list(recipients), key=key).values_list(
            "recipient_id", flat=True
        )
    )
    users = User.objects.in_bulk([pk for pk in recipients if pk not in already])
    made, batched = [], []
    for user in hearers(users.values(), comment):
        kind = recipients[user.pk]
        emailed = kind in EMAILED and user.email_reply_notices != User.ReplyNotices.OFF
        made.append(
            Notice(
                recipient=user,
                key=key,
                kind=kind,
                week_id=comment.week_id,
                comment=comment,
                actor_id=comment.author_id,
                thread_key=thread_key(comment),
                email_due=emailed,
            )
        )
        if emailed and user.email_reply_notices == User.ReplyNotices.BATCHED:
            batched.append(user.pk)
    # One INSERT; a notice a concurrent run wrote meanwhile stays the one (its unique key).
    Notice.objects.bulk_create(made, ignore_conflicts=True)
    if batched:
        schedule_after_commit(sorted(batched))
    return made


def schedule_after_commit(recipient_ids: list[int]) -> None:
    """One task for every recipient of a comment's batched notices (not one each: a
    reply in a followed thread has many, and most find their window still closed)."""
    # notices imports this module's thread_key: import the scheduler here.
    from notifications.notices import schedule_notices

    # A lambda, not functools.partial: when a robust callback fails, Django logs its
    # __qualname__, which a partial lacks (the log call itself would raise after commit).
    transaction.on_commit(lambda: schedule_notices(recipient_ids), robust=True)


def moderation_notice(comment: Comment, action: str, actor: User | None, row: int) -> None:
    """Tell a comment's author what a moderator did to it (not their own doing)."""
    news = MODERATION_NEWS.get(action)  # type: ignore[call-overload]
    if news is None or actor is None or actor.pk == comment.author_id:
        return
    author = comment.author
    if not author.is_active or not seminar_access(author, comment.week.seminar).is_member:
        return
    detail = news
    if action == Action.HIDE and comment.hidden_reason:
        detail = f"{news}: {comment.hidden_reason}"[:300]
    Notice.objects.get_or_create(
        recipient=author,
        key=f"m{row}",
        defaults={
            "kind": Kind.MODERATION,
            "week_id": comment.week_id,
            "comment": comment,
            "actor": actor,
            "detail": detail,
        },
    )


def duty_notices(week: Week, team: str, users: Iterable[User]) -> int:
    """Tell each member of a week's team of their duty (once per week and team)."""
    made = 0
    for user in users:
        if not user.is_active:
            continue
        _, created = Notice.objects.get_or_create(
            recipient=user,
            key=f"duty:{week.pk}:{team}",
            defaults={"kind": Kind.DUTY, "week": week, "detail": team},
        )
        made += created
    return made


# --- Reading ----------------------------------------------------------------------------


def unread_count(user_id: int) -> int:
    """The header's count: one query on the recipient's unread notices (a partial index)."""
    return Notice.objects.filter(recipient_id=user_id).unread().count()


def notices_for(user_id: int, limit: int = 50) -> QuerySet[Notice]:
    """The newest notices of one person, with what the page shows of each (one query)."""
    return (
        Notice.objects.filter(recipient_id=user_id)
        .shown()
        .select_related("week__seminar", "actor", "comment__question")
        .defer("comment__body")
        .order_by("-created_at", "-id")[:limit]
    )


def mark_read(user_id: int, notice_ids: Iterable[int]) -> int:
    """Mark some of the user's own notices read (another's ids change nothing)."""
    rows = Notice.objects.filter(recipient_id=user_id, pk__in=list(notice_ids), read_at=None)
    return rows.update(read_at=timezone.now())


def mark_all_read(user_id: int) -> int:
    return Notice.objects.filter(recipient_id=user_id, read_at=None).update(read_at=timezone.now())
