"""Lookups from a request: the seminar or week as this user may see it.

Ids and slugs from a URL go through these: what a user may not see raises Http404 (a draft
week looks missing), what they may see but not do raises PermissionDenied (403).
"""

from __future__ import annotations

import copy

from django.core.exceptions import PermissionDenied
from django.db.models import OuterRef, QuerySet, Subquery
from django.http import Http404

from core.access.standing import AnyUser, SeminarAccess, WeekAccess
from core.lib.page_store import by_site
from core.models import Enrollment, Seminar, Week, WeekDuty

# The request's user carries its enrolments (with their seminars) once they are read: the
# access checks and the header's seminar switcher share that one read. The memo lives on the
# user object the request loaded, so it never outlives the request or serves another user.
_MEMO = "_memberships_memo"


def memberships(user: AnyUser) -> list[Enrollment]:
    """The user's enrolments with their seminars, newest seminar first; read once per request."""
    if not user.is_authenticated:
        return []
    memo = getattr(user, _MEMO, None)
    if memo is None:
        kept = by_site(("memberships", user.pk), lambda: _read_memberships(user.pk))
        memo = [_own_copy(enrollment) for enrollment in kept]
        setattr(user, _MEMO, memo)
    return memo


def _read_memberships(user_id: int) -> list[Enrollment]:
    return list(
        Enrollment.objects.filter(user_id=user_id)
        .select_related("seminar")
        .order_by("-seminar__created_at", "seminar__title")
    )


def _own_copy(enrollment: Enrollment) -> Enrollment:
    """This request's copy of an enrolment kept by by_site, with its own seminar (pages
    set attributes on what they read; kept objects are shared by requests)."""
    mine = copy.copy(enrollment)
    mine.seminar = copy.copy(enrollment.seminar)
    return mine


def _remembered(user: AnyUser) -> list[Enrollment] | None:
    return getattr(user, _MEMO, None) if user.is_authenticated else None


def seminar_access(user: AnyUser, seminar: Seminar) -> SeminarAccess:
    role = None
    remembered = _remembered(user)
    if remembered is not None:
        role = next((m.role for m in remembered if m.seminar_id == seminar.pk), None)
    elif user.is_authenticated:
        role = (
            Enrollment.objects.filter(user_id=user.pk, seminar_id=seminar.pk)
            .values_list("role", flat=True)
            .first()
        )
    return SeminarAccess(seminar=seminar, user=user, role=role)


def seminar_for_user(user: AnyUser, slug: str) -> SeminarAccess:
    """The seminar with this slug as the user may see it; 404 when they may not."""
    remembered = _remembered(user) or []
    seminar = next((m.seminar for m in remembered if m.seminar.slug == slug), None)
    if seminar is None:
        seminar = Seminar.objects.filter(slug=slug).first()
    if seminar is None:
        raise Http404("No such seminar")
    access = seminar_access(user, seminar)
    if not access.can_view:
        raise Http404("No such seminar")
    return access


_UNREAD = object()


def week_access(access: SeminarAccess, week: Week, team: object = _UNREAD) -> WeekAccess:
    """`team`: the viewer's duty when the caller already read it (None: no duty)."""
    if team is not _UNREAD:
        return WeekAccess(week=week, seminar_access=access, team=team)  # type: ignore[arg-type]
    team = None
    if access.user.is_authenticated:
        team = (
            WeekDuty.objects.filter(week_id=week.pk, user_id=access.user.pk)
            .values_list("team", flat=True)
            .first()
        )
    return WeekAccess(week=week, seminar_access=access, team=team)


def week_for_user(user: AnyUser, seminar_slug: str, week_slug: str) -> WeekAccess:
    """The week as the user may see it; 404 for drafts (to non-staff) and hidden seminars."""
    access = seminar_for_user(user, seminar_slug)
    key = ("week-for-user", access.seminar.pk, week_slug, user.pk)
    kept = by_site(key, lambda: _read_week(access.seminar, week_slug, user))
    if kept is None:
        raise Http404("No such week")
    week = copy.copy(kept)  # this request's own (pages set attributes on it)
    week.seminar = access.seminar
    wa = week_access(access, week, getattr(week, "viewer_team", None))
    if not wa.can_view:
        raise Http404("No such week")
    return wa


def _read_week(seminar: Seminar, week_slug: str, user: AnyUser) -> Week | None:
    weeks = Week.objects.filter(seminar=seminar, slug=week_slug)
    if user.is_authenticated:  # the viewer's duty in the same query as the week
        duty = WeekDuty.objects.filter(week=OuterRef("pk"), user_id=user.pk).values("team")
        weeks = weeks.annotate(viewer_team=Subquery(duty[:1]))
    return weeks.first()


def weeks_visible(access: SeminarAccess) -> QuerySet[Week]:
    weeks = Week.objects.filter(seminar=access.seminar)
    return weeks if access.can_view_drafts else weeks.published()


def seminars_for_user(user: AnyUser) -> QuerySet[Seminar]:
    """Seminars a user may see: their own, plus public ones; every one for superusers."""
    if user.is_authenticated and user.is_superuser:
        return Seminar.objects.all()
    public = Seminar.objects.filter(visibility=Seminar.Visibility.PUBLIC)
    if not user.is_authenticated:
        return public
    return (public | Seminar.objects.filter(enrollments__user_id=user.pk)).distinct()


def require(allowed: bool, message: str = "You may not do that here.") -> None:
    """Raise 403 unless `allowed`."""
    if not allowed:
        raise PermissionDenied(message)


def staff_seminars(user: AnyUser) -> QuerySet[Seminar]:
    """Seminars where this user is staff: every one for an active superuser, none for an
    anonymous or inactive user. The admin and the staff tools scope everything by it."""
    if not (user.is_authenticated and user.is_active):
        return Seminar.objects.none()
    if user.is_superuser:
        return Seminar.objects.all()
    return Seminar.objects.filter(
        enrollments__user_id=user.pk, enrollments__role=Enrollment.Role.STAFF
    )


def may_use_admin(user: AnyUser) -> bool:
    """Django's admin site lets this user in (what they see there is scoped by
    `staff_seminars`): active accounts marked as admin staff."""
    return bool(user.is_authenticated and user.is_active and user.is_staff)


def may_use_editor(user: AnyUser) -> bool:
    """The markdown editor's preview and image upload: members of any seminar, and admin
    staff (the admin uses the same widget)."""
    if not user.is_authenticated:
        return False
    if user.is_superuser or may_use_admin(user):
        return True
    return Enrollment.objects.filter(user_id=user.pk).exists()


def admin_seminars(user: AnyUser) -> QuerySet[Seminar]:
    """Seminars this user manages in the admin (roster, weeks, teams): those where they
    are staff, once the admin lets them in."""
    return staff_seminars(user) if may_use_admin(user) else Seminar.objects.none()
