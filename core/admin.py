"""The staff side: building seminars and weeks, publishing them, importing week files.

Datetimes on the week and section forms are typed and shown in the *seminar's* time zone
(Django's admin would otherwise use settings.TIME_ZONE): the change views activate that
zone while the form is bound, validated and rendered.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, ClassVar, TypedDict, cast

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.widgets import AutocompleteSelect
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Case, Count, F, IntegerField, QuerySet, Value, When
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils import dateformat, timezone
from django.utils.html import format_html

from core import services
from core.access.admin import SeminarScopedAdmin, SeminarScopedInline, is_superuser
from core.events import week_published
from core.models import (
    Enrollment,
    Question,
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

    # What the mixins below are mixed into: their super() calls reach these classes.
    _ModelAdminBase = admin.ModelAdmin[Any]
    _AdminBase = admin.options.BaseModelAdmin[Any]

    # The changelists' annotations (get_queryset below).
    class WeekCount(TypedDict):
        week_count: int

    class QuestionCount(TypedDict):
        question_count: int

else:
    _ModelAdminBase = _AdminBase = object

LOCAL_FIELDS = ("deadline", "cutoff", "publish_at")
SMALL_TEXTAREA: dict[type[models.Field[Any, Any]], dict[str, Any]] = {
    models.TextField: {"widget": forms.Textarea(attrs={"rows": 2, "cols": 30})},
    models.URLField: {"assume_scheme": "https"},
}


def local_datetime(value: dt.datetime | None, seminar: Seminar) -> str:
    """`Sun 3 Sep 2023, 5:29 p.m. EDT` in the seminar's zone; an em dash when unset."""
    if value is None:
        return "—"
    return dateformat.format(timezone.localtime(value, seminar.tz), "D j M Y, P T")


def _zone(name: str | None) -> zoneinfo.ZoneInfo | None:
    try:
        return zoneinfo.ZoneInfo(name) if name else None
    except (ValueError, zoneinfo.ZoneInfoNotFoundError):
        return None


def _seminar_zone_name(seminar_id: str | None) -> str | None:
    if not seminar_id:
        return None
    try:
        return Seminar.objects.filter(pk=seminar_id).values_list("timezone", flat=True).first()
    except (ValueError, TypeError, ValidationError):
        return None


class SeminarTimezoneMixin(_ModelAdminBase):
    """Bind, validate and render the change form in the seminar's time zone."""

    def seminar_zone_name(self, request: HttpRequest, object_id: str | None) -> str | None:
        """The time zone name of the seminar the form is about; the week and section
        admins find it from the object or the chosen seminar. None: the site's zone."""
        return None

    @contextmanager
    def seminar_zone(self, request: HttpRequest, object_id: str | None) -> Iterator[None]:
        zone = _zone(self.seminar_zone_name(request, object_id))
        request.seminar_zone = zone  # type: ignore[attr-defined]  # read by the help texts
        if zone is None:
            yield
            return
        with timezone.override(zone):
            yield

    def changeform_view(
        self,
        request: HttpRequest,
        object_id: str | None = None,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        with self.seminar_zone(request, object_id):
            response = super().changeform_view(request, object_id, form_url, extra_context)
            if isinstance(response, TemplateResponse):
                # Render now: a lazy TemplateResponse would format the datetimes after
                # the zone is deactivated.
                response.render()
        return response


def zone_help_text(request: HttpRequest | None, text: str) -> str:
    zone = getattr(request, "seminar_zone", None)
    where = f"the seminar's time zone ({zone.key})" if zone else "the chosen seminar's time zone"
    text = text.replace(", in the seminar's time zone", "")
    return f"{text} Entered and shown in {where}.".strip()


class LocalTimesMixin(_AdminBase):
    """Say on each datetime field which zone it is typed in."""

    def formfield_for_dbfield(
        self, db_field: models.Field[Any, Any], request: HttpRequest, **kwargs: Any
    ) -> forms.Field | None:
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if field is not None and db_field.name in LOCAL_FIELDS:
            field.help_text = zone_help_text(request, str(db_field.help_text))
        return field


class KnownLabelAutocompleteSelect(AutocompleteSelect):
    """An autocomplete that labels the selected option from the row's own (already
    fetched) related object instead of one query per inline row."""

    known_labels: dict[str, str] | None = None

    def optgroups(
        self, name: str, value: Sequence[str], attr: dict[str, Any] | None = None
    ) -> list[tuple[str | None, list[dict[str, Any]], int | None]]:
        selected = {str(v) for v in value if str(v) not in self.choices.field.empty_values}
        known = self.known_labels or {}
        if not selected or not selected <= known.keys():
            return super().optgroups(name, value, attr)
        options = []
        if not self.is_required:
            options.append(self.create_option(name, "", "", False, 0))
        for index, pk in enumerate(sorted(selected), start=len(options)):
            options.append(self.create_option(name, pk, known[pk], True, index))
        return [(None, options, 0)]


class KnownUserForm(forms.ModelForm[Any]):
    """An inline row whose `user` autocomplete is labelled without a query."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields.get("user")
        if field is None or not self.instance.user_id:
            return
        widget = getattr(field.widget, "widget", field.widget)
        if isinstance(widget, KnownLabelAutocompleteSelect):
            widget.known_labels = {str(self.instance.user_id): str(self.instance.user)}


class UserAutocompleteMixin(_AdminBase):
    def formfield_for_foreignkey(
        self, db_field: models.ForeignKey[Any, Any], request: HttpRequest, **kwargs: Any
    ) -> forms.ModelChoiceField[Any] | None:
        if db_field.name == "user" and "widget" not in kwargs:
            kwargs["widget"] = KnownLabelAutocompleteSelect(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class ReorderableInlinesMixin(_ModelAdminBase):
    """Let staff swap the positions of two inline rows in one save.

    Positions are unique per week (or section) in the database, and the formset saves
    row by row, so 1↔2 would collide halfway. Rows whose position changes are first
    moved out of the way; the formset has already checked that the final positions are
    distinct.
    """

    POSITION_OFFSET = 10_000

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        model = formset.model
        if any(f.name == "position" for f in model._meta.fields):
            moved = [
                f.instance.pk
                for f in formset.initial_forms
                if f.instance.pk and "position" in f.changed_data
            ]
            if moved:
                model.objects.filter(pk__in=moved).update(
                    position=F("position") + self.POSITION_OFFSET
                )
        super().save_formset(request, form, formset, change)


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
        ("Text", {"fields": ("intro", "discussion_intro")}),
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
