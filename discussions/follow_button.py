"""A thread's Follow / Unfollow button for a comment shown on its own: what the week
page's assembler (discussions/page_cache.py) adds per viewer after a thread's first
comment, for the fragment htmx appends after a post."""

from __future__ import annotations

from django.http import HttpRequest
from django.middleware.csrf import get_token

from accounts.http import account
from core.access import WeekAccess
from discussions.follow_models import Follow
from discussions.models import Comment
from discussions.render import follow_form


def thread_follow_form(request: HttpRequest, access: WeekAccess, comment: Comment) -> str:
    """The viewer's button for the thread `comment` starts ("" for a reply, or for a
    viewer who may not follow threads: the page's rule, WeekAccess.can_flag)."""
    if comment.parent_id is not None or comment.deleted_at is not None or not access.can_flag:
        return ""
    following = Follow.objects.filter(
        user_id=account(access.user).pk, comment_id=comment.pk, following=True
    ).exists()
    url = f"{access.week.get_absolute_url()}c/{comment.pk}/"
    return follow_form(url, following, get_token(request))
