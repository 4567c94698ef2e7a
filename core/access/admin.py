"""The admin, scoped by seminar: staff see and change only the seminars they are staff of.

Django's admin asks global model permissions ("may change any week"); a site that runs
several seminars needs "may change the weeks of the seminars where I am staff". Every
ModelAdmin of the project mixes in `SeminarScopedAdmin`, and every inline
`SeminarScopedInline` (the same, with Django's inline signature for the add permission),
naming the ORM path from its model to the Seminar (`seminar_path`):

    @admin.register(Comment)
    class CommentAdmin(SeminarScopedAdmin, admin.ModelAdmin[Comment]):
        seminar_path = "week__seminar"

    class FlagInline(SeminarScopedInline, admin.TabularInline[Flag, Comment]):
        seminar_path = "comment__week__seminar"

For a superuser nothing changes. For anyone else, rights come from their seminar role
(`admin_seminars`: staff enrolments, once the admin lets them in), not from Django's
model permissions or groups, which would grant them on every seminar:

- lists, change, delete and history pages, actions and autocompletes see only rows of
  their seminars (`get_queryset`, `get_search_results`); a row of another seminar is
  "not found", as Django's admin answers for any missing object;
- the module, view, change, delete and add permissions hold for staff of some seminar,
  and the object-level ones for rows of their seminars (for an inline: its parent); an
  admin's own refusals (no additions to the moderation log, ...) stay, since its
  methods come first;
- foreign-key and many-to-many choices, and the related-field filters of the list,
  offer only rows of their seminars: seminars they are staff of, those seminars' weeks,
  users enrolled in them, and so on for any model with a path to a seminar
  (`limit_to_admin_seminars`); models with none (groups, permissions) offer nothing.

Rows that belong to no seminar (site settings, groups, the outbox, allauth's addresses
and social logins) are for superusers only: `SuperuserOnlyAdmin`, or `superuser_only()`
for admins registered by other packages.

Only core's models and the user model (through `get_user_model()`) are known here: the
layers above register their admins with a path, and a related model without an admin
gets the shortest path of foreign keys to Seminar (`seminar_path_for`, in admin_scope
with the request's scope).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar, cast

from django.contrib import admin
from django.contrib.admin.options import InlineModelAdmin
from django.contrib.admin.utils import NotRelationField, get_fields_from_path
from django.core import checks
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.db.models import QuerySet
from django.db.models.fields.related import RelatedField
from django.http import HttpRequest

from core.access.admin_scope import (
    admin_seminar_ids,
    filter_to_seminars,
    is_seminar_staff,
    is_superuser,
    limit_to_admin_seminars,
    object_in_admin_seminars,
    seminar_path_for,
)
from core.models import Seminar

if TYPE_CHECKING:
    from django import forms

    _AdminBase = admin.options.BaseModelAdmin[Any]
else:
    _AdminBase = object

__all__ = [
    "ScopedRelatedFieldListFilter",
    "SeminarScopedAdmin",
    "SeminarScopedInline",
    "SuperuserOnlyAdmin",
    "admin_seminar_ids",
    "filter_to_seminars",
    "is_seminar_staff",
    "is_superuser",
    "limit_to_admin_seminars",
    "object_in_admin_seminars",
    "seminar_path_for",
    "superuser_only",
]


# --- the list filters ---------------------------------------------------------------------


class ScopedRelatedFieldListFilter(admin.RelatedFieldListFilter):
    """A related-field filter ("By seminar", "By week") whose choices are the rows the
    user may see, not every row of the related model."""

    def field_choices(
        self, field: Any, request: HttpRequest, model_admin: admin.ModelAdmin[Any]
    ) -> list[tuple[str, Any]]:
        ordering = self.field_admin_ordering(field, request, model_admin)
        related = cast("type[models.Model]", field.related_model)
        allowed = limit_to_admin_seminars(
            request, related._default_manager.all(), model_admin.admin_site
        )
        choices = field.get_choices(
            include_blank=False, ordering=ordering, limit_choices_to={"pk__in": allowed}
        )
        return cast("list[tuple[str, Any]]", choices)


def _scoped_filter(model: type[models.Model], item: Any) -> Any:
    """A list_filter entry with its related-field choices scoped."""
    if isinstance(item, str):
        try:
            last = get_fields_from_path(model, item)[-1]
        except (FieldDoesNotExist, NotRelationField):
            return item
        return (item, ScopedRelatedFieldListFilter) if last.is_relation else item
    if isinstance(item, list | tuple) and len(item) == 2:
        name, filter_class = item
        if isinstance(filter_class, type) and issubclass(
            filter_class, admin.RelatedFieldListFilter
        ):
            return (name, ScopedRelatedFieldListFilter)
    return item


# --- the mixins -------------------------------------------------------------------------


class SeminarScopedAdmin(_AdminBase):
    """Keeps a ModelAdmin inside the seminars the user is staff of (an inline:
    `SeminarScopedInline`).

    `seminar_path`: the ORM path from the admin's model to its Seminar ("seminar",
    "week__seminar", "comment__week__seminar"; "pk" for the Seminar admin itself).
    Put the mixin first among the bases, so the admin's own methods run before it and
    Django's after it.
    """

    seminar_path: ClassVar[str] = "seminar"

    # --- what is shown ---

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        return self.scope_queryset(request, super().get_queryset(request))

    def scope_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        """The rows of `queryset` in the user's seminars (all of them for superusers)."""
        ids = admin_seminar_ids(request)
        if ids is None:
            return queryset
        return filter_to_seminars(queryset, self.seminar_path, ids)

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[Any], search_term: str
    ) -> tuple[QuerySet[Any], bool]:
        """Searches and autocompletes (which search the target's admin) stay in scope,
        whatever queryset they are handed."""
        # ModelAdmin's (an inline has no list to search).
        found = super().get_search_results(request, queryset, search_term)  # type: ignore[misc]
        queryset, may_have_duplicates = found
        return self.scope_queryset(request, queryset), may_have_duplicates

    def get_list_filter(self, request: HttpRequest) -> list[Any] | tuple[Any, ...]:
        filters = super().get_list_filter(request)  # type: ignore[misc]  # ModelAdmin's
        if admin_seminar_ids(request) is None:
            return cast("list[Any] | tuple[Any, ...]", filters)
        return [_scoped_filter(self.model, item) for item in filters]

    # --- what may be done ---

    def in_scope(self, request: HttpRequest, obj: models.Model | None) -> bool:
        """Staff of some seminar, and `obj` (this admin's row, or an inline's parent)
        of one of theirs."""
        if not is_seminar_staff(request):
            return False
        if obj is None:
            return True
        own = isinstance(obj, self.model)
        path = self.seminar_path if own else None
        return object_in_admin_seminars(request, obj, self.admin_site, path)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return is_seminar_staff(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.in_scope(request, obj)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.in_scope(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.in_scope(request, obj)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return is_seminar_staff(request)

    # --- what may be picked ---

    def _scoped_choices(
        self, db_field: RelatedField[Any, Any], request: HttpRequest, kwargs: dict[str, Any]
    ) -> None:
        if admin_seminar_ids(request) is None:
            return
        queryset = kwargs.get("queryset")
        if queryset is None:
            queryset = self.get_field_queryset(kwargs.get("using"), db_field, request)
        if queryset is None:
            queryset = db_field.related_model._default_manager.using(kwargs.get("using"))
        kwargs["queryset"] = limit_to_admin_seminars(request, queryset, self.admin_site)

    def formfield_for_foreignkey(
        self, db_field: models.ForeignKey[Any, Any], request: HttpRequest, **kwargs: Any
    ) -> forms.ModelChoiceField[Any] | None:
        self._scoped_choices(db_field, request, kwargs)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(
        self, db_field: models.ManyToManyField[Any, Any], request: HttpRequest, **kwargs: Any
    ) -> forms.ModelMultipleChoiceField[Any] | None:
        self._scoped_choices(db_field, request, kwargs)
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    # --- a path that leads nowhere is a configuration error, reported by `manage.py check`

    def check(self, **kwargs: Any) -> list[checks.CheckMessage]:
        errors: list[checks.CheckMessage] = list(super().check(**kwargs))
        model = cast("type[models.Model]", self.model)
        if isinstance(self, InlineModelAdmin) and not isinstance(self, SeminarScopedInline):
            errors.append(
                checks.Error(
                    "An inline is scoped with SeminarScopedInline (its add permission "
                    "is asked with the parent object).",
                    obj=type(self),
                    id="core.E002",
                )
            )
        if self.seminar_path == "pk" and model is Seminar:
            return errors
        try:
            fields = get_fields_from_path(model, self.seminar_path)
        except (FieldDoesNotExist, NotRelationField):
            fields = []
        if not fields or fields[-1].related_model is not Seminar:
            errors.append(
                checks.Error(
                    f"seminar_path {self.seminar_path!r} does not lead from "
                    f"{model._meta.label} to a Seminar.",
                    obj=type(self),
                    id="core.E001",
                )
            )
        return errors


class SeminarScopedInline(SeminarScopedAdmin):
    """`SeminarScopedAdmin` for an inline, whose add permission Django asks with the
    parent object (None on the parent's add page): the parent must be in scope."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.in_scope(request, obj)


class SuperuserOnlyAdmin(_AdminBase):
    """An admin for rows that belong to no seminar: only superusers see or change them."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return is_superuser(request) and bool(super().has_module_permission(request))

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_superuser(request) and bool(super().has_view_permission(request, obj))

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_superuser(request) and bool(super().has_change_permission(request, obj))

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_superuser(request) and bool(super().has_delete_permission(request, obj))

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return is_superuser(request) and bool(super().has_add_permission(request, *args))


def superuser_only(site: admin.AdminSite, *models_: type[models.Model]) -> None:
    """Re-register the admins other packages registered for these models (groups,
    sites, allauth's) behind `SuperuserOnlyAdmin`; models not registered are skipped."""
    for model in models_:
        if not site.is_registered(model):
            continue
        current = type(site._registry[model])
        if issubclass(current, SuperuserOnlyAdmin):
            continue
        gated = type(
            f"SuperuserOnly{current.__name__}",
            (SuperuserOnlyAdmin, current),
            {"__module__": current.__module__},
        )
        site.unregister(model)
        site.register(model, gated)
