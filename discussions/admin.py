"""Admin for the discussion: comments (with their revisions), flags and the moderation log.

Comment text is edited by authors on the site, not here: the admin shows it read-only
with its history; the moderation log is append-only. Drafts are private and not shown.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest
from django.utils.html import format_html

from accounts.http import AuthenticatedHttpRequest, signed_in_user
from core.access.admin import SeminarScopedAdmin, SeminarScopedInline
from discussions import moderation, moderation_log
from discussions.models import Comment, CommentRevision, Flag, ModerationAction, ThreadLock


class ReadOnlyInline(SeminarScopedInline, admin.TabularInline):
    seminar_path = "comment__week__seminar"
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


class OpenFlagFilter(admin.SimpleListFilter):
    title = "status"
    parameter_name = "open"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [("yes", "Open"), ("no", "Resolved")]

    def queryset(self, request: HttpRequest, queryset: Any) -> Any:
        if self.value() == "yes":
            return queryset.filter(resolved_at__isnull=True)
        if self.value() == "no":
            return queryset.filter(resolved_at__isnull=False)
        return queryset


MODERATION_FIELDS = ("is_hidden", "is_pinned", "is_endorsed", "credited_substantive")


class CommentModerationForm(forms.ModelForm):
    """The admin's comment form: the same rules as moderating on the site."""

    class Meta:
        model = Comment
        fields = ("hidden_reason", *MODERATION_FIELDS)

    def clean(self) -> dict[str, Any]:

        super().clean()
        data = self.cleaned_data
        if data.get("is_hidden") and not (data.get("hidden_reason") or "").strip():
            self.add_error("hidden_reason", moderation.REASON_REQUIRED)
        credits = data.get("credited_substantive") and not self.instance.credited_substantive
        if credits and self.instance.is_answer:
            self.add_error("credited_substantive", moderation.ANSWERS_NOT_CREDITED)
        return data


@admin.register(Comment)
class CommentAdmin(SeminarScopedAdmin, admin.ModelAdmin):
    seminar_path = "week__seminar"
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
        # Set by the moderation services when the flags above change (see save_model).
        "hidden_by",
        "hidden_at",
        "endorsed_by",
        "endorsed_at",
        "credited_by",
        "credited_at",
    )
    date_hierarchy = "created_at"
    inlines = (RevisionInline, FlagInline)
    form = CommentModerationForm

    def save_model(self, request: HttpRequest, obj: Comment, form: Any, change: bool) -> None:
        """Moderation done here goes through discussions.moderation: timestamps set, logged."""
        if not change:
            return super().save_model(request, obj, form, change)

        before = Comment.objects.get(pk=obj.pk)
        wanted = {field: getattr(obj, field) for field in MODERATION_FIELDS}
        reason = obj.hidden_reason
        for field in (*MODERATION_FIELDS, "hidden_reason"):
            setattr(obj, field, getattr(before, field))
        super().save_model(request, obj, form, change)
        actor = signed_in_user(request)  # the admin site lets in only staff
        if wanted["is_hidden"] and (not before.is_hidden or reason != before.hidden_reason):
            moderation.hide(obj, actor=actor, reason=reason)
        elif not wanted["is_hidden"]:
            moderation.unhide(obj, actor=actor)
        (moderation.pin if wanted["is_pinned"] else moderation.unpin)(obj, actor=actor)
        (moderation.endorse if wanted["is_endorsed"] else moderation.unendorse)(obj, actor=actor)
        if wanted["credited_substantive"]:
            moderation.credit(obj, actor=actor)
        else:
            moderation.uncredit(obj, actor=actor)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # comments are posted on the site, under its rules

    @admin.display(description="text")
    def excerpt(self, comment: Comment) -> str:
        return comment.body if len(comment.body) <= 80 else comment.body[:79] + "…"


@admin.register(Flag)
class FlagAdmin(SeminarScopedAdmin, admin.ModelAdmin):
    seminar_path = "comment__week__seminar"
    list_display = ("comment", "week", "user", "reason", "created_at", "resolved_at", "resolved_by")
    list_filter = (OpenFlagFilter, "comment__week__seminar")
    search_fields = ("reason", "user__email")
    raw_id_fields = ("comment", "user", "resolved_by")
    list_select_related = ("comment__week", "user", "resolved_by")
    readonly_fields = ("comment", "user", "created_at", "resolved_at", "resolved_by")
    actions = ("resolve",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # members flag on the site

    @admin.display(description="week", ordering="comment__week")
    def week(self, flag: Flag) -> str:
        return str(flag.comment.week)

    @admin.action(description="Resolve the selected flags (logged)")
    def resolve(self, request: AuthenticatedHttpRequest, queryset: Any) -> None:

        flags = queryset.filter(resolved_at__isnull=True).select_related("comment__week", "user")
        count = 0
        for flag in flags:
            moderation.resolve_flag(flag, actor=request.user)
            count += 1
        self.message_user(request, f"{count} flag{'s' if count != 1 else ''} resolved.")


@admin.register(ModerationAction)
class ModerationActionAdmin(SeminarScopedAdmin, admin.ModelAdmin):
    """The moderation log: visible to staff, never edited. Rows read as the site's log
    page does (discussions.moderation_log): names and the comment's first words, not ids."""

    seminar_path = "week__seminar"

    list_display = ("created_at", "week", "action", "moderator", "target", "excerpt", "reason")
    list_filter = ("action", "week__seminar")
    search_fields = ("reason", "actor__email", "actor__display_name", "actor__last_name")
    list_select_related = ("week__seminar", "actor", "comment__author", "question")
    date_hierarchy = "created_at"
    fields = ("created_at", "week", "action", "moderator", "target", "excerpt", "reason", "link")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.display(description="moderator", ordering="actor__email")
    def moderator(self, row: ModerationAction) -> str:
        return moderation_log.entry(row).moderator

    @admin.display(description="what")
    def target(self, row: ModerationAction) -> str:
        return moderation_log.entry(row).target

    @admin.display(description="comment")
    def excerpt(self, row: ModerationAction) -> str:
        return moderation_log.entry(row).excerpt

    @admin.display(description="on the site")
    def link(self, row: ModerationAction) -> str:
        return format_html('<a href="{}">{}</a>', moderation_log.entry(row).url, "open")


@admin.register(ThreadLock)
class ThreadLockAdmin(SeminarScopedAdmin, admin.ModelAdmin):
    seminar_path = "week__seminar"
    list_display = ("week", "question", "locked_by", "created_at")
    raw_id_fields = ("question", "locked_by")
