"""The admin of question sections: their questions inline, numbered and reordered."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Count, QuerySet
from django.http import HttpRequest

from core.access.admin import SeminarScopedAdmin, SeminarScopedInline
from core.admin_mixins import LocalTimesMixin, ReorderableInlinesMixin, SeminarTimezoneMixin
from core.models import Question, QuestionSection, Reading, Week

if TYPE_CHECKING:
    from typing import TypedDict

    from django_stubs_ext import WithAnnotations

    class QuestionCount(TypedDict):
        question_count: int


# --- Question section ------------------------------------------------------------------


class QuestionInline(SeminarScopedInline, admin.TabularInline[Question, QuestionSection]):
    model = Question
    seminar_path = "section__week__seminar"
    fields = ("position", "number", "body")
    ordering = ("position",)
    extra = 1
    formfield_overrides = {
        models.TextField: {"widget": forms.Textarea(attrs={"rows": 3, "cols": 80})}
    }


@admin.register(QuestionSection)
class QuestionSectionAdmin(
    SeminarScopedAdmin,
    SeminarTimezoneMixin,
    LocalTimesMixin,
    ReorderableInlinesMixin,
    admin.ModelAdmin[QuestionSection],
):
    seminar_path = "week__seminar"
    list_display = ("title", "week", "position", "day_label", "question_count")
    list_filter = ("week__seminar",)
    list_select_related = ("week",)
    search_fields = ("title", "week__title", "questions__body")
    inlines = (QuestionInline,)
    fields = (
        "week",
        "position",
        "title",
        "intro",
        "reading",
        "required_answers",
        "day_label",
        "deadline",
        "reveal_policy",
    )

    def get_queryset(self, request: HttpRequest) -> QuerySet[QuestionSection]:
        sections: QuerySet[QuestionSection] = super().get_queryset(request)
        return sections.annotate(question_count=Count("questions"))

    @admin.display(description="Questions", ordering="question_count")
    def question_count(self, section: WithAnnotations[QuestionSection, QuestionCount]) -> int:
        return section.question_count

    def seminar_zone_name(self, request: HttpRequest, object_id: str | None) -> str | None:
        week_id: str | int | None = request.POST.get("week") if request.method == "POST" else None
        if not week_id and object_id:
            try:
                week_id = (
                    QuestionSection.objects.filter(pk=object_id)
                    .values_list("week_id", flat=True)
                    .first()
                )
            except (ValueError, TypeError, ValidationError):
                week_id = None
        week_id = week_id or request.GET.get("week")
        if not week_id:
            return None
        try:
            return (
                Week.objects.filter(pk=week_id).values_list("seminar__timezone", flat=True).first()
            )
        except (ValueError, TypeError, ValidationError):
            return None

    def get_form(
        self,
        request: HttpRequest,
        obj: QuestionSection | None = None,
        change: bool = False,
        **kwargs: Any,
    ) -> type[forms.ModelForm[QuestionSection]]:
        form = super().get_form(request, obj, change, **kwargs)
        reading = cast("forms.ModelChoiceField[Reading] | None", form.base_fields.get("reading"))
        if reading is not None and obj is not None:
            reading.queryset = Reading.objects.filter(week_id=obj.week_id)
        return form
