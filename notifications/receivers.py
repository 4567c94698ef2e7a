"""How notifications hear of what happened below them, and the mailer they lend.

Connected in `NotificationsConfig.ready()`. Every receiver runs inside the sender's
transaction, so an email is in the outbox exactly when the change it announces commits.
"""

from __future__ import annotations

from typing import Any, cast

from django.contrib.auth.models import AbstractUser
from django.db.models import Count, Max, QuerySet

from accounts.models import RosterEntry, User
from blog.events import blog_step
from blog.models import BlogPost
from core.events import week_published
from core.hooks import provide_mailer
from core.models import Week
from discussions.events import comment_edited, comment_moderated, comment_posted
from discussions.mentions import mentioned_ids
from discussions.models import Comment, ModerationAction
from leads.events import review_step
from notifications.announcements import week_announce
from notifications.inbox import comment_notices, moderation_notice
from notifications.invitations import cancel_invitations, write_invitations
from notifications.models import OutboxEmail
from notifications.reminders import send_manual_reminders
from notifications.review import blog_step_notify, review_event_notify


def on_week_published(sender: Any, *, week_id: int, **kwargs: Any) -> None:
    week_announce(week_id)


def on_comment_posted(sender: Any, *, comment: Comment, **kwargs: Any) -> None:
    comment_notices(comment, mentioned_ids(comment.body, comment.week.seminar_id))


def on_comment_edited(sender: Any, *, comment: Comment, **kwargs: Any) -> None:
    # Those it newly mentions; nobody hears of one comment twice.
    comment_notices(comment, mentioned_ids(comment.body, comment.week.seminar_id))


def on_comment_moderated(
    sender: Any, *, comment: Comment, action: str, actor: User | None, log: ModerationAction,
    **kwargs: Any,
) -> None:  # fmt: skip
    moderation_notice(comment, action, actor, log.pk)


def on_review_step(sender: Any, *, event: Any, **kwargs: Any) -> None:
    review_event_notify(event)


def on_blog_step(
    sender: Any, *, post: BlogPost, kind: str, actor: User | None, **kwargs: Any
) -> None:
    blog_step_notify(post, kind, actor)


class OutboxMailer:
    """The mailer of core.hooks: invitations and nudges go through the email outbox."""

    def write_invitations(self, entries: QuerySet[RosterEntry], *, resend: bool = False) -> int:
        return write_invitations(entries, resend=resend)

    def cancel_invitations(self, entry_ids: list[int]) -> int:
        return cancel_invitations(entry_ids)

    def nudge(self, week: Week, actor: AbstractUser) -> int:
        # core.hooks names the user model AbstractUser; AUTH_USER_MODEL makes it a User.
        return send_manual_reminders(week, cast(User, actor))

    def nudge_history(self, week_ids: list[int]) -> dict[int, dict[str, Any]]:
        keys = {f"week:{pk}": pk for pk in week_ids}
        rows = (
            OutboxEmail.objects.filter(subject_key__in=list(keys), offset__startswith="manual-")
            .values("subject_key")
            .annotate(last=Max("created_at"), count=Count("id"))
        )
        return {keys[r["subject_key"]]: dict(r) for r in rows}


def connect() -> None:
    """Connect the receivers (idempotent: each has a dispatch_uid) and lend the mailer."""
    week_published.connect(on_week_published, dispatch_uid="notifications.week_published")
    comment_posted.connect(on_comment_posted, dispatch_uid="notifications.comment_posted")
    comment_edited.connect(on_comment_edited, dispatch_uid="notifications.comment_edited")
    comment_moderated.connect(on_comment_moderated, dispatch_uid="notifications.comment_moderated")
    review_step.connect(on_review_step, dispatch_uid="notifications.review_step")
    blog_step.connect(on_blog_step, dispatch_uid="notifications.blog_step")
    provide_mailer(OutboxMailer())
