"""The week's discussion: comments (answers, general comments, replies) and their history.

One table holds every comment of a week. `question` says which thread it belongs to (null:
the week's general thread); `parent` makes it a reply. A reply carries the question of the
comment it answers, so one query on (week, question) finds a whole thread. The HTML of a
comment is rendered once when it is saved (RenderedMarkdownModel), never per page view.

Moderation fields (hide, pin, endorse, credit) and the Flag / ThreadLock / ModerationAction
tables are part of the settled schema the moderation work builds on.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q

from core.lib.models import RenderedMarkdownModel
from core.models import Question, Week
from discussions.mentions import mention_links

# Replies nest visually up to this depth (0 = top-level); deeper replies show flat with
# "in reply to NAME".
MAX_NEST_DEPTH = 3


class CommentQuerySet(models.QuerySet["Comment"]):
    def live(self) -> CommentQuerySet:
        """Not deleted by their author (hidden ones included: moderators still see them)."""
        return self.filter(deleted_at__isnull=True)

    def public(self) -> CommentQuerySet:
        """Live and not hidden by a moderator: what every member of the seminar reads, what
        counts toward the weekly rule, and what the blog, the lead's brief and the duplicate
        check quote. `Comment.is_public` says the same of one comment already read."""
        return self.live().filter(is_hidden=False)

    def answers(self) -> CommentQuerySet:
        """Top-level answers to a question."""
        return self.filter(question__isnull=False, parent__isnull=True)

    def answered_section_ids(self, user: object, week: Week) -> set[int]:
        """The sections of `week` in which `user` has answered: has a live (not deleted)
        top-level answer of their own to one of its questions, hidden or not — its author
        still sees a hidden answer. Empty for anonymous visitors. One query.

        The one definition of "has answered in this section" that the reveal policy
        ("after your own answer": core.access.WeekAccess.can_see_answers) is asked with:
        the week page, a single comment's page, the duplicate check and the discussion
        download all use it.
        """
        if not getattr(user, "is_authenticated", False):
            return set()
        return self.answered_sections_of([user.pk], week).get(user.pk, set())  # type: ignore[attr-defined]

    def answered_sections_of(self, user_ids: Iterable[int], week: Week) -> dict[int, set[int]]:
        """answered_section_ids of many users at once, by user id (one query)."""
        rows = self.answers().live().filter(week_id=week.pk, author_id__in=list(user_ids))
        found: dict[int, set[int]] = {}
        for author_id, section_id in rows.values_list("author_id", "question__section_id"):
            found.setdefault(author_id, set()).add(section_id)
        return found


class Comment(RenderedMarkdownModel):
    week = models.ForeignKey(Week, on_delete=models.CASCADE, related_name="comments")
    question = models.ForeignKey(
        Question,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="comments",
        help_text="The question this thread answers; blank for the week's general thread.",
    )
    parent = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="replies"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="comments"
    )
    body = models.TextField(help_text="Markdown.")
    body_html = models.TextField(blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)
    edited_at = models.DateTimeField(null=True, blank=True, editable=False)
    is_late = models.BooleanField(default=False, help_text="Posted after the deadline.")
    depth = models.PositiveSmallIntegerField(default=0, editable=False)
    # Soft delete by the author: the comment stays (replies hang from it), its text goes.
    deleted_at = models.DateTimeField(null=True, blank=True)

    # Moderation (by this week's leads and staff).
    is_hidden = models.BooleanField(default=False)
    hidden_reason = models.TextField(blank=True, help_text="Shown to the author.")
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    hidden_at = models.DateTimeField(null=True, blank=True)
    is_pinned = models.BooleanField(default=False)
    is_endorsed = models.BooleanField(default=False)
    endorsed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    endorsed_at = models.DateTimeField(null=True, blank=True)
    credited_substantive = models.BooleanField(
        default=False, help_text="A reply or general comment credited as substantive."
    )
    credited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    credited_at = models.DateTimeField(null=True, blank=True)
    # The one-time key of the form that posted it (core.lib.submission): a double submit
    # or a retry with the same key stores nothing more. Blank for keyless posts.
    # NULL, not "": keyless rows never collide under the unique constraint.
    submission_key = models.CharField(  # noqa: DJ001
        max_length=32, null=True, blank=True, editable=False
    )

    objects = CommentQuerySet.as_manager()
    markdown_fields: ClassVar = {"body": "body_html"}

    class Meta:
        ordering = ("-is_pinned", "created_at", "id")
        indexes: ClassVar = [
            models.Index(fields=("week", "question", "created_at"), name="comment_thread_idx"),
            models.Index(fields=("week", "author"), name="comment_week_author_idx"),
        ]
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=Q(is_hidden=False) | Q(hidden_at__isnull=False),
                name="comment_hidden_has_time",
            ),
            models.CheckConstraint(
                condition=Q(is_endorsed=False) | Q(endorsed_at__isnull=False),
                name="comment_endorsed_has_time",
            ),
            models.CheckConstraint(
                condition=Q(credited_substantive=False) | Q(credited_at__isnull=False),
                name="comment_credited_has_time",
            ),
            models.CheckConstraint(
                condition=Q(parent__isnull=True, depth=0) | Q(parent__isnull=False, depth__gt=0),
                name="comment_depth_matches_parent",
            ),
            models.UniqueConstraint(
                fields=("author", "submission_key"), name="comment_unique_submission"
            ),
        ]

    def __str__(self) -> str:
        return f"Comment {self.pk} by {self.author_id} on {self.week_id}"

    def get_absolute_url(self) -> str:
        return f"{self.week.get_absolute_url()}#{self.anchor}"

    @property
    def anchor(self) -> str:
        return f"c{self.pk}"

    def markdown_mentions(self, text: str) -> Mapping[str, str] | None:
        """Members of the seminar may be @mentioned (no query without an `@`)."""
        if "@" not in text:
            return None
        seminar = self.week.seminar
        return mention_links(seminar.pk, seminar.slug)

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None

    @property
    def is_public(self) -> bool:
        """As CommentQuerySet.public: live and not hidden by a moderator."""
        return self.deleted_at is None and not self.is_hidden

    @property
    def is_answer(self) -> bool:
        return self.question_id is not None and self.parent_id is None

    @property
    def is_edited(self) -> bool:
        return self.edited_at is not None


class CommentRevision(models.Model):
    """The text a comment had before one edit."""

    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="revisions")
    body = models.TextField()
    edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # The one-time key of the form that made this edit (core.lib.submission): a double submit
    # or a retry with the same key stores nothing more. Blank for keyless edits.
    # NULL, not "": keyless rows never collide under the unique constraint.
    submission_key = models.CharField(  # noqa: DJ001
        max_length=32, null=True, blank=True, editable=False
    )

    class Meta:
        ordering = ("comment", "created_at", "id")
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=("comment", "submission_key"), name="revision_unique_submission"
            ),
        ]

    def __str__(self) -> str:
        return f"Revision of comment {self.comment_id} at {self.created_at:%Y-%m-%d %H:%M}"


class Draft(models.Model):
    """An unfinished answer, reply or general comment, kept on the server while typing.

    One per user and place: (week, general thread), (question) or (parent comment). The
    three partial unique constraints say so on SQLite and PostgreSQL alike (nulls never
    compare equal in a plain unique constraint).
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    week = models.ForeignKey(Week, on_delete=models.CASCADE, related_name="drafts")
    question = models.ForeignKey(
        Question, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    parent = models.ForeignKey(
        Comment, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    body = models.TextField(blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=("user", "parent"),
                condition=Q(parent__isnull=False),
                name="draft_unique_reply",
            ),
            models.UniqueConstraint(
                fields=("user", "question"),
                condition=Q(parent__isnull=True, question__isnull=False),
                name="draft_unique_answer",
            ),
            models.UniqueConstraint(
                fields=("user", "week"),
                condition=Q(parent__isnull=True, question__isnull=True),
                name="draft_unique_general",
            ),
        ]

    def __str__(self) -> str:
        return f"Draft by {self.user_id} in week {self.week_id}"


class ThreadLock(models.Model):
    """A locked thread: a question's thread, or (question blank) the week's general thread.

    Locking the whole week is `Week.is_locked`.
    """

    week = models.ForeignKey(Week, on_delete=models.CASCADE, related_name="thread_locks")
    question = models.ForeignKey(
        Question, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    locked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    reason = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=("question",),
                condition=Q(question__isnull=False),
                name="threadlock_unique_question",
            ),
            models.UniqueConstraint(
                fields=("week",),
                condition=Q(question__isnull=True),
                name="threadlock_unique_general",
            ),
        ]

    def __str__(self) -> str:
        return f"Lock on week {self.week_id} question {self.question_id or 'general'}"


