"""The staff side: building seminars and weeks, publishing them, importing week files.

Datetimes on the week and section forms are typed and shown in the *seminar's* time zone
(Django's admin would otherwise use settings.TIME_ZONE): the change views activate that
zone while the form is bound, validated and rendered.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar, TypedDict, cast

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import Case, Count, IntegerField, QuerySet, Value, When
from django.http import HttpRequest
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.html import format_html

from core import services
from core.access.admin import SeminarScopedAdmin, SeminarScopedInline, is_superuser
from core.admin_mixins import (
    SMALL_TEXTAREA,
    KnownUserForm,
    LocalTimesMixin,
    ReorderableInlinesMixin,
    SeminarTimezoneMixin,
    UserAutocompleteMixin,
    _seminar_zone_name,
    local_datetime,
)
from core.events import week_published
from core.models import (
    Enrollment,
    QuestionSection,
    Reading,
    Seminar,
    Week,
    WeekDuty,
)

if TYPE_CHECKING:
    from django.contrib.admin.options import InlineModelAdmin
    from django.forms.models import ModelChoiceIterator
    from django_stubs_ext import WithAnnotations

    # The changelists' annotations (get_queryset below).
    class WeekCount(TypedDict):
        week_count: int

    class QuestionCount(TypedDict):
        question_count: int


# --- Seminar ---------------------------------------------------------------------------


class SeminarWeekInline(SeminarScopedInline, admin.TabularInline[Week, Seminar]):
    model = Week
    seminar_path = "seminar"
    fields = ("number", "title", "slug", "class_date", "status", "deadline_local")
    readonly_fields = ("status", "deadline_local")
    extra = 0
    show_change_link = True
    verbose_name_plural = "Weeks (status and deadline are set on each week's own page)"

    def get_queryset(self, request: HttpRequest) -> QuerySet[Week]:
        return super().get_queryset(request).select_related("seminar")

    @admin.display(description="Deadline")
    def deadline_local(self, week: Week) -> str:
        return local_datetime(week.deadline, week.seminar) if week.pk else "—"


class EnrollmentInline(
    SeminarScopedInline, UserAutocompleteMixin, admin.TabularInline[Enrollment, Seminar]
):
    model = Enrollment
    seminar_path = "seminar"
    form = KnownUserForm
    fields = ("user", "role")
    autocomplete_fields = ("user",)
    extra = 0

    def get_queryset(self, request: HttpRequest) -> QuerySet[Enrollment]:
        # The row's title is str(enrollment), which names the user and the seminar.
        return super().get_queryset(request).select_related("user", "seminar")


@admin.register(Seminar)
class SeminarAdmin(SeminarScopedAdmin, admin.ModelAdmin[Seminar]):
    seminar_path = "pk"
    list_display = ("title", "slug", "term", "visibility", "week_count")
    list_filter = ("visibility", "term")
    search_fields = ("title", "slug", "term")
    prepopulated_fields = {"slug": ("title",)}
    # Feature apps add their own inlines and actions in their admin.py (participation,
    # notifications, pages): this layer knows none of them.
    inlines: ClassVar[tuple[type[InlineModelAdmin[Any, Any]], ...]] = (
        SeminarWeekInline,
        EnrollmentInline,
    )
    actions: tuple[Any, ...] = ()  # typed here so the apps above can extend it
    fieldsets = (
        (None, {"fields": ("title", "slug", "term", "timezone", "visibility", "description")}),
        (
            "Policies",
            {"fields": ("late_policy", "blog_draft_due_days", "blog_final_due_days")},
        ),
    )

    def has_add_permission(self, request: HttpRequest) -> bool:
        """Opening a seminar is the site's (a superuser's) to do: its creator would not
        be its staff, and the admin shows staff only the seminars they are staff of."""
        return is_superuser(request)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Seminar]:
        seminars: QuerySet[Seminar] = super().get_queryset(request)
        return seminars.annotate(week_count=Count("weeks", distinct=True))

    @admin.display(description="Weeks", ordering="week_count")
    def week_count(self, seminar: WithAnnotations[Seminar, WeekCount]) -> int:
        return seminar.week_count


# --- Week ------------------------------------------------------------------------------


class ReadingInline(SeminarScopedInline, admin.TabularInline[Reading, Week]):
    model = Reading
    seminar_path = "week__seminar"
    fields = ("position", "kind", "number", "title", "url", "group", "note", "citation", "abstract")
    extra = 0
    formfield_overrides = SMALL_TEXTAREA

    def get_queryset(self, request: HttpRequest) -> QuerySet[Reading]:
        required_first = Case(
            When(kind=Reading.Kind.REQUIRED, then=Value(0)),
            default=Value(1),
            output_field=IntegerField(),
        )
        return super().get_queryset(request).order_by(required_first, "position")


class SectionInline(
    SeminarScopedInline, LocalTimesMixin, admin.TabularInline[QuestionSection, Week]
):
    model = QuestionSection
    seminar_path = "week__seminar"
    fields = (
        "position",
        "title",
        "reading",
        "required_answers",
        "day_label",
        "deadline",
        "reveal_policy",
        "intro",
    )
    extra = 0
    show_change_link = True
    formfield_overrides = SMALL_TEXTAREA
    verbose_name_plural = "Question sections (open a section to edit its questions)"

    def get_formset(self, request: HttpRequest, obj: Week | None = None, **kwargs: Any) -> Any:
        formset = super().get_formset(request, obj, **kwargs)
        reading = cast(
            "forms.ModelChoiceField[Reading] | None", formset.form.base_fields.get("reading")
        )
        if reading is not None:
            # Only this week's readings, fetched once for every row's select.
            reading.queryset = Reading.objects.filter(week=obj) if obj else Reading.objects.none()
            # A ModelChoiceIterator (the queryset above), evaluated once here.
            reading.choices = list(cast("ModelChoiceIterator[Reading]", reading.choices))
            reading.help_text = (
                f"{reading.help_text} A reading added in this save can be picked after saving."
            )
        return formset


class WeekDutyFormSet(forms.BaseInlineFormSet[WeekDuty, Week, forms.ModelForm[WeekDuty]]):
    """Teams are made of students enrolled in the week's seminar. The model checks this
    for a saved week; this also covers a week being added with its teams."""

    def clean(self) -> None:
        super().clean()
        seminar_id = getattr(self.instance, "seminar_id", None)
        if seminar_id is None:
            return
        students = set(
            Enrollment.objects.filter(
                seminar_id=seminar_id, role=Enrollment.Role.STUDENT
            ).values_list("user_id", flat=True)
        )
        for form in self.forms:
            # _should_delete_form is Django's, private, so django-stubs leaves it out.
            deleted = self._should_delete_form(form)  # type: ignore[attr-defined]
            if form.errors or not form.has_changed() or deleted:
                continue
            user = form.cleaned_data.get("user")
            if user is not None and user.pk not in students:
                form.add_error("user", "Teams are made of students enrolled in this seminar.")


class WeekDutyInline(
    SeminarScopedInline, UserAutocompleteMixin, admin.TabularInline[WeekDuty, Week]
):
    model = WeekDuty
    seminar_path = "week__seminar"
    form = KnownUserForm
    formset = WeekDutyFormSet
    fields = ("team", "user")
    autocomplete_fields = ("user",)
    extra = 0
    verbose_name = "team member"
    verbose_name_plural = "Lead and blogging teams (students enrolled in the seminar)"

    def get_queryset(self, request: HttpRequest) -> QuerySet[WeekDuty]:
        # The row's title is str(member), which names the user and the week.
        return super().get_queryset(request).select_related("user", "week")


@admin.register(Week)
class WeekAdmin(
    SeminarScopedAdmin,
    SeminarTimezoneMixin,
    LocalTimesMixin,
    ReorderableInlinesMixin,
    admin.ModelAdmin[Week],
):
    seminar_path = "seminar"
    list_display = (
        "title",
        "seminar",
        "number",
        "class_date",
        "status",
        "deadline_local",
    )
    list_display_links = ("title",)
    list_filter = ("seminar", "status")
    list_select_related = ("seminar",)
    search_fields = ("title", "slug", "readings__title")
    date_hierarchy = "class_date"
    ordering = ("seminar", "number")
    prepopulated_fields = {"slug": ("title",)}
    readonly_fields = ("published_at",)
    # participation adds its inlines here (its admin.py).
    inlines: ClassVar[tuple[type[InlineModelAdmin[Any, Any]], ...]] = (
        ReadingInline,
        SectionInline,
        WeekDutyInline,
    )
    actions = ("publish_action", "unpublish_action", "duplicate_action")
    fieldsets = (
        (None, {"fields": ("seminar", "number", "title", "slug", "class_date")}),
        ("Publishing", {"fields": ("status", "publish_at", "published_at")}),
        ("Posting", {"fields": ("deadline", "cutoff", "late_policy", "is_locked", "staff_run")}),
        ("Text", {"fields": ("intro", "discussion_intro", "notes")}),
    )

    def seminar_zone_name(self, request: HttpRequest, object_id: str | None) -> str | None:
        """The seminar posted (it may have just been changed), else the week's, else
        the one preselected with `?seminar=`."""
        if request.method == "POST" and request.POST.get("seminar"):
            return _seminar_zone_name(request.POST["seminar"])
        if object_id:
            try:
                name = (
                    Week.objects.filter(pk=object_id)
                    .values_list("seminar__timezone", flat=True)
                    .first()
                )
            except (ValueError, TypeError, ValidationError):
                name = None
            if name:
                return name
        return _seminar_zone_name(request.GET.get("seminar"))

    def save_model(self, request: HttpRequest, obj: Week, form: Any, change: bool) -> None:
        """Publishing through the status field is publishing: the week gets its
        ``published_at`` and, once its inlines are saved, its announcement."""
        previous = (
            Week.objects.filter(pk=obj.pk).values_list("status", flat=True).first()
            if change
            else None
        )
        announce = obj.status == Week.Status.PUBLISHED and previous != obj.status
        obj._announce = announce  # type: ignore[attr-defined]  # read by save_related
        if announce:
            obj.published_at = timezone.now()
        elif obj.status != Week.Status.PUBLISHED:
            obj.published_at = None
        super().save_model(request, obj, form, change)

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        if getattr(form.instance, "_announce", False):
            # Announced (one email per member) in the admin's transaction.
            week_published.send(Week, week_id=form.instance.pk)

    @admin.display(description="Deadline", ordering="deadline")
    def deadline_local(self, week: Week) -> str:
        return local_datetime(week.deadline, week.seminar)

    def get_urls(self) -> list[URLPattern]:
        from core.admin_views import week_import  # admin_views imports WeekAdmin from here

        view = self.admin_site.admin_view(lambda request: week_import(request, model_admin=self))
        return [path("import/", view, name="weeks_week_import"), *super().get_urls()]

    @admin.action(description="Publish the selected weeks now", permissions=("change",))
    def publish_action(self, request: HttpRequest, queryset: QuerySet[Week]) -> None:
        weeks = list(queryset)
        changed = sum(services.publish_week(week=week) for week in weeks)
        self._report(request, changed, len(weeks), "published", "already published")

    @admin.action(
        description="Unpublish the selected weeks (back to draft)", permissions=("change",)
    )
    def unpublish_action(self, request: HttpRequest, queryset: QuerySet[Week]) -> None:
        weeks = list(queryset)
        changed = sum(services.unpublish_week(week=week) for week in weeks)
        self._report(request, changed, len(weeks), "moved back to draft", "already drafts")

    @admin.action(description="Duplicate the selected weeks as new drafts", permissions=("add",))
    def duplicate_action(self, request: HttpRequest, queryset: QuerySet[Week]) -> None:
        for week in queryset.select_related("seminar"):
            copy = services.duplicate_week(week=week)
            url = reverse("admin:weeks_week_change", args=[copy.pk])
            self.message_user(
                request,
                format_html(
                    'Created draft week {} “<a href="{}">{}</a>” from “{}”: check its dates'
                    " and teams before publishing.",
                    copy.number,
                    url,
                    copy.title,
                    week.title,
                ),
                messages.SUCCESS,
            )

    def _report(
        self, request: HttpRequest, changed: int, total: int, done: str, skipped: str
    ) -> None:
        def weeks(n: int) -> str:
            return f"{n} week" if n == 1 else f"{n} weeks"

        if changed:
            self.message_user(request, f"{weeks(changed)} {done}.", messages.SUCCESS)
        if total - changed:
            verb = "was" if total - changed == 1 else "were"
            self.message_user(
                request,
                f"{weeks(total - changed)} {verb} {skipped}: left as they were.",
                messages.WARNING,
            )


# The question sections' admin (core/admin_sections.py) registers itself on import.
from core import admin_sections  # noqa: E402, F401
