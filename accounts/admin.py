"""Users log in by email and have no username; the stock UserAdmin, adapted to that.

Superusers keep Django's whole user admin. Seminar staff see only the users enrolled in
their seminars (core.access.admin), and of them only names and profile: never passwords
(a user resets their own through the site's reset link), privileges (is_staff,
is_superuser, groups, permissions), nor anything that would hand them the account (the
email address); they add people through the roster import, not here. Groups, sites and
allauth's admins are for superusers only.
"""

from __future__ import annotations

from typing import Any, ClassVar
from urllib.parse import urlsplit

from allauth.account.models import EmailAddress
from allauth.socialaccount.models import SocialAccount, SocialApp, SocialToken
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.contrib.auth.models import Group
from django.contrib.sites.models import Site
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.urls import Resolver404, resolve

from accounts.models import User
from core.access.admin import SeminarScopedAdmin, is_superuser, superuser_only
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


class StaffUserEditForm(UserEditForm):
    """The user form seminar staff get: no password field (nor its change link)."""

    password = None  # type: ignore[assignment]  # removes UserChangeForm's field


# What seminar staff see of a user enrolled in their seminars; only names are theirs to
# correct. (Superusers get `UserAdmin.fieldsets`.)
STAFF_FIELDSETS = (
    (None, {"fields": ("email",)}),
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
    ("Account", {"fields": ("is_active", "last_login", "date_joined")}),
)
STAFF_READONLY_FIELDS = (
    "email",
    "pronouns",
    "email_reply_notices",
    "email_reminders",
    "email_announcements",
    "is_active",
    "last_login",
    "date_joined",
)
# Never shown to seminar staff, in a form, a column or a filter.
PRIVILEGE_FIELDS = frozenset({"password", "is_staff", "is_superuser", "groups", "user_permissions"})


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
class UserAdmin(SeminarScopedAdmin, BaseUserAdmin):
    seminar_path = "enrollments__seminar"
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

    # --- seminar staff: no privileges, no passwords, no accounts of their own making ---

    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is not None and not is_superuser(request):
            return STAFF_FIELDSETS
        return super().get_fieldsets(request, obj)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        if not is_superuser(request):
            return STAFF_READONLY_FIELDS
        return super().get_readonly_fields(request, obj)

    def get_form(
        self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any
    ) -> Any:
        if obj is not None and not is_superuser(request):
            kwargs["form"] = StaffUserEditForm
        return super().get_form(request, obj, change=change, **kwargs)

    def get_list_display(self, request: HttpRequest) -> Any:
        columns = super().get_list_display(request)
        if is_superuser(request):
            return columns
        return [c for c in columns if c not in PRIVILEGE_FIELDS]

    def get_list_filter(self, request: HttpRequest) -> Any:
        filters = super().get_list_filter(request)
        if is_superuser(request):
            return filters
        return [f for f in filters if not (isinstance(f, str) and f in PRIVILEGE_FIELDS)]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        """A new account belongs to no seminar: staff invite people with the roster."""
        return is_superuser(request)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        """An account may be in other seminars too: deleting it is the site's to do."""
        return is_superuser(request)

    def user_change_password(
        self, request: HttpRequest, id: str, form_url: str = ""
    ) -> HttpResponse:
        """Nobody's password is set by seminar staff, not even their own here."""
        if not is_superuser(request):
            raise PermissionDenied
        return super().user_change_password(request, id, form_url)

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[User], search_term: str
    ) -> tuple[QuerySet[User], bool]:
        """Team autocompletes suggest only students of the seminar being edited."""
        queryset, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        students = _students_for_autocomplete(request)
        if students is not None:
            queryset = queryset.filter(pk__in=students)
        return queryset, may_have_duplicates


# Rows of no seminar, registered by Django and allauth: for superusers only.
superuser_only(admin.site, Group, Site, EmailAddress, SocialApp, SocialAccount, SocialToken)
