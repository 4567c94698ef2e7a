"""The blogging team's weekly summary post, its revisions and the class's feedback on it.

One post per week (`Week.blog_post`). The team writes it together: every save (autosave
included) leaves a `BlogRevision` snapshot of title and body, so "who changed what, when"
is answerable and any two versions can be diffed. While the post is shared with the class,
enrolled members leave `BlogFeedback` on the draft.
"""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse

from core.lib.models import RenderedMarkdownModel
from core.models import Week


class BlogPostQuerySet(models.QuerySet["BlogPost"]):
    def published(self) -> BlogPostQuerySet:
        return self.filter(status=BlogPost.Status.PUBLISHED)

    def of_seminar(self, seminar_id: int) -> BlogPostQuerySet:
        return self.filter(week__seminar_id=seminar_id)


class BlogPost(RenderedMarkdownModel):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SHARED = "shared", "Shared with the class for feedback"
        SUBMITTED = "submitted", "Submitted for staff review"
        CHANGES_REQUESTED = "changes_requested", "Changes requested"
        PUBLISHED = "published", "Published"

    week = models.OneToOneField(Week, on_delete=models.CASCADE, related_name="blog_post")
    title = models.CharField(max_length=200)
    body = models.TextField(blank=True, help_text="Markdown.")
    body_html = models.TextField(blank=True, editable=False)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    # Bumped by every content save: an autosave based on an older version is refused
    # instead of silently overwriting a teammate's newer text.
    version = models.PositiveIntegerField(default=1)
    review_note = models.TextField(
        blank=True, help_text="Staff's note when they request changes (shown to the team)."
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    shared_at = models.DateTimeField(null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True, db_index=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = BlogPostQuerySet.as_manager()
    markdown_fields: ClassVar = {"body": "body_html"}

    class Meta:
        ordering = ("-published_at", "-created_at")
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=~Q(status="published") | Q(published_at__isnull=False),
                name="blogpost_published_has_time",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("blog:post", args=[self.week.seminar.slug, self.week.slug])

    # Which statuses allow what (core.access asks these with the user's role).
    TEAM_EDITABLE: ClassVar = {Status.DRAFT, Status.SHARED, Status.CHANGES_REQUESTED}
    SHAREABLE: ClassVar = {Status.DRAFT, Status.CHANGES_REQUESTED}
    SUBMITTABLE: ClassVar = {Status.DRAFT, Status.SHARED, Status.CHANGES_REQUESTED}
    WITHDRAWABLE: ClassVar = {Status.SHARED, Status.SUBMITTED}

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED

    @property
    def is_submitted(self) -> bool:
        return self.status == self.Status.SUBMITTED

    @property
    def is_shared(self) -> bool:
        return self.status == self.Status.SHARED


class BlogRevision(models.Model):
    """A snapshot of the post's title and body after one save, and who made it."""

    class Kind(models.TextChoices):
        SAVE = "save", "Saved"
        AUTOSAVE = "autosave", "Autosaved"
        IMPORT = "import", "Imported"
        RESTORE = "restore", "Restored an earlier version"

    post = models.ForeignKey(BlogPost, on_delete=models.CASCADE, related_name="revisions")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.SAVE)
    version = models.PositiveIntegerField()
    title = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ("-created_at", "-id")
        indexes: ClassVar = [
            models.Index(fields=("post", "-created_at"), name="blogrevision_post_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.post} v{self.version}"


class BlogFeedback(RenderedMarkdownModel):
    """A classmate's comment on a post shared for feedback."""

    post = models.ForeignKey(BlogPost, on_delete=models.CASCADE, related_name="feedback")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="blog_feedback"
    )
    body = models.TextField(help_text="Markdown.")
    body_html = models.TextField(blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    # The one-time key of the form that posted it (core.lib.submission): a double submit
    # or a retry with the same key stores nothing more. Blank for keyless feedback.
    # NULL, not "": keyless rows never collide under the unique constraint.
    submission_key = models.CharField(  # noqa: DJ001
        max_length=32, null=True, blank=True, editable=False
    )

    markdown_fields: ClassVar = {"body": "body_html"}

    class Meta:
        ordering = ("created_at", "id")
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=("author", "submission_key"), name="feedback_unique_submission"
            ),
        ]

    def __str__(self) -> str:
        return f"Feedback by {self.author} on {self.post}"
