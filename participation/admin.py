"""Participation in the admin: the rule as inlines on the seminar and week pages (added to
the existing admins without touching them), and the overrides, extensions and dismissals
as searchable lists."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.forms.models import BaseInlineFormSet
from django.http import HttpRequest, HttpResponse

from accounts.http import signed_in_user
from core.access import seminar_access
from core.access.admin import SeminarScopedAdmin, SeminarScopedInline
from core.admin import SeminarAdmin, WeekAdmin
from core.admin_mixins import KnownUserForm, LocalTimesMixin, UserAutocompleteMixin
from core.models import Extension, Seminar
from participation.gradebook_views import csv_response
from participation.models import CreditDismissal, SeminarRule, StatusOverride, WeekRule


class OptionalInlineFormSet(BaseInlineFormSet):
    """An inline that a POST may leave out: without its management form (a page opened
    before participation was installed, or a script posting the week's own fields), it
    changes nothing instead of refusing the whole save."""

    def __init__(self, data: Any = None, *args: Any, **kwargs: Any) -> None:
        prefix = kwargs.get("prefix") or self.get_default_prefix()
        if data is not None and f"{prefix}-TOTAL_FORMS" not in data:
            data = data.copy()
            data[f"{prefix}-TOTAL_FORMS"] = "0"
            data[f"{prefix}-INITIAL_FORMS"] = "0"
        super().__init__(data, *args, **kwargs)


class SeminarRuleInline(SeminarScopedInline, admin.StackedInline):
    model = SeminarRule
    seminar_path = "seminar"
    formset = OptionalInlineFormSet
    can_delete = False
    verbose_name = "participation rule"
    verbose_name_plural = (
        "Participation rule (each section's required answers are set on the week's sections)"
    )


class WeekRuleInline(SeminarScopedInline, admin.StackedInline):
    model = WeekRule
    seminar_path = "week__seminar"
    formset = OptionalInlineFormSet
    can_delete = True
    verbose_name_plural = "Participation rule for this week (blank: the seminar's)"


class ExtensionInline(
    SeminarScopedInline, UserAutocompleteMixin, LocalTimesMixin, admin.TabularInline
):
    model = Extension
    seminar_path = "week__seminar"
    form = KnownUserForm
    formset = OptionalInlineFormSet
    fields = ("user", "deadline", "cutoff", "note")
    autocomplete_fields = ("user",)
    extra = 0
    verbose_name_plural = "Extensions (a student's own deadline and cut-off this week)"

    def get_queryset(self, request: HttpRequest) -> QuerySet[Extension]:
        return super().get_queryset(request).select_related("user", "week")


def _gradebook_download(
    modeladmin: Any, request: HttpRequest, queryset: QuerySet[Seminar], fmt: str
) -> HttpResponse | None:
    seminars = list(queryset[:2])
    if len(seminars) != 1:
        modeladmin.message_user(request, "Select exactly one seminar.", messages.WARNING)
        return None
    if not seminar_access(request.user, seminars[0]).can_export_gradebook:
        modeladmin.message_user(request, "Only the seminar's staff export it.", messages.ERROR)
        return None
    return csv_response(seminars[0], fmt)


@admin.action(description="Download the gradebook for Canvas (CSV)")
def gradebook_canvas_action(
    modeladmin: Any, request: HttpRequest, queryset: QuerySet[Seminar]
) -> HttpResponse | None:
    """participation.gradebook: scores per student and week (docs/gradebook.md)."""
    return _gradebook_download(modeladmin, request, queryset, "canvas")


@admin.action(description="Download the gradebook for Moodle (CSV)")
def gradebook_moodle_action(
    modeladmin: Any, request: HttpRequest, queryset: QuerySet[Seminar]
) -> HttpResponse | None:
    return _gradebook_download(modeladmin, request, queryset, "moodle")


# Added to the weeks admin's inlines (additively: the classes stay as core/admin.py wrote them).
SeminarAdmin.inlines = (*SeminarAdmin.inlines, SeminarRuleInline)
SeminarAdmin.actions = (
    *(SeminarAdmin.actions or ()),
    gradebook_canvas_action,
    gradebook_moodle_action,
)
WeekAdmin.inlines = (*WeekAdmin.inlines, WeekRuleInline, ExtensionInline)


@admin.register(StatusOverride)
class StatusOverrideAdmin(SeminarScopedAdmin, admin.ModelAdmin):
    seminar_path = "week__seminar"
    list_display = ("user", "week", "state", "set_by", "set_at")
    list_filter = ("state", "week__seminar")
    list_select_related = ("user", "week", "set_by")
    search_fields = ("user__email", "user__first_name", "user__last_name", "note")
    autocomplete_fields = ("user", "set_by")
    raw_id_fields = ("week",)
    readonly_fields = ("set_at",)

    def save_model(self, request: HttpRequest, obj: StatusOverride, form, change: bool) -> None:
        if not obj.set_by_id:
            obj.set_by = signed_in_user(request)  # the admin site lets in only staff
        super().save_model(request, obj, form, change)


@admin.register(Extension)
class ExtensionAdmin(SeminarScopedAdmin, admin.ModelAdmin):
    seminar_path = "week__seminar"
    list_display = ("user", "week", "deadline", "cutoff", "granted_by")
    list_filter = ("week__seminar",)
    list_select_related = ("user", "week", "granted_by")
    search_fields = ("user__email", "user__first_name", "user__last_name")
    autocomplete_fields = ("user", "granted_by")
    raw_id_fields = ("week",)

    def save_model(self, request: HttpRequest, obj: Extension, form, change: bool) -> None:
        if not obj.granted_by_id:
            obj.granted_by = signed_in_user(request)
        super().save_model(request, obj, form, change)


@admin.register(CreditDismissal)
class CreditDismissalAdmin(SeminarScopedAdmin, admin.ModelAdmin):
    seminar_path = "comment__week__seminar"
    list_display = ("comment", "dismissed_by", "dismissed_at")
    list_select_related = ("comment", "dismissed_by")
    raw_id_fields = ("comment",)
    autocomplete_fields = ("dismissed_by",)
