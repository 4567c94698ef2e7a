"""Admin for the discussion: comments (with their revisions), flags and the moderation log.

Comment text is edited by authors on the site, not here: the admin shows it read-only
with its history; the moderation log is append-only. Drafts are private and not shown.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from discussions.models import Comment, CommentRevision, Flag, ModerationAction, ThreadLock


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class RevisionInline(ReadOnlyInline):
    model = CommentRevision
    fields = ("created_at", "edited_by", "body")
    readonly_fields = fields


class FlagInline(ReadOnlyInline):
    model = Flag
    fields = ("created_at", "user", "reason", "resolved_at", "resolved_by")
    readonly_fields = fields


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    list_display = (
        "id",
        "week",
        "question",
        "author",
        "excerpt",
        "created_at",
        "is_late",
        "is_hidden",
        "is_pinned",
        "is_endorsed",
        "credited_substantive",
        "deleted_at",
    )
    list_filter = ("week__seminar", "is_late", "is_hidden", "is_pinned", "is_endorsed")
    search_fields = ("body", "author__email", "author__display_name", "week__title")
    list_select_related = ("week", "question", "author")
    raw_id_fields = ("parent", "author", "hidden_by", "endorsed_by", "credited_by")
    readonly_fields = (
        "week",
        "question",
        "parent",
        "author",
        "body",
        "body_html",
        "created_at",
        "edited_at",
        "depth",
        "is_late",
        "deleted_at",
    )
    date_hierarchy = "created_at"
    inlines = (RevisionInline, FlagInline)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # comments are posted on the site, under its rules

    @admin.display(description="text")
    def excerpt(self, comment: Comment) -> str:
        return comment.body if len(comment.body) <= 80 else comment.body[:79] + "…"


@admin.register(Flag)
class FlagAdmin(admin.ModelAdmin):
    list_display = ("comment", "user", "created_at", "resolved_at", "resolved_by")
    list_filter = ("resolved_at",)
    search_fields = ("reason", "user__email")
    raw_id_fields = ("comment", "user", "resolved_by")


@admin.register(ModerationAction)
class ModerationActionAdmin(admin.ModelAdmin):
    """The moderation log: visible to staff, never edited."""

    list_display = ("created_at", "week", "action", "actor", "comment", "question", "reason")
    list_filter = ("action", "week__seminar")
    search_fields = ("reason", "actor__email")
    list_select_related = ("week", "actor", "comment", "question")
    date_hierarchy = "created_at"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(ThreadLock)
class ThreadLockAdmin(admin.ModelAdmin):
    list_display = ("week", "question", "locked_by", "created_at")
    raw_id_fields = ("question", "locked_by")
