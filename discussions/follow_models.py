"""Following a thread: a top-level comment (an answer or a general comment) with every
reply under it. Followers hear of each new reply (notifications' "For you" page and reply
emails). Writers follow the threads they start or answer in by default; the Follow button
on each thread turns it off and on again. An explicit "unfollow" is kept as a row with
`following` off, so posting in that thread again does not follow it once more.
"""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models

from discussions.models import Comment


class Follow(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    comment = models.ForeignKey(
        Comment,
        on_delete=models.CASCADE,
        related_name="follows",
        help_text="The thread's top-level comment.",
    )
    following = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=("user", "comment"), name="follow_unique"),
        ]

    def __str__(self) -> str:
        state = "follows" if self.following else "unfollowed"
        return f"{self.user_id} {state} thread {self.comment_id}"


def thread_root_id(comment: Comment) -> int:
    """The top-level comment of the thread this comment is in (one query per level up)."""
    root_id, parent_id = comment.pk, comment.parent_id
    while parent_id is not None:
        root_id = parent_id
        parent_id = Comment.objects.filter(pk=parent_id).values_list("parent_id", flat=True).get()
    return root_id


def follow_by_default(user_id: int, root_id: int) -> None:
    """The writer follows the thread they start or answer in, unless they unfollowed it."""
    Follow.objects.get_or_create(user_id=user_id, comment_id=root_id)


def set_following(user_id: int, root_id: int, following: bool) -> Follow:
    follow, _ = Follow.objects.update_or_create(
        user_id=user_id, comment_id=root_id, defaults={"following": following}
    )
    return follow


def follower_ids(root_id: int) -> set[int]:
    rows = Follow.objects.filter(comment_id=root_id, following=True)
    return set(rows.values_list("user_id", flat=True))


def followed_roots(user_id: int | None, week_id: int) -> set[int]:
    """The top-level comments of one week the user follows (one query; empty for anonymous)."""
    if user_id is None:
        return set()
    rows = Follow.objects.filter(user_id=user_id, comment__week_id=week_id, following=True)
    return set(rows.values_list("comment_id", flat=True))