class Flag(models.Model):
    """A member's report of a comment, queued for the week's leads and staff."""

    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="flags")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    reason = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # The one-time key of the form that sent it (core.lib.submission): a double submit
    # or a retry with the same key stores nothing more. Blank for keyless flags.
    # NULL, not "": keyless rows never collide under the unique constraint.
    submission_key = models.CharField(  # noqa: DJ001
        max_length=32, null=True, blank=True, editable=False
    )

    class Meta:
        ordering = ("created_at", "id")
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=("user", "submission_key"), name="flag_unique_submission"
            ),
            models.UniqueConstraint(
                fields=("comment", "user"),
                condition=Q(resolved_at__isnull=True),
                name="flag_one_open_per_user",
            ),
            models.CheckConstraint(
                condition=Q(resolved_by__isnull=True) | Q(resolved_at__isnull=False),
                name="flag_resolver_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"Flag on comment {self.comment_id} by {self.user_id}"


class ModerationAction(models.Model):
    """The moderation log: who did what to which comment or thread, when and why."""

    class Action(models.TextChoices):
        HIDE = "hide", "Hide"
        UNHIDE = "unhide", "Unhide"
        PIN = "pin", "Pin"
        UNPIN = "unpin", "Unpin"
        ENDORSE = "endorse", "Endorse"
        UNENDORSE = "unendorse", "Unendorse"
        LOCK = "lock", "Lock"
        UNLOCK = "unlock", "Unlock"
        CREDIT = "credit", "Credit as substantive"
        UNCREDIT = "uncredit", "Remove credit"
        FLAG_RESOLVE = "flag_resolve", "Resolve flag"

    week = models.ForeignKey(Week, on_delete=models.CASCADE, related_name="moderation_actions")
    comment = models.ForeignKey(
        Comment,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="moderation_actions",
    )
    question = models.ForeignKey(
        Question, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    action = models.CharField(max_length=16, choices=Action.choices)
    reason = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("-created_at", "-id")
        indexes: ClassVar = [
            models.Index(fields=("week", "created_at"), name="modaction_week_idx"),
        ]

    def __str__(self) -> str:
        who = self.actor.name if self.actor is not None else "a removed account"
        return f"{self.get_action_display()} by {who} in week {self.week.number}"


# Following a thread, and what each viewer read (their own modules).
from discussions.follow_models import Follow as Follow  # noqa: E402
from discussions.read_models import WeekRead as WeekRead  # noqa: E402
