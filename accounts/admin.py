"""Users log in by email and have no username; the stock UserAdmin, adapted to that."""

from __future__ import annotations

from typing import Any, ClassVar
from urllib.parse import urlsplit

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import Resolver404, resolve

from accounts.models import User
from core.models import Enrollment, Week


class UserCreationForm(AdminUserCreationForm):
    class Meta(AdminUserCreationForm.Meta):
        model = User
        fields = ("email", "display_name")
        field_classes: ClassVar[dict[str, Any]] = {}

    def clean_email(self) -> str:
        """Emails are stored lower-case (as the manager does) and unique whatever the case."""
        email = User.objects.normalize_email(self.cleaned_data["email"]).lower()
        if User.objects.filter(email__iexact=email).exists():
            raise ValidationError("A user with this email address already exists.")
        return email


class UserEditForm(UserChangeForm):
    class Meta(UserChangeForm.Meta):
        model = User
        fields = "__all__"
        field_classes: ClassVar[dict[str, Any]] = {}

    def clean_email(self) -> str:
        email = User.objects.normalize_email(self.cleaned_data["email"]).lower()
        if User.objects.filter(email__iexact=email).exclude(pk=self.instance.pk).exists():
            raise ValidationError("A user with this email address already exists.")
        return email


def _object_being_edited(request: HttpRequest, url_name: str) -> str | None:
    """The id of the object whose change page (`admin:<url_name>`) asked for user
    suggestions, from the Referer; None elsewhere."""
    try:
        match = resolve(urlsplit(request.headers.get("referer", "")).path)
    except Resolver404:
        return None
    object_id = match.kwargs.get("object_id", "")
    return object_id if match.url_name == url_name and object_id.isdigit() else None


# Inlines whose user autocomplete offers only enrolled students: (app label, model name)
# -> (the edited parent model, its change view's URL name). Apps above add theirs.
STUDENT_AUTOCOMPLETES: dict[tuple[str, str], tuple[type[models.Model], str]] = {
    ("weeks", "weekduty"): (Week, "weeks_week_change"),
}


def _students_for_autocomplete(request: HttpRequest) -> QuerySet | None:
    """For a team autocomplete: enrolled students, of the edited week's or team's seminar
    when the request comes from its change page. None for any other autocomplete."""
    source = (request.GET.get("app_label"), request.GET.get("model_name"))
    if source not in STUDENT_AUTOCOMPLETES:
        return None
    model, url_name = STUDENT_AUTOCOMPLETES[source]
    students = Enrollment.objects.filter(role=Enrollment.Role.STUDENT)
    object_id = _object_being_edited(request, url_name)
    if object_id:
        students = students.filter(
            seminar_id__in=model._default_manager.filter(pk=object_id).values("seminar_id")
        )
    return students.values("user_id")


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    form = UserEditForm
    add_form = UserCreationForm
    list_display = ("email", "display_name", "first_name", "last_name", "is_staff", "is_active")
    list_filter = ("is_staff", "is_superuser", "is_active", "enrollments__seminar")
    search_fields = ("email", "display_name", "first_name", "last_name")
    ordering = ("email",)
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        ("Name", {"fields": ("display_name", "first_name", "last_name")}),
        (
            "Profile",
            {
                "fields": (
                    "pronouns",
                    "email_reply_notices",
                    "email_reminders",
                    "email_announcements",
                )
            },
        ),
        (
            "Permissions",
            {
                "fields": (
                    "is_active",
                    "is_staff",
                    "is_superuser",
                    "groups",
                    "user_permissions",
                ),
            },
        ),
        ("Important dates", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("email", "display_name", "usable_password", "password1", "password2"),
            },
        ),
    )

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[User], search_term: str
    ) -> tuple[QuerySet[User], bool]:
        """Team autocompletes suggest only students of the seminar being edited."""
        queryset, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        students = _students_for_autocomplete(request)
        if students is not None:
            queryset = queryset.filter(pk__in=students)
        return queryset, may_have_duplicates
