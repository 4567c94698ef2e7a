"""The scope of an admin request: the seminars its user manages, and the path from any
model to its seminar. core.access.admin's mixins filter by these; see that module.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable
from functools import cache
from typing import Any, cast

from django.contrib import admin
from django.contrib.admin.utils import get_fields_from_path
from django.contrib.auth import get_user_model
from django.db import models
from django.db.models import QuerySet
from django.http import HttpRequest

from core.access.lookups import admin_seminars
from core.models import Seminar

# The user model's path to the seminars its users are enrolled in (core.Enrollment).
USER_SEMINAR_PATH = "enrollments__seminar"
# How far `seminar_path_for` looks for a seminar through foreign keys.
MAX_DERIVED_DEPTH = 4
_SCOPE_ATTR = "_admin_seminar_scope"
_OBJECTS_ATTR = "_admin_seminar_objects"


# --- the scope of a request --------------------------------------------------------------


def is_superuser(request: HttpRequest) -> bool:
    user = request.user
    return bool(user.is_authenticated and user.is_active and user.is_superuser)


def admin_seminar_ids(request: HttpRequest) -> frozenset[int] | None:
    """The ids of the seminars this request's user manages in the admin; None for a
    superuser (every seminar). Read once per request."""
    if is_superuser(request):
        return None
    cached = getattr(request, _SCOPE_ATTR, None)
    if cached is None:
        cached = frozenset(admin_seminars(request.user).values_list("pk", flat=True))
        setattr(request, _SCOPE_ATTR, cached)
    return cast("frozenset[int]", cached)


def is_seminar_staff(request: HttpRequest) -> bool:
    """A superuser, or staff of at least one seminar (and let into the admin)."""
    ids = admin_seminar_ids(request)
    return ids is None or bool(ids)


# --- paths from a model to its seminar ---------------------------------------------------


def _is_user_model(model: type[models.Model]) -> bool:
    return model is get_user_model()


@cache
def _derived_path(model: type[models.Model]) -> str | None:
    """The shortest chain of foreign keys from `model` to Seminar (not through users,
    who belong to many seminars): "week__seminar" for a comment."""
    queue: deque[tuple[type[models.Model], tuple[str, ...]]] = deque([(model, ())])
    seen = {model}
    while queue:
        current, path = queue.popleft()
        if len(path) >= MAX_DERIVED_DEPTH:
            continue
        for field in current._meta.concrete_fields:
            if not (field.many_to_one or field.one_to_one) or field.related_model is None:
                continue
            target = field.related_model
            if target is Seminar:
                return "__".join((*path, field.name))
            if target in seen or _is_user_model(target):
                continue
            seen.add(target)
            queue.append((target, (*path, field.name)))
    return None


def seminar_path_for(
    model: type[models.Model], admin_site: admin.AdminSite | None = None
) -> str | None:
    """The ORM path from `model` to its Seminar: "pk" for Seminar itself, the users'
    enrolments for the user model, the registered admin's `seminar_path`, else the
    shortest chain of foreign keys. None: the model belongs to no seminar."""
    if model is Seminar:
        return "pk"
    if _is_user_model(model):
        return USER_SEMINAR_PATH
    if admin_site is not None:
        declared = getattr(admin_site._registry.get(model), "seminar_path", None)
        if isinstance(declared, str):
            return declared
    return _derived_path(model)


def _is_multi_valued(model: type[models.Model], path: str) -> bool:
    if path == "pk":
        return False
    return any(f.many_to_many or f.one_to_many for f in get_fields_from_path(model, path))


def filter_to_seminars(
    queryset: QuerySet[Any], path: str, seminar_ids: Iterable[int]
) -> QuerySet[Any]:
    """The rows of `queryset` whose seminar (through `path`) is one of `seminar_ids`.
    A path through a one-to-many relation (a user's enrolments) filters by a subquery,
    so a row matching twice is still listed once."""
    ids = list(seminar_ids)
    if path == "pk":
        return queryset.filter(pk__in=ids)
    if _is_multi_valued(queryset.model, path):
        matching = queryset.model._default_manager.filter(**{f"{path}__in": ids})
        return queryset.filter(pk__in=matching.values("pk"))
    return queryset.filter(**{f"{path}__in": ids})


def limit_to_admin_seminars(
    request: HttpRequest, queryset: QuerySet[Any], admin_site: admin.AdminSite | None = None
) -> QuerySet[Any]:
    """`queryset` as the request's user may pick from it in the admin: every row for a
    superuser; otherwise the rows of their seminars, none of a model without a seminar."""
    ids = admin_seminar_ids(request)
    if ids is None:
        return queryset
    path = seminar_path_for(queryset.model, admin_site)
    if path is None:
        return queryset.none()
    return filter_to_seminars(queryset, path, ids)


def _seminar_id_of_unsaved(obj: models.Model, path: str) -> Any:
    """Follow `path` through an object not saved yet (its foreign keys already set)."""
    if path == "pk":
        return obj.pk
    *hops, last = path.split("__")
    current: Any = obj
    for hop in hops:
        current = getattr(current, hop, None)
        if current is None:
            return None
    return getattr(current, f"{last}_id", None)


def object_in_admin_seminars(
    request: HttpRequest,
    obj: models.Model,
    admin_site: admin.AdminSite | None = None,
    path: str | None = None,
) -> bool:
    """Whether `obj` belongs to one of the seminars the request's user manages (every
    object, for a superuser), through `path` or else `seminar_path_for` its model. One
    query per object and request."""
    ids = admin_seminar_ids(request)
    if ids is None:
        return True
    model = type(obj)
    path = path or seminar_path_for(model, admin_site)
    if path is None:
        return False
    if obj.pk is None:
        if _is_multi_valued(model, path):
            return False
        return _seminar_id_of_unsaved(obj, path) in ids
    known: dict[tuple[str, Any], bool] = getattr(request, _OBJECTS_ATTR, None) or {}
    key = (model._meta.label, obj.pk)
    if key not in known:
        rows = filter_to_seminars(model._default_manager.filter(pk=obj.pk), path, ids)
        known[key] = rows.exists()
        setattr(request, _OBJECTS_ATTR, known)
    return known[key]
