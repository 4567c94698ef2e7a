"""Staff find, search and publish posts in the admin; writing happens on the site's editor."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest

from accounts.http import signed_in_user
from blog import services
from blog.models import BlogFeedback, BlogPost, BlogRevision
from core.access.admin import SeminarScopedAdmin, SeminarScopedInline


class BlogRevisionInline(SeminarScopedInline, admin.TabularInline):
    model = BlogRevision
    seminar_path = "post__week__seminar"
    fields = ("version", "kind", "author", "created_at", "updated_at")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class BlogFeedbackInline(SeminarScopedInline, admin.TabularInline):
    model = BlogFeedback
    seminar_path = "post__week__seminar"
    fields = ("author", "body", "created_at")
    readonly_fields = ("author", "created_at")
    extra = 0


@admin.register(BlogPost)
class BlogPostAdmin(SeminarScopedAdmin, admin.ModelAdmin):
    seminar_path = "week__seminar"
    list_display = ("title", "week", "status", "published_at", "updated_at")
    list_filter = ("status", "week__seminar")
    list_select_related = ("week", "week__seminar")
    search_fields = ("title", "body", "week__title")
    fields = ("week", "title", "body", "status", "review_note", "published_at", "version")
    readonly_fields = ("week", "status", "published_at", "version")
    inlines = (BlogRevisionInline, BlogFeedbackInline)
    actions = ("publish", "unpublish")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # a post starts on the site, from its week's editor

    def save_model(self, request: HttpRequest, obj: BlogPost, form: Any, change: bool) -> None:
        """An admin edit is a revision like any other (who changed what, when)."""
        content_changed = {"title", "body"} & set(form.changed_data)
        editor = signed_in_user(request)  # the admin site lets in only staff
        if content_changed:
            obj.version += 1
            obj.updated_by = editor
        super().save_model(request, obj, form, change)
        if content_changed:
            services.snapshot(obj, author=editor, kind=BlogRevision.Kind.SAVE)

    def _apply(self, request: HttpRequest, queryset: QuerySet[BlogPost], service: Any) -> None:
        done = 0
        for post in queryset:
            try:
                service(post=post, actor=request.user)
            except ValidationError as error:
                self.message_user(request, f"{post}: {' '.join(error.messages)}", messages.WARNING)
            else:
                done += 1
        self.message_user(request, f"{done} post(s) updated.")

    @admin.action(description="Publish the selected posts", permissions=["change"])
    def publish(self, request: HttpRequest, queryset: QuerySet[BlogPost]) -> None:
        self._apply(request, queryset, services.post_publish)

    @admin.action(description="Unpublish the selected posts", permissions=["change"])
    def unpublish(self, request: HttpRequest, queryset: QuerySet[BlogPost]) -> None:
        self._apply(request, queryset, services.post_unpublish)
